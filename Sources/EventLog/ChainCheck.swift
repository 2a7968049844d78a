import GRDB

/// Walks every origin's chain and checks what the log alone can prove: each sequence follows
/// the one before with no gap, each `prevHash` is the previous event's hash, each `hash`
/// recomputes from the stored bytes, and each event's clock names its own sequence.
///
/// Signatures, forks from other stores and projection replay are checked by later layers; this
/// is the part they build on.
public struct ChainCheck: Sendable {
    /// The first problem found, naming the event.
    public struct Problem: Error, CustomStringConvertible, Sendable, Equatable {
        public var origin: String
        public var sequence: Int
        public var eventID: String
        public var reason: String
        public var description: String { "event \(eventID) (origin \(origin), sequence \(sequence)): \(reason)" }
    }

    /// How many events were checked, per origin.
    public private(set) var eventsPerOrigin: [String: Int] = [:]
    public var totalEvents: Int { eventsPerOrigin.values.reduce(0, +) }

    /// Checks every chain in the log; throws the first ``Problem``.
    public static func run(_ reader: EventReader) throws -> ChainCheck {
        var result = ChainCheck()
        var origin: NodeID?
        var previous: EventEnvelope?
        let cursor = try Row.fetchCursor(reader.db, sql: "SELECT \(EventReader.columns) FROM events ORDER BY origin, sequence")
        while let row = try cursor.next() {
            let event = try EventReader.envelope(row)
            func fail(_ reason: String) -> Problem {
                Problem(origin: event.origin.rawValue, sequence: event.sequence, eventID: event.id.rawValue, reason: reason)
            }
            if event.origin != origin {
                origin = event.origin
                previous = nil
            }
            if let reason = linkProblem(event, after: previous.map { ($0.sequence, $0.hash) }) { throw fail(reason) }
            if let previous {
                guard event.clock.dominates(previous.clock) else { throw fail("vector clock went backwards") }
                guard event.lamport > previous.lamport else { throw fail("Lamport timestamp did not increase") }
            }
            result.eventsPerOrigin[event.origin.rawValue, default: 0] += 1
            previous = event
        }
        return result
    }

    /// Why `event` is not the intact next link after `previous` (its origin's head), or nil.
    static func linkProblem(_ event: EventEnvelope, after previous: (sequence: Int, hash: EventHash)?) -> String? {
        let expected = (previous?.sequence ?? 0) + 1
        guard event.sequence == expected else { return "expected sequence \(expected) of this origin, not \(event.sequence)" }
        guard event.prevHash == previous?.hash else { return "prevHash does not link to the origin's previous event" }
        return contentProblem(event)
    }

    /// Why `event` contradicts itself, or nil: what the event alone proves, wherever it sits.
    /// The one rule both a full check of the log and the receipt of a peer's event apply.
    static func contentProblem(_ event: EventEnvelope) -> String? {
        guard event.computedHash == event.hash else { return "hash does not match the event's contents" }
        guard event.clock[event.origin] == event.sequence else { return "clock[origin] is \(event.clock[event.origin]), not the sequence" }
        return nil
    }
}
