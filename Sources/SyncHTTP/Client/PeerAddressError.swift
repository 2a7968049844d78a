import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import EventModel
import EventCrypto
import EventSync

/// A peer address that is not `https://HOST:PORT`.
public struct PeerAddressError: Error, CustomStringConvertible, Sendable {
    public var address: String
    /// Why, when there is more to say than the accepted forms.
    public var reason: String?
    public var description: String {
        "peer: \(address) is not accepted; " + (reason ?? "accepted: a store directory or https://HOST:PORT")
    }
}
