import Crypto
import Foundation
import EventModel
import EventCrypto

/// What a storage engine offers the receive rules: the few reads and writes that checking and
/// placing a received event needs. The SQLite store's `AppendTransaction` is one; the
/// PostgreSQL hub's batch is another. The rules themselves (``ReceiveLedger/receive(_:)``) are
/// written once, below, so both engines accept, hold, quarantine and refuse exactly alike.
///
/// Every method runs inside the engine's one write transaction for the batch: a ledger is used
/// by one writer at a time (the SQLite store's `BEGIN IMMEDIATE`, the hub's advisory lock), so
/// what a check reads cannot change before the write that depends on it.
public protocol ReceiveLedger: AnyObject {
    /// `origin`'s last stored event, as this transaction has left it.
    ///
    /// - Parameter origin: The chain's origin.
    /// - Returns: Its head, or nil when none of its events is stored.
    /// - Throws: The engine's read error.
    func head(of origin: NodeID) throws -> ChainHead?
    /// The stored event with this id, if any (signature not needed).
    ///
    /// - Parameter id: The event id.
    /// - Returns: The event, or nil.
    /// - Throws: The engine's read error.
    func storedEvent(_ id: EventID) throws -> EventEnvelope?
    /// `origin`'s standing in this node's trust list.
    ///
    /// - Parameter origin: The node.
    /// - Returns: Its standing.
    /// - Throws: When the trust list fails its check as a whole.
    func trust(of origin: NodeID) throws -> PeerTrust
    /// The signing key `origin` enrolled with, if its enrolment is stored.
    ///
    /// - Parameter origin: The node.
    /// - Returns: Its raw Ed25519 public key, or nil.
    /// - Throws: The engine's read error.
    func enrolledKey(of origin: NodeID) throws -> Data?
    /// Records a node from its (checked) `NodeEnrolled`.
    ///
    /// - Parameters:
    ///   - origin: The node.
    ///   - site: Its site name.
    ///   - publicKey: Its raw Ed25519 public key.
    ///   - agreementKey: Its raw X25519 public key, if it published one.
    /// - Throws: The engine's write error.
    func enrol(_ origin: NodeID, site: String, publicKey: Data, agreementKey: Data?) throws
    /// Whether any event waits ahead of a gap or for trust: almost always false.
    var holdsHeldEvents: Bool { get }
    /// Keeps `event` aside (ahead of a gap, or for trust); one already waiting at its place is kept.
    ///
    /// - Parameter event: A checked event that cannot be stored yet.
    /// - Throws: The engine's write error.
    func hold(_ event: EventEnvelope) throws
    /// How many events of `origin` wait (held back), and their bytes, as stored before this
    /// transaction: what bounds the events an untrusted origin may park here.
    ///
    /// - Parameter origin: The node.
    /// - Returns: The count of its waiting events and their bytes.
    /// - Throws: The engine's read error.
    func waiting(of origin: NodeID) throws -> (events: Int, bytes: Int)
    /// Removes and returns the event waiting at `origin`'s `sequence`, if any.
    ///
    /// - Parameters:
    ///   - origin: The node.
    ///   - sequence: The place in its chain.
    /// - Returns: The event, or nil.
    /// - Throws: The engine's error.
    func takeHeld(origin: NodeID, sequence: Int) throws -> EventEnvelope?
    /// Keeps `event` as evidence of a fork.
    ///
    /// - Parameters:
    ///   - event: The peer's event at a place already taken.
    ///   - reason: Why it is a fork, in words.
    /// - Throws: The engine's write error.
    func quarantine(_ event: EventEnvelope, reason: String) throws
    /// Stores a checked event at its (free) place: an erasure destroys its patient's key with it.
    /// Throws `EventProblem` when another stored event has its id.
    ///
    /// - Parameter event: A checked event that follows its origin's head.
    /// - Throws: `EventProblem` when another stored event has its id; the engine's write error.
    func storeReceived(_ event: EventEnvelope) throws
    /// Stores `origin`'s signature over its event at `sequence`.
    ///
    /// - Parameters:
    ///   - signature: The origin's signature.
    ///   - origin: The node.
    ///   - sequence: The signed event's place in its chain.
    /// - Throws: The engine's write error.
    func storeSignature(_ signature: ChainSignature, origin: NodeID, sequence: Int) throws
    /// The first sequence at or after `sequence` that a stored signature of `origin` covers.
    ///
    /// - Parameters:
    ///   - origin: The node.
    ///   - sequence: The place to look from.
    /// - Returns: The sequence, or nil when no stored signature covers it.
    /// - Throws: The engine's read error.
    func signatureSequence(origin: NodeID, atOrAfter sequence: Int) throws -> Int?

