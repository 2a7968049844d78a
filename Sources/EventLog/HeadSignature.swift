import Crypto
import Foundation

/// An origin's Ed25519 signature over one event of its chain: the origin vouches for that event
/// and — because every event names its predecessor's hash — for every event before it.
///
/// A store signs the head of its own chain at the end of every commit (and every
/// ``interval``-th event inside a long one), so a bulk append pays one signature per commit, not
/// per event, and every event is covered by a signature at most ``interval`` events later.
/// A signature travels with the event it signs (the envelope's `signature` member), is not part
/// of the event's hash, and is kept in `chain_signatures`, append-only like the log.
public struct HeadSignature: Sendable, Hashable, CustomStringConvertible {
    /// 128 lower-case hex digits: the 64-byte Ed25519 signature.
    public let rawValue: String

    /// Accepts 128 lower-case hex digits; nil for anything else.
    public init?(_ text: String) {
        guard text.utf8.count == 128, text.utf8.allSatisfy(Hex.isDigit) else { return nil }
        rawValue = text
    }

    init(bytes: some Sequence<UInt8>) { rawValue = Hex.encode(bytes) }

    public var description: String { rawValue }

    /// The most events a store writes before it signs, even inside one commit.
    public static let interval = 1024

    /// What is signed: a fixed label (so a chain signature can never be mistaken for any other
    /// signature the node key makes, such as its TLS certificate's) and the event's hash.
    static func message(for hash: EventHash) -> Data {
        Data("myolog chain head v1\n\(hash.rawValue)".utf8)
    }

    /// `identity`'s signature over the event with this hash.
    static func sign(_ hash: EventHash, by identity: NodeIdentity) throws -> HeadSignature {
        HeadSignature(bytes: try identity.signature(for: message(for: hash)))
    }

    /// Whether this is `publicKey`'s signature over the event with this hash.
    public func isValid(for hash: EventHash, publicKey: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey), let bytes = Hex.decode(rawValue) else { return false }
        return key.isValidSignature(bytes, for: Self.message(for: hash))
    }
}

extension Array where Element == EventEnvelope {
    /// How many leading events of a batch being gathered to commit go into the next commit: up
    /// to a signed event, because a receiver refuses a batch that leaves an origin's chain on an
    /// unsigned one — the first signed event at or after `limit` events if there is one (commits
    /// stay near the batch size, so a refused batch costs little), else the last signed one.
    /// The events after it (an origin's events after its last signature so far) wait for the
    /// events that bring their covering signature, at most ``HeadSignature/interval`` later.
    /// With no signed event: all of them when `everything` (the end of the input — the receiver
    /// then refuses, naming the uncovered event) or once the batch has grown more than a
    /// signature interval beyond `limit`; otherwise none yet.
    public func committableCount(limit: Int, everything: Bool) -> Int {
        let signed = indices.dropFirst(Swift.max(limit - 1, 0)).first { self[$0].signature != nil } ?? lastIndex { $0.signature != nil }
        if let signed { return signed + 1 }
        return everything || count > limit + HeadSignature.interval ? count : 0
    }

    /// Commits the gathered batch through `commit`, a signed chunk at a time, while it holds at
    /// least `limit` events (all of it when `everything`); what cannot be committed yet stays.
    public mutating func commitSigned(limit: Int, everything: Bool, _ commit: ([EventEnvelope]) async throws -> Void) async rethrows {
        while !isEmpty, everything || count >= limit {
            let count = committableCount(limit: limit, everything: everything)
            guard count > 0 else { return }
            try await commit(Array(self[..<count]))
            removeFirst(count)
        }
    }
}

extension EventReader {
    /// The first sequence of `origin` at or after `sequence` that carries a signature.
    func signatureSequence(origin: NodeID, atOrAfter sequence: Int) throws -> Int? {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT sequence FROM chain_signatures WHERE origin = ? AND sequence >= ? ORDER BY sequence LIMIT 1"),
                         arguments: [origin.rawValue, sequence])
    }
}
