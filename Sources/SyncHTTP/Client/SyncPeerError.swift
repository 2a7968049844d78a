import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import EventModel
import EventCrypto
import EventSync

/// The peer answered with an error, or not at all, or with something that is not the protocol.
public struct SyncPeerError: Remediable, Sendable {
    public var url: String
    public var status: Int?
    public var message: String
    public var remedy: Remedy?

    public init(url: String, status: Int?, message: String, remedy: Remedy? = nil) {
        (self.url, self.status, self.message, self.remedy) = (url, status, message, remedy)
    }

    public var fact: String {
        "peer \(url)" + (status.map { " answered HTTP \($0)" } ?? "") + ": \(message)"
    }
}
