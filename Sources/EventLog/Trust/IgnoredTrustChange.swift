import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto

/// A row of the trust list that this store does not obey, and why: `myolog verify` names each.
public struct IgnoredTrustChange: Error, Sendable, Equatable {
    /// The row's `change` number (nil only when even that was rewritten into a non-number).
    public var change: Int64?
    /// The node id the row names, as stored.
    public var node: String
    public var reason: String

    public var json: JSONValue {
        .object(["change": change.map { .int(Int($0)) } ?? .null, "node": .string(node), "reason": .string(reason)])
    }
}
