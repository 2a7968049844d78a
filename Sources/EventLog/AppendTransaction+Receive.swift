import Crypto
import Foundation
import GRDB

/// Receiving events written elsewhere: every check an event alone proves, then its place
/// relative to its origin's head (stored, held back, quarantined or refused).
extension AppendTransaction {
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
    public func receive(_ offered: EventEnvelope) throws -> Receipt {
        // What the event says is read here, with this store's keys, or not at all: a plaintext
        // that came along with it (an envelope another store opened) is never believed.
        var event = offered
        event.openedPayload = nil
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

    func cachedTrust(of origin: NodeID) throws -> PeerTrust {
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

    func hold(_ event: EventEnvelope) throws {
        // ON CONFLICT, not OR IGNORE: an event already waiting is kept, but a row the table's
        // checks refuse must fail loudly, never vanish.
        try db.cachedStatement(sql: "INSERT INTO held_events (origin, sequence, envelope, heldAt) VALUES (?, ?, ?, ?) ON CONFLICT (origin, sequence) DO NOTHING")
            .execute(arguments: [event.origin.rawValue, event.sequence, event.canonicalText, wallClock.now().description])
        holdsHeldEvents = true
    }

    func refusal(_ event: EventEnvelope, _ reason: String) -> ReplicationRefusal {
        ReplicationRefusal(eventID: event.id.rawValue, origin: event.origin.rawValue, sequence: event.sequence, reason: reason)
    }

    /// `origin`'s head as this transaction has left it (looked up once).
    func cachedHead(of origin: NodeID) throws -> ChainHead? {
        if let known = knownHeads[origin] { return known }
        let head = try self.head(of: origin)
        knownHeads[origin] = .some(head)
        return head
    }

    /// Whether `event` takes the place right after its origin's head.
    func isNext(_ event: EventEnvelope) throws -> Bool {
        event.sequence == (try cachedHead(of: event.origin)?.sequence ?? 0) + 1
    }

    /// Puts a self-consistent event where it belongs relative to its origin's head.
    func place(_ event: EventEnvelope) throws -> Receipt {
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
            // The agreement key, where peers wrap this origin's patient keys (absent: none are sent).
            let agreementKey = enrolment["agreementKey"]?.stringValue.flatMap { Data(base64Encoded: $0) }.flatMap { try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: $0) }
            try db.execute(sql: "INSERT INTO nodes (id, site, publicKey, agreementKey, isLocal) VALUES (?, ?, ?, ?, 0) ON CONFLICT (id) DO NOTHING",
                           arguments: [event.origin.rawValue, site, key, agreementKey?.rawRepresentation])
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
        knownHeads[event.origin] = .some(ChainHead(sequence: event.sequence, hash: event.hash))
        clockState = clockState.merged(with: event.clock)
        lamport = max(lamport, event.lamport)
        // Opened (where the key is held) for the views this transaction updates.
        appended.append(try keys.opened(event))
        return .stored
    }

    /// Stores, in order, the held-back events that now follow `event` without a gap.
    func releaseHeld(after event: EventEnvelope) throws {
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

    /// The public key `origin` enrolled with.
    func publicKey(of origin: NodeID) throws -> Data? {
        if let known = publicKeys[origin] { return known }
        let key = try Data.fetchOne(db.cachedStatement(sql: "SELECT publicKey FROM nodes WHERE id = ?"), arguments: [origin.rawValue])
        publicKeys[origin] = key
        return key
    }

    func quarantine(_ event: EventEnvelope, reason: String) throws {
        try db.execute(sql: """
            INSERT INTO quarantined_events (origin, sequence, hash, envelope, reason, detectedAt) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (origin, sequence, hash) DO NOTHING
            """, arguments: [event.origin.rawValue, event.sequence, event.hash.rawValue, event.canonicalText, reason, wallClock.now().description])
    }
}
