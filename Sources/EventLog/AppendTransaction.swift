import Foundation
import GRDB

/// One write transaction on the log: reads (inherited from ``EventReader``) and appends that
/// commit together or not at all.
///
/// The transaction is `BEGIN IMMEDIATE`: it holds the write lock from its first statement, so
/// the checks a caller makes before appending cannot be invalidated by another process.
public final class AppendTransaction: EventReader {
    let identity: NodeIdentity
    /// The clock that stamps what this transaction records.
    let wallClock: WallClock
    private var clockState: VectorClock
    private var lamport: Int
    private var headHash: EventHash?
    /// The last author accepted: a bulk write checks it once, not per event.
    private var acceptedAuthor: String?
    /// The events appended so far in this transaction.
    public private(set) var appended: [EventEnvelope] = []
    private let insert: BoundStatement

    init(db: Database, identity: NodeIdentity, wallClock: WallClock) throws {
        self.identity = identity
        self.wallClock = wallClock
        self.insert = try BoundStatement(db, sql: """
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
        if let localAppendRefusal { throw localAppendRefusal }
        _ = try identity.signingKey()  // refused up front without the key: nothing is appended that cannot be signed
        if author != acceptedAuthor {
            try Self.validateAuthor(author)
            acceptedAuthor = author
        }
        let now = wallClock.now()
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
        localHeadSigned = false
        appended.append(envelope)
        if envelope.sequence % HeadSignature.interval == 0 { envelope.signature = try signLocalHead() }
        return envelope
    }

    /// Whether the local chain's head, as this transaction has left it, carries a signature.
    private var localHeadSigned = true

    /// Signs the local chain's head if this transaction appended to it: ``EventStore/write(_:)``
    /// calls it last, so every commit ends on a signed event.
    func signLocalHead() throws -> HeadSignature? {
        guard !localHeadSigned, let head = knownHeads[identity.nodeID] ?? nil else { return nil }
        let signature = try HeadSignature.sign(head.hash, by: identity)
        try storeSignature(signature, origin: identity.nodeID, sequence: head.sequence)
        localHeadSigned = true
        // The caller sees its envelopes as stored: the head now with its signature.
        if let index = appended.lastIndex(where: { $0.origin == identity.nodeID }), appended[index].sequence == head.sequence {
            appended[index].signature = signature
        }
        return signature
    }

    /// Why this transaction may not append events of its own, if it may not (its chain is behind
    /// the head this node last signed): it may still receive.
    private var localAppendRefusal: EventLogError?

    func refuseLocalAppends(_ reason: EventLogError) { localAppendRefusal = reason }

    private func storeSignature(_ signature: HeadSignature, origin: NodeID, sequence: Int) throws {
        try db.cachedStatement(sql: "INSERT INTO chain_signatures (origin, sequence, signature) VALUES (?, ?, ?)")
            .execute(arguments: [origin.rawValue, sequence, signature.rawValue])
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
        /// Its origin is not in this store's trust list: kept aside, unapplied, until an operator
        /// adds the origin (`myolog peer add`).
        case awaitingTrust
        /// Its origin was removed from the trust list, and the event was not stored before: refused.
        case originRemoved
    }

    /// Offers an event written by another node. Checks everything the event alone proves: its
    /// payload is canonical JSON, its hash recomputes, its clock names its own sequence. Then,
    /// against this store: the next event of its origin is stored (an origin's first event must
    /// be its `NodeEnrolled`, whose public key hashes to the origin's node id); one further ahead
    /// is held back until the gap fills; a different event at a place already taken is
    /// quarantined; one that does not link to the head is refused. A signature the event carries
    /// must be its origin's over its hash.
    ///
    /// Trust comes first: an origin not in the trust list waits (``Receipt/awaitingTrust``), a
    /// removed one is refused (``Receipt/originRemoved``). A batch of received events must end,
    /// for each origin it stores events of, on a signed event: ``finishReceiving()`` checks that.
    ///
    /// Throws ``ReplicationRefusal`` naming the event for anything malformed; the caller's
    /// transaction then rolls back whole.
    @discardableResult
    public func receive(_ event: EventEnvelope) throws -> Receipt {
        // The next event of its origin's chain — almost every event a sync brings — cannot be held
        // already: its place is empty, and the same id elsewhere is a forgery that the insert
        // refuses (``store(_:)``). Any other is looked up by id first: a duplicate, or a fork.
        if try !isNext(event), var held = try self.event(event.id) {
            // The same event, whether or not this copy carries its signature.
            var unsigned = event
            (held.signature, unsigned.signature) = (nil, nil)
            guard held == unsigned else { throw refusal(event, "another event with this id is already stored") }
            return .duplicate
        }
        // Counters far beyond any real log: refused, so that no later `+ 1` on them can overflow.
        guard event.sequence <= Self.maximumCounter, event.lamport <= Self.maximumCounter, event.clock.entries.values.allSatisfy({ $0 <= Self.maximumCounter }) else {
            throw refusal(event, "sequence, Lamport time or clock beyond \(Self.maximumCounter)")
        }
        guard CanonicalJSON.isCanonical(Array(event.payload.utf8)) else { throw refusal(event, "payload is not canonical JSON") }
        guard event.occurredAt <= event.recordedAt else { throw refusal(event, "occurredAt is after recordedAt") }
        if let problem = ChainCheck.contentProblem(event) { throw refusal(event, problem) }
        guard (event.sequence == 1) == (event.prevHash == nil) else { throw refusal(event, "prevHash must be null for sequence 1 and only then") }
        switch try cachedTrust(of: event.origin) {
        case .local, .trusted: break
        case .removed: return .originRemoved
        case .unknown:
            try hold(event)
            return .awaitingTrust
        }
        let receipt = try place(event)
        if receipt == .stored { try releaseHeld(after: event) }
        return receipt
    }

    /// Checks what a whole batch must satisfy once every event of it was offered: each origin
    /// this transaction stored events of ends on a signed event, so nothing enters the log that
    /// its origin has not vouched for.
    public func finishReceiving() throws {
        for (origin, head) in receivedHeads where head.signature == nil {
            guard try signatureSequence(origin: origin, atOrAfter: head.sequence) == head.sequence else {
                throw refusal(head, "not covered by a signature of its origin: a sender must send each origin's events up to a signed one (the last of a commit)")
            }
        }
    }

    /// The last event received and stored by this transaction, per origin.
    private var receivedHeads: [NodeID: EventEnvelope] = [:]

    private var trustByOrigin: [NodeID: PeerTrust] = [:]

    private func cachedTrust(of origin: NodeID) throws -> PeerTrust {
        if let known = trustByOrigin[origin] { return known }
        let trust = try trust(of: origin)
        trustByOrigin[origin] = trust
        return trust
    }

    func forgetTrust(of node: NodeID) { trustByOrigin[node] = nil }

    /// Applies the events of `origin` that wait in `held_events` and now follow its head without
    /// a gap, up to the last one a signature covers; the rest keep waiting.
    func applyWaiting(of origin: NodeID) throws {
        let next = (try head(of: origin)?.sequence ?? 0) + 1
        var run: [EventEnvelope] = []
        let cursor = try String.fetchCursor(db, sql: "SELECT envelope FROM held_events WHERE origin = ? AND sequence >= ? ORDER BY sequence",
                                            arguments: [origin.rawValue, next])
        while let text = try cursor.next() {
            let event = try EventEnvelope(canonicalLine: Array(text.utf8))
            guard event.sequence == next + run.count else { break }
            run.append(event)
        }
        guard let lastSigned = run.lastIndex(where: { $0.signature != nil }) else { return }
        // The run already holds every contiguous waiting event; its unsigned tail keeps waiting.
        for event in run[...lastSigned] {
            try db.execute(sql: "DELETE FROM held_events WHERE origin = ? AND sequence = ?", arguments: [origin.rawValue, event.sequence])
            guard try place(event) == .stored else { break }
        }
        try finishReceiving()
    }

    private func hold(_ event: EventEnvelope) throws {
        // ON CONFLICT, not OR IGNORE: an event already waiting is kept, but a row the table's
        // checks refuse must fail loudly, never vanish.
        try db.cachedStatement(sql: "INSERT INTO held_events (origin, sequence, envelope, heldAt) VALUES (?, ?, ?, ?) ON CONFLICT (origin, sequence) DO NOTHING")
            .execute(arguments: [event.origin.rawValue, event.sequence, event.canonicalText, wallClock.now().description])
        holdsHeldEvents = true
    }

    private func refusal(_ event: EventEnvelope, _ reason: String) -> ReplicationRefusal {
        ReplicationRefusal(eventID: event.id.rawValue, origin: event.origin.rawValue, sequence: event.sequence, reason: reason)
    }

    /// Each origin's head as this transaction has left it: a batch of a thousand events of one
    /// origin looks its head up once, not a thousand times.
    private var knownHeads: [NodeID: (sequence: Int, hash: EventHash)?] = [:]

    /// `origin`'s head as this transaction has left it (looked up once).
    private func cachedHead(of origin: NodeID) throws -> (sequence: Int, hash: EventHash)? {
        if let known = knownHeads[origin] { return known }
        let head = try self.head(of: origin)
        knownHeads[origin] = .some(head)
        return head
    }

    /// Whether `event` takes the place right after its origin's head.
    private func isNext(_ event: EventEnvelope) throws -> Bool {
        event.sequence == (try cachedHead(of: event.origin)?.sequence ?? 0) + 1
    }

    /// Puts a self-consistent event where it belongs relative to its origin's head.
    private func place(_ event: EventEnvelope) throws -> Receipt {
        let head = try cachedHead(of: event.origin)
        let next = (head?.sequence ?? 0) + 1
        if event.sequence > next {
            try hold(event)
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
        var enrolmentKey: Data?
        if head == nil {
            guard event.type == EventStore.nodeEnrolledType, case .object(let enrolment)? = try? event.payloadValue(),
                let key = enrolment["publicKey"]?.stringValue.flatMap({ Data(base64Encoded: $0) }),
                let site = enrolment["site"]?.stringValue,
                NodeIdentity.nodeID(forPublicKey: key) == event.origin
            else { throw refusal(event, "an origin's first event must be its NodeEnrolled, with a public key that hashes to its node id") }
            // Self-signed: the enrolment is the key's own first statement.
            guard event.signature != nil else { throw refusal(event, "a NodeEnrolled must carry its origin's signature (self-signed)") }
            try db.execute(sql: "INSERT INTO nodes (id, site, publicKey, isLocal) VALUES (?, ?, ?, 0) ON CONFLICT (id) DO NOTHING",
                           arguments: [event.origin.rawValue, site, key])
            enrolmentKey = key
        }
        if let signature = event.signature {
            guard let key = try enrolmentKey ?? publicKey(of: event.origin), signature.isValid(for: event.hash, publicKey: key) else {
                throw refusal(event, "its signature is not its origin's signature over its hash: altered or forged")
            }
        }
        do {
            try store(event)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // Its place is free (checked above), so what collides is its id: another event's.
            guard try self.event(event.id) != nil else { throw error }
            throw refusal(event, "another event with this id is already stored")
        }
        if let signature = event.signature { try storeSignature(signature, origin: event.origin, sequence: event.sequence) }
        // This store's own origin too: an event "of mine" from elsewhere (a restore, or a peer
        // forging in my name) is stored only under my signature, like anyone else's.
        receivedHeads[event.origin] = event
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

    private var publicKeys: [NodeID: Data] = [:]

    /// The public key `origin` enrolled with.
    private func publicKey(of origin: NodeID) throws -> Data? {
        if let known = publicKeys[origin] { return known }
        let key = try Data.fetchOne(db.cachedStatement(sql: "SELECT publicKey FROM nodes WHERE id = ?"), arguments: [origin.rawValue])
        publicKeys[origin] = key
        return key
    }

    private func quarantine(_ event: EventEnvelope, reason: String) throws {
        try db.execute(sql: """
            INSERT INTO quarantined_events (origin, sequence, hash, envelope, reason, detectedAt) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (origin, sequence, hash) DO NOTHING
            """, arguments: [event.origin.rawValue, event.sequence, event.hash.rawValue, event.canonicalText, reason, wallClock.now().description])
    }

    /// Inserts one envelope as a row: the one place the columns are listed for writing.
    private func store(_ event: EventEnvelope) throws {
        try insert.run { row in
            row.text(event.id.rawValue); row.text(event.origin.rawValue); row.integer(event.sequence); row.text(event.clock.description)
            row.integer(event.lamport); row.text(event.recordedAt.description); row.text(event.occurredAt.description); row.text(event.author)
            row.text(event.patient?.rawValue); row.text(event.type); row.integer(event.schemaVersion); row.text(event.payload)
            row.text(event.prevHash?.rawValue); row.text(event.hash.rawValue)
        }
    }

    /// The largest sequence, Lamport time or clock entry accepted from another node: 2^53, more
    /// than a clinic could write in a million years, and exact in every JSON reader.
    public static let maximumCounter = 1 << 53

    /// The longest author name accepted.
    public static let maximumAuthorLength = 100

    static func validateAuthor(_ author: String) throws {
        try EventLogError.checkName(author, field: "author", maximumLength: maximumAuthorLength,
                                    accepted: "a user name of 1–\(maximumAuthorLength) characters without control or invisible characters, from --as USER or $MYOLOG_USER")
    }
}
