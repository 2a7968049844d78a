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

    /// Both directions: afterwards each store holds every event either held.
    public static func sync(_ local: EventStore, with peer: EventStore, batchSize: Int = 1000) throws -> (received: Moved, sent: Moved) {
        let received = try transfer(from: peer, to: local, batchSize: batchSize)
        let sent = try transfer(from: local, to: peer, batchSize: batchSize)
        return (received, sent)
    }
}
