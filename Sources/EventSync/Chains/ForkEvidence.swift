import Foundation
import EventModel

/// One fork this store has seen: a peer's event that contradicts the chain held here, kept in
/// quarantine with why and when, and the operator's decision on it once there is one.
///
/// A fork is never merged. Until an operator records a decision, `sync` and `verify` report it
/// and exit non-zero; the decision is append-only, like the evidence.
public struct ForkEvidence: Sendable, Hashable {
    public var origin: NodeID
    public var sequence: Int
    /// The quarantined event's hash (this store's own event at that place, if any, differs).
    public var hash: EventHash
    public var reason: String
    public var detectedAt: Timestamp
    public var decision: Decision?

    package init(origin: NodeID, sequence: Int, hash: EventHash, reason: String, detectedAt: Timestamp, decision: Decision?) {
        self.origin = origin
        self.sequence = sequence
        self.hash = hash
        self.reason = reason
        self.detectedAt = detectedAt
        self.decision = decision
    }

    /// Who decided what about a fork, and when.
    public struct Decision: Sendable, Hashable {
        public var author: String
        public var decidedAt: Timestamp
        public var note: String

        package init(author: String, decidedAt: Timestamp, note: String) {
            self.author = author
            self.decidedAt = decidedAt
            self.note = note
        }
    }

    public var isOpen: Bool { decision == nil }

    public var json: JSONValue {
        .object([
            "origin": .string(origin.rawValue), "sequence": .int(sequence), "hash": .string(hash.rawValue),
            "reason": .string(reason), "detectedAt": .string(detectedAt.description),
            "decision": decision.map { .object(["author": .string($0.author), "decidedAt": .string($0.decidedAt.description), "note": .string($0.note)]) } ?? .null,
        ])
    }
}