    /// Every stored user event (`SystemEventType/people`), in any order: the store's
    /// people, as the receive rules check authors against them.
    ///
    /// - Returns: The events, payloads readable (they are about no patient, so never sealed).
    /// - Throws: The engine's read error.
    func storedUserEvents() throws -> [EventEnvelope]
    /// The first sequence of `origin` whose event carries an author's signature, if any.
    ///
    /// - Parameter origin: The node.
    /// - Returns: The sequence, or nil before any.
    /// - Throws: The engine's read error.
    func firstAuthorSignature(of origin: NodeID) throws -> Int?
    /// The origins of which any event waits (held back or for trust).
    ///
    /// - Returns: The origins.
    /// - Throws: The engine's read error.
    func originsWithHeldEvents() throws -> [NodeID]

    /// The caches the rules keep for the length of one transaction.
    var receiveState: ReceiveState { get set }
}

extension ReceiveLedger {
    /// Offers a whole batch: every event is stored, held back, quarantined or waits for trust,
    /// or the first malformed one is refused (`EventProblem`) — the caller's transaction
    /// then rolls back whole.
    ///
    /// - Parameter batch: Events, per origin in sequence order.
    /// - Returns: What became of them.
    /// - Throws: `EventProblem` naming the first event refused.
    public func receiveAll(_ batch: [EventEnvelope]) throws -> ReceiveSummary {
        var summary = ReceiveSummary()
        let storedBefore = receiveState.stored.count
        for event in batch {
            switch try receive(event) {
            case .stored: break
            case .duplicate: summary.duplicates += 1
            case .heldBack: summary.heldBack += 1
            case .quarantined: summary.quarantined.append(ChainPlace(origin: event.origin, sequence: event.sequence))
            case .awaitingTrust: summary.awaitingTrust[event.origin, default: 0] += 1
            case .originRemoved: summary.originRemoved[event.origin, default: 0] += 1
            }
        }
        try finishReceiving()
        // Released held-back events are stored too: count what the log gained, by origin.
        for event in receiveState.stored[storedBefore...] { summary.stored[event.origin, default: 0] += 1 }
        return summary
    }

