import Foundation
import GRDB

/// One write transaction on the log: reads (inherited from ``EventReader``) and appends that
/// commit together or not at all.
///
/// The transaction is `BEGIN IMMEDIATE`: it holds the write lock from its first statement, so
/// the checks a caller makes before appending cannot be invalidated by another process.
public final class AppendTransaction: EventReader {
    let identity: NodeIdentity
    private var clockState: VectorClock
    private var lamport: Int
    private var headHash: EventHash?
    /// The last author accepted: a bulk write checks it once, not per event.
    private var acceptedAuthor: String?
    /// The events appended so far in this transaction.
    public private(set) var appended: [EventEnvelope] = []
    private let insert: Statement

    init(db: Database, identity: NodeIdentity) throws {
        self.identity = identity
        self.insert = try db.cachedStatement(sql: """
            INSERT INTO events (id, origin, sequence, clock, lamport, recordedAt, occurredAt, author, patient, type, schemaVersion, payload, prevHash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let reader = EventReader(db: db)
        clockState = try reader.clock()
        lamport = try reader.maximumLamport()
        headHash = try reader.head(of: identity.nodeID)?.hash
        super.init(db: db)
    }

    /// Appends one event written here by `author`, and returns its envelope.
    ///
    /// Refuses an empty author or one with control characters, and an `occurredAt` after now.
    @discardableResult
    public func append(_ event: NewEvent, author: String) throws -> EventEnvelope {
        if author != acceptedAuthor {
            try Self.validateAuthor(author)
            acceptedAuthor = author
        }
        let now = Timestamp.now()
        let occurredAt = event.occurredAt ?? now
        guard occurredAt <= now else {
            throw EventLogError.invalidField(field: "occurredAt", value: occurredAt.description, accepted: "an instant no later than now (\(now))")
        }
        let me = identity.nodeID
        var clock = clockState
        clock[me] += 1
        var envelope = EventEnvelope(
            id: EventID.make(at: now), origin: me, sequence: clock[me], clock: clock, lamport: lamport + 1,
            recordedAt: now, occurredAt: occurredAt, author: author, patient: event.patient, type: event.type,
            schemaVersion: event.schemaVersion, payload: event.payload.canonicalString, prevHash: headHash,
            hash: EventHash(unchecked: ""))
        envelope.hash = envelope.computedHash
        try store(envelope)
        // Only after the insert succeeded: a refused event must not advance the chain.
        clockState = clock
        lamport = envelope.lamport
        headHash = envelope.hash
        knownHeads[me] = .some((envelope.sequence, envelope.hash))
        appended.append(envelope)
        return envelope
    }

    /// What became of an event offered by another node.
    public enum Receipt: Sendable, Equatable {
        /// Stored in the log (and folded into the views with its transaction).
        case stored
        /// Already held, byte for byte: nothing to do.
        case duplicate
        /// Ahead of a gap in its origin's chain: kept aside, and stored — in order — by the
        /// transaction that stores the event it follows.
        case heldBack
        /// A fork: a validly hashed event where this store holds a different one. Kept in
        /// quarantine as evidence, never merged.
        case quarantined
    }

    /// Offers an event written by another node. Checks everything the event alone proves: its
    /// payload is canonical JSON, its hash recomputes, its clock names its own sequence. Then,
    /// against this store: the next event of its origin is stored (an origin's first event must
    /// be its `NodeEnrolled`, whose public key hashes to the origin's node id); one further ahead
    /// is held back until the gap fills; a different event at a place already taken is
    /// quarantined; one that does not link to the head is refused.
    ///
    /// Throws ``ReplicationRefusal`` naming the event for anything malformed; the caller's
    /// transaction then rolls back whole. Trust in the origin and its signatures is the sync
    /// layer's decision, made before this is called.
    @discardableResult
    public func receive(_ event: EventEnvelope) throws -> Receipt {
        if let held = try self.event(event.id) {
            guard held == event else { throw refusal(event, "another event with this id is already stored") }
            return .duplicate
        }
        guard CanonicalJSON.isCanonical(Array(event.payload.utf8)) else { throw refusal(event, "payload is not canonical JSON") }
        guard event.occurredAt <= event.recordedAt else { throw refusal(event, "occurredAt is after recordedAt") }
        if let problem = ChainCheck.contentProblem(event) { throw refusal(event, problem) }
        guard (event.sequence == 1) == (event.prevHash == nil) else { throw refusal(event, "prevHash must be null for sequence 1 and only then") }
        let receipt = try place(event)
        if receipt == .stored { try releaseHeld(after: event) }
        return receipt
    }

    private func refusal(_ event: EventEnvelope, _ reason: String) -> ReplicationRefusal {
        ReplicationRefusal(eventID: event.id.rawValue, origin: event.origin.rawValue, sequence: event.sequence, reason: reason)
    }

    /// Each origin's head as this transaction has left it: a batch of a thousand events of one
    /// origin looks its head up once, not a thousand times.
    private var knownHeads: [NodeID: (sequence: Int, hash: EventHash)?] = [:]

    /// Puts a self-consistent event where it belongs relative to its origin's head.
    private func place(_ event: EventEnvelope) throws -> Receipt {
        let head: (sequence: Int, hash: EventHash)?
        if let known = knownHeads[event.origin] {
            head = known
        } else {
            head = try self.head(of: event.origin)
            knownHeads[event.origin] = .some(head)
        }
        let next = (head?.sequence ?? 0) + 1
        if event.sequence > next {
            try db.execute(sql: "INSERT OR IGNORE INTO held_events (origin, sequence, envelope, heldAt) VALUES (?, ?, ?, ?)",
                           arguments: [event.origin.rawValue, event.sequence, event.canonicalText, Timestamp.now().description])
            holdsHeldEvents = true
            return .heldBack
        }
        if event.sequence < next {
            try quarantine(event, reason: "this store holds a different event at origin \(event.origin) sequence \(event.sequence)")
            return .quarantined
        }
        if let head, event.prevHash != head.hash {
            // Not quarantined: the place where the chains part lies further back, and sync finds
            // it (and quarantines the event there) before offering anything of a forked origin.
            throw refusal(event, "prevHash does not link to this store's event at sequence \(head.sequence): altered, or the two chains have forked before it")
        }
        if head == nil {
            guard event.type == EventStore.nodeEnrolledType, case .object(let enrolment)? = try? event.payloadValue(),
                let key = enrolment["publicKey"]?.stringValue.flatMap({ Data(base64Encoded: $0) }),
                let site = enrolment["site"]?.stringValue,
                NodeIdentity.nodeID(forPublicKey: key) == event.origin
            else { throw refusal(event, "an origin's first event must be its NodeEnrolled, with a public key that hashes to its node id") }
            try db.execute(sql: "INSERT OR IGNORE INTO nodes (id, site, publicKey, isLocal) VALUES (?, ?, ?, 0)",
                           arguments: [event.origin.rawValue, site, key])
        }
        try store(event)
        knownHeads[event.origin] = .some((event.sequence, event.hash))
        clockState = clockState.merged(with: event.clock)
        lamport = max(lamport, event.lamport)
        appended.append(event)
        return .stored
    }

    /// Whether `held_events` may hold a row: almost always false, and then storing an event
    /// need not look for held ones to release.
    private lazy var holdsHeldEvents: Bool = (try? Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM held_events)")) ?? true

    /// Stores, in order, the held-back events that now follow `event` without a gap.
    private func releaseHeld(after event: EventEnvelope) throws {
        guard holdsHeldEvents else { return }
        var sequence = event.sequence + 1
        while let text = try String.fetchOne(db.cachedStatement(sql: "SELECT envelope FROM held_events WHERE origin = ? AND sequence = ?"),
                                             arguments: [event.origin.rawValue, sequence]) {
            try db.execute(sql: "DELETE FROM held_events WHERE origin = ? AND sequence = ?", arguments: [event.origin.rawValue, sequence])
            let held = try EventEnvelope(canonicalLine: Array(text.utf8))
            guard try place(held) == .stored else { return }
            sequence += 1
        }
    }

    private func quarantine(_ event: EventEnvelope, reason: String) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO quarantined_events (origin, sequence, hash, envelope, reason, detectedAt) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [event.origin.rawValue, event.sequence, event.hash.rawValue, event.canonicalText, reason, Timestamp.now().description])
    }

    /// Inserts one envelope as a row: the one place the columns are listed for writing.
    private func store(_ event: EventEnvelope) throws {
        try insert.execute(arguments: [
            event.id.rawValue, event.origin.rawValue, event.sequence, event.clock.description, event.lamport,
            event.recordedAt.description, event.occurredAt.description, event.author, event.patient?.rawValue,
            event.type, event.schemaVersion, event.payload, event.prevHash?.rawValue, event.hash.rawValue,
        ])
    }

    /// The longest author name accepted.
    public static let maximumAuthorLength = 100

    static func validateAuthor(_ author: String) throws {
        let accepted = "a user name of 1–\(maximumAuthorLength) characters without control characters, from --as USER or $MYOLOG_USER"
        guard !author.trimmingCharacters(in: .whitespaces).isEmpty, author.count <= maximumAuthorLength,
            !author.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw EventLogError.invalidField(field: "author", value: author, accepted: accepted) }
    }
}
