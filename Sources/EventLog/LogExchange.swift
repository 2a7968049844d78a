/// Moves what one store lacks from another: for each origin, the events beyond the receiver's
/// clock, in sequence order, in batches that each commit in their own transaction.
///
/// Cost is O(delta + origins): each batch is an index range on (origin, sequence). A transfer
/// killed at any instant leaves whole batches, and the next one resumes from the receiver's
/// clock; a finished transfer run again moves nothing. Every event passes
/// ``AppendTransaction/receive(_:)`` — hash, chain link, sequence, enrolment — before it is stored,
/// and the receiver's projections fold each batch in its transaction.
public enum LogExchange {
    /// Events moved, per origin node.
    public typealias Moved = [NodeID: Int]

    /// Sends `target` every event `source` holds beyond `target`'s clock. Relays too: events of
    /// a third origin held by `source` move like its own.
    @discardableResult
    public static func transfer(from source: EventStore, to target: EventStore, batchSize: Int = 1000) throws -> Moved {
        precondition(batchSize > 0)
        let have = try target.read { try $0.clock() }
        let offer = try source.read { try $0.clock() }
        try refuseForks(between: source, and: target, offer: offer, have: have)
        var moved: Moved = [:]
        for origin in offer.entries.keys.sorted() where offer[origin] > have[origin] {
            var after = have[origin]
            while after < offer[origin] {
                let batch = try source.read { try $0.events(origin: origin, after: after, limit: batchSize) }
                guard let last = batch.last else { break }
                let stored = try target.write { tx in try batch.filter { try tx.receive($0) }.count }
                moved[origin, default: 0] += stored
                after = last.sequence
            }
        }
        return moved
    }

    /// Two stores holding different events at the same (origin, sequence) — a cloned store, a
    /// restored backup, a tampered copy — must never be merged silently. Chains are hash-linked,
    /// so comparing the events at the shorter head tells whether they agree, and a binary search
    /// finds the first sequence where they part: O(log n) lookups per shared origin.
    static func refuseForks(between source: EventStore, and target: EventStore, offer: VectorClock, have: VectorClock) throws {
        for origin in offer.entries.keys.sorted() where have[origin] > 0 {
            let shared = min(offer[origin], have[origin])
            func agree(_ sequence: Int) throws -> Bool {
                try source.read { try $0.hash(origin: origin, sequence: sequence) } == target.read { try $0.hash(origin: origin, sequence: sequence) }
            }
            guard try !agree(shared) else { continue }
            var low = 1, high = shared  // the first disagreeing sequence is in low...high
            while low < high {
                let middle = (low + high) / 2
                if try agree(middle) { low = middle + 1 } else { high = middle }
            }
            throw ForkDetected(origin: origin.rawValue, sequence: low)
        }
    }

    /// Both directions: afterwards each store holds every event either held.
    public static func sync(_ local: EventStore, with peer: EventStore, batchSize: Int = 1000) throws -> (received: Moved, sent: Moved) {
        let received = try transfer(from: peer, to: local, batchSize: batchSize)
        let sent = try transfer(from: local, to: peer, batchSize: batchSize)
        return (received, sent)
    }
}

/// Two stores hold different events at the same place in one origin's chain. Nothing is moved;
/// an operator must decide which history is the clinic's.
public struct ForkDetected: Error, CustomStringConvertible, Sendable, Equatable {
    public var origin: String
    public var sequence: Int
    public var description: String {
        "fork: the two stores hold different events for origin \(origin) from sequence \(sequence) on (a cloned store, a restored backup or an altered copy); nothing was moved — an operator must decide which history to keep"
    }
}