    /// Offers an event written by another node. Checks everything the event alone proves: its
    /// payload is canonical JSON, its hash recomputes, its clock names its own sequence. Then,
    /// against this store: the next event of its origin is stored (an origin's first event must
    /// be its `NodeEnrolled`, whose public key hashes to the origin's node id); one further ahead
    /// is held back until the gap fills; a different event at a place already taken is
    /// quarantined; one that does not link to the head is refused. A signature the event carries
    /// must be its origin's over its hash.
    ///
    /// Trust comes first: an origin not in the trust list waits (``EventReceipt/awaitingTrust``), a
    /// removed one is refused (``EventReceipt/originRemoved``). A batch of received events must end,
    /// for each origin it stores events of, on a signed event: ``finishReceiving()`` checks that.
    ///
    /// Throws `EventProblem` naming the event for anything malformed; the caller's
    /// transaction then rolls back whole.
    ///
    /// - Parameter offered: The event as received.
    /// - Returns: What became of it.
    /// - Throws: `EventProblem` naming the event; the engine's errors.
    @discardableResult
    public func receive(_ offered: EventEnvelope) throws -> EventReceipt {
        // What the event says is read here, with this store's keys, or not at all: a plaintext
        // that came along with it (an envelope another store opened) is never believed.
        var event = offered
        // Only when set: clearing a nil would copy the shared envelope's box for nothing.
        if event.openedPayload != nil { event.openedPayload = nil }
        // The next event of its origin's chain — almost every event a sync brings — cannot be held
        // already: its place is empty, and the same id elsewhere is a forgery that the insert
        // refuses (``storeReceived(_:)``). Any other is looked up by id first: a duplicate, or a fork.
        if try !isNext(event), var held = try storedEvent(event.id) {
            // The same event, whether or not this copy carries its signature.
            var unsigned = event
            (held.signature, unsigned.signature) = (nil, nil)
            guard held == unsigned else { throw duplicateID(event) }
            return .duplicate
        }
        // Counters far beyond any real log: refused, so that no later `+ 1` on them can overflow.
        let maximum = SystemEventType.maximumCounter
        guard event.sequence <= maximum, event.lamport <= maximum, event.clock.entries.values.allSatisfy({ $0 <= maximum }) else {
            throw refusal(event, .counterOverflow, "sequence, Lamport time or clock beyond \(maximum)")
        }
        guard CanonicalJSON.isCanonical(Array(event.payload.utf8)) else { throw refusal(event, .payloadNotCanonical, "payload is not canonical JSON") }
        guard event.occurredAt <= event.recordedAt else { throw refusal(event, .occurredAfterRecorded, "occurredAt is after recordedAt") }
        if let broken = ChainCheck.contentProblem(event) { throw refusal(event, broken.code, broken.reason) }
        guard (event.sequence == 1) == (event.prevHash == nil) else { throw refusal(event, .brokenLink, "prevHash must be null for sequence 1 and only then") }
        switch try cachedTrust(of: event.origin) {
        case .local, .trusted: break
        case .removed: return .originRemoved
        case .unknown:
            // Bounded: a peer (or a bundle) cannot fill this store with an untrusted origin's
            // events. Beyond the bound the batch is refused whole, naming the origin.
            var waiting = try receiveState.waitingForTrust[event.origin] ?? self.waiting(of: event.origin)
            let bytes = event.canonicalText.utf8.count
            guard waiting.events < Self.maximumWaitingEvents, waiting.bytes + bytes <= Self.maximumWaitingBytes else {
                throw refusal(event, .tooManyAwaitingTrust, "origin \(event.origin) is not in this store's trust list and already has \(waiting.events) events (\(waiting.bytes) bytes) waiting for trust, the most kept per untrusted origin (\(Self.maximumWaitingEvents) events, \(Self.maximumWaitingBytes >> 20) MiB): add it to the trust list first (`myolog peer add \(event.origin)`) if it is one of the clinic's machines")
            }
            try hold(event)
            waiting.events += 1
            waiting.bytes += bytes
            receiveState.waitingForTrust[event.origin] = waiting
            return .awaitingTrust
        }
        let receipt = try place(event)
        if receipt == .stored { try releaseHeld(after: event) }
        return receipt
    }

    /// The most events, and bytes, kept waiting for trust per origin not in the trust list.
    public static var maximumWaitingEvents: Int { 10_000 }
    public static var maximumWaitingBytes: Int { 16 << 20 }

    /// Checks what a whole batch must satisfy once every event of it was offered: each origin
    /// this transaction stored events of ends on a signed event, so nothing enters the log that
    /// its origin has not vouched for.
    public func finishReceiving() throws {
        try finishAuthorRuns()
        for (origin, head) in receiveState.receivedHeads where head.signature == nil {
            guard try signatureSequence(origin: origin, atOrAfter: head.sequence) == head.sequence else {
                throw refusal(head, .notCovered, "not covered by a signature of its origin: a sender must send each origin's events up to a signed one (the last of a commit)")
            }
        }
    }

    func cachedTrust(of origin: NodeID) throws -> PeerTrust {
        if let known = receiveState.trustByOrigin[origin] { return known }
        let trust = try trust(of: origin)
        receiveState.trustByOrigin[origin] = trust
        return trust
    }

    package func forgetTrust(of node: NodeID) { receiveState.trustByOrigin[node] = nil }

