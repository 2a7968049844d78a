import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto

/// A row of the trust list that this store does not obey, and why: `myolog verify` names each.
///
/// The node is kept as the text stored: the row may have been rewritten into something that is
/// no node id.
public struct IgnoredTrustChange: CodedError, Sendable, Equatable {
    /// Why the row is not obeyed. Codes are stable: scripts and tests match them, so one is never
    /// renamed nor reused for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Its values are not of the types the trust list declares (the table was rebuilt).
        case malformedRow
        /// It carries no signature.
        case notSigned
        /// Its signature is not this node's over the row where it stands.
        case signatureMismatch
        /// Signed by this node, but after a row that is itself not obeyed.
        case followsIgnored
    }

    public var code: Code
    /// The row's `change` number (nil only when even that was rewritten into a non-number).
    public var change: Int64?
    /// The node id the row names, as stored.
    public var node: String
    public var reason: String

    /// One line; the node and reason escaped, as the row may hold anything.
    public var description: String {
        "trust change \(change.map(String.init) ?? "?") naming node \(VisibleText.escaped(node)) is ignored: \(VisibleText.escaped(reason))"
    }

    public var json: JSONValue {
        .object(["change": change.map { .int(Int($0)) } ?? .null, "node": .string(node), "reason": .string(reason)])
    }
}
