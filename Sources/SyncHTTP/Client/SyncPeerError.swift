import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import EventModel
import EventCrypto
import EventSync

/// The peer answered with an error, or not at all, or with something that is not the protocol.
public struct SyncPeerError: Remediable, CodedError, Sendable {
    /// What went wrong with the peer; ``message`` says it in words. Codes are stable: scripts and
    /// tests match them, so one is never renamed nor reused for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// No connection to the address.
        case unreachable
        /// No TLS handshake, no answer, or no bytes within the time allowed.
        case timedOut
        /// The TLS handshake or session failed (often: the server does not trust this node).
        case tlsFailed
        /// The server's certificate carries no Myolog node key.
        case notANode
        /// The server is a node this store does not trust.
        case untrustedServer
        /// The server's summary names another node than its certificate.
        case nodeMismatch
        /// An answer that is not the protocol's.
        case malformedAnswer
        /// The server answered with an HTTP error; ``status`` and ``message`` are its.
        case refused
    }

    public var code: Code
    public var url: String
    public var status: Int?
    public var message: String
    public var remedy: Remedy?

    public init(_ code: Code, url: String, status: Int?, message: String, remedy: Remedy? = nil) {
        (self.code, self.url, self.status, self.message, self.remedy) = (code, url, status, message, remedy)
    }

    public var fact: String {
        "peer \(url)" + (status.map { " answered HTTP \($0)" } ?? "") + ": \(message)"
    }
}
