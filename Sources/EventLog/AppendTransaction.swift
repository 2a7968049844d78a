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
        appended.append(envelope)
        return envelope
    }

    /// Stores an event written by another node, after checking everything the event alone proves:
    /// its payload is canonical JSON, its hash recomputes, it is the next event of its origin's
    /// chain (sequence and `prevHash`), and its clock names its own sequence. An origin's first
    /// event must be its `NodeEnrolled`, whose public key must hash to the origin's node id.
    ///
    /// Returns false (and stores nothing) for an event already held; throws
    /// ``ReplicationRefusal`` for anything else, naming the event. Trust in the origin and its
    /// signatures is the sync layer's decision, made before this is called.
    @discardableResult
    public func receive(_ event: EventEnvelope) throws -> Bool {
        func refuse(_ reason: String) -> ReplicationRefusal {
            ReplicationRefusal(eventID: event.id.rawValue, origin: event.origin.rawValue, sequence: event.sequence, reason: reason)
        }
        if let held = try self.event(event.id) {
            guard held == event else { throw refuse("another event with this id is already stored") }
            return false
        }
        guard CanonicalJSON.isCanonical(Array(event.payload.utf8)) else { throw refuse("payload is not canonical JSON") }
        guard event.occurredAt <= event.recordedAt else { throw refuse("occurredAt is after recordedAt") }
        let head = try self.head(of: event.origin)
        if let problem = ChainCheck.linkProblem(event, after: head) { throw refuse(problem) }
        if head == nil {
            guard event.type == EventStore.nodeEnrolledType, case .object(let enrolment)? = try? event.payloadValue(),
                let key = enrolment["publicKey"]?.stringValue.flatMap({ Data(base64Encoded: $0) }),
                let site = enrolment["site"]?.stringValue,
                NodeIdentity.nodeID(forPublicKey: key) == event.origin
            else { throw refuse("an origin's first event must be its NodeEnrolled, with a public key that hashes to its node id") }
            try db.execute(sql: "INSERT OR IGNORE INTO nodes (id, site, publicKey, isLocal) VALUES (?, ?, ?, 0)",
                           arguments: [event.origin.rawValue, site, key])
        }
        try store(event)
        clockState = clockState.merged(with: event.clock)
        lamport = max(lamport, event.lamport)
        appended.append(event)
        return true
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
