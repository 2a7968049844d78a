import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import EventModel
import EventCrypto
import EventSync

/// A peer address that is not `https://HOST:PORT`.
public struct PeerAddressError: CodedError, Sendable {
    /// Why. Codes are stable: scripts and tests match them, so one is never renamed nor reused
    /// for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Not a URL with a host and nothing after the port.
        case notAnAddress
        /// `http://`: a Myolog server speaks HTTPS with mutual TLS only.
        case plainHTTP
        /// Another scheme than `https`.
        case unsupportedScheme
    }

    public var code: Code
    public var address: String
    /// Why, when there is more to say than the accepted forms.
    public var reason: String?
    public var description: String {
        "peer: \(address) is not accepted; " + (reason ?? "accepted: a store directory or https://HOST:PORT")
    }
}
