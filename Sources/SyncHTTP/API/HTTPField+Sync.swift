import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import EventModel
import EventCrypto
import EventSync

extension HTTPField.Name {
    /// ``SyncAPI/syncHeader``, typed once for the server's header lookups.
    static let myologSync = HTTPField.Name(SyncAPI.syncHeader)!
    /// ``SyncAPI/nodeHeader``, typed once for the server's header lookups.
    static let myologNode = HTTPField.Name(SyncAPI.nodeHeader)!
}