    /// Applies, in order, `run` — events of one origin that waited and now follow its head without
    /// a gap — up to the last one a signature covers; the unsigned tail keeps waiting.
    package func applyWaiting(_ run: [EventEnvelope]) throws {
        guard let lastSigned = run.lastIndex(where: { $0.signature != nil }) else { return }
        for event in run[...lastSigned] {
            _ = try takeHeld(origin: event.origin, sequence: event.sequence)
            guard try place(event) == .stored else { break }
        }
        try finishReceiving()
    }

    package func refusal(_ event: EventEnvelope, _ code: EventProblem.Code, _ reason: String) -> EventProblem {
        EventProblem(code, eventID: event.id.rawValue, origin: event.origin.rawValue, sequence: event.sequence, reason: reason)
    }

    /// The refusal of an event whose id another stored event has.
    package func duplicateID(_ event: EventEnvelope) -> EventProblem {
        refusal(event, .duplicateID, "another event with this id is already stored")
    }

    /// `origin`'s head as this transaction has left it (looked up once).
    func cachedHead(of origin: NodeID) throws -> ChainHead? {
        if let known = receiveState.knownHeads[origin] { return known }
        let head = try self.head(of: origin)
        receiveState.knownHeads[origin] = .some(head)
        return head
    }

    /// Whether `event` takes the place right after its origin's head.
    func isNext(_ event: EventEnvelope) throws -> Bool {
        event.sequence == (try cachedHead(of: event.origin)?.sequence ?? 0) + 1
    }

    /// Puts a self-consistent event where it belongs relative to its origin's head.
    func place(_ event: EventEnvelope) throws -> EventReceipt {
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
            throw refusal(event, .brokenLink, "prevHash does not link to this store's event at sequence \(head.sequence): altered, or the two chains have forked before it")
        }
        var enrolmentKey: Data?
        if head == nil {
            guard event.type == SystemEventType.nodeEnrolled, case .object(let enrolment)? = try? event.payloadValue(),
                let key = enrolment["publicKey"]?.stringValue.flatMap({ Data(base64Encoded: $0) }),
                let site = enrolment["site"]?.stringValue,
                NodeIdentity.nodeID(forPublicKey: key) == event.origin
            else { throw refusal(event, .badEnrolment, "an origin's first event must be its NodeEnrolled, with a public key that hashes to its node id") }
            // Self-signed: the enrolment is the key's own first statement.
            guard event.signature != nil else { throw refusal(event, .badEnrolment, "a NodeEnrolled must carry its origin's signature (self-signed)") }
            // The agreement key, where peers wrap this origin's patient keys (absent: none are sent).
            let agreementKey = enrolment["agreementKey"]?.stringValue.flatMap { Data(base64Encoded: $0) }.flatMap { try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: $0) }
            try enrol(event.origin, site: site, publicKey: key, agreementKey: agreementKey?.rawRepresentation)
            enrolmentKey = key
        }
        if let signature = event.signature {
            guard let key = try enrolmentKey ?? enrolledKey(of: event.origin), signature.isValid(for: event.hash, publicKey: key) else {
                throw refusal(event, .badSignature, "its signature is not its origin's signature over its hash: altered or forged")
            }
        }
        // Its author: a person's event waits for the person's enrolment if it is not here yet.
        guard try checkAuthorBeforeStoring(event) else {
            try hold(event)
            return .heldBack
        }
        try storeReceived(event)
        try checkAuthorAfterStoring(event)
        if let signature = event.signature { try storeSignature(signature, origin: event.origin, sequence: event.sequence) }
        // This store's own origin too: an event "of mine" from elsewhere (a restore, or a peer
        // forging in my name) is stored only under my signature, like anyone else's.
        receiveState.receivedHeads[event.origin] = event
        receiveState.knownHeads[event.origin] = .some(ChainHead(sequence: event.sequence, hash: event.hash))
        receiveState.stored.append(event)
        return .stored
    }

    /// Stores, in order, the held-back events that now follow `event` without a gap.
    func releaseHeld(after event: EventEnvelope) throws {
        guard holdsHeldEvents else { return }
        var sequence = event.sequence + 1
        while let held = try takeHeld(origin: event.origin, sequence: sequence) {
            guard try place(held) == .stored else { return }
            sequence += 1
        }
    }
}
