import Foundation
import EventModel

/// The receive rules for authors (issue 33): every event a person writes is covered by that
/// person's signature (`AuthorSignature`), made with a key the store's user directory
/// binds to them at that point in causal order, and nothing is accepted in the name of a user
/// removed before it. Written once, here, so the SQLite store and the hub check alike.
///
/// Which events must be signed: every event that names the role its author wrote it in
/// (`authorRole`, hashed, so it cannot be stripped), and every event of an origin after the first
/// one of its events a person signed — a chain that signs people's events never stops. A node's
/// own events (`SystemEventType/nodeAuthored`) carry no person's role or signature.
/// An older chain's events, written before people had keys, keep their plain author names: they
/// are shown as unverified, never rewritten.
extension ReceiveLedger {
    /// The checks before `event` is stored. Returns false when its author has no standing here
    /// yet — their enrolment is in a chain this store has not received — so that it waits (held)
    /// until the enrolment arrives; throws for an event that breaks the rules.
    func checkAuthorBeforeStoring(_ event: EventEnvelope) throws -> Bool {
        if SystemEventType.nodeAuthored.contains(event.type) {
            guard event.authorRole == nil, event.authorSignature == nil else {
                throw refusal(event, .badAuthor, "a node's own \(event.type) names a person's role or carries a person's signature")
            }
            try refuseUncoveredRun(before: event)
            return true
        }
        // The people's events are always a person's, signed: an unsigned one (from a chain that
        // never signed) would otherwise change who may do what.
        if let reason = UserDirectory.refusal(of: event) { throw refusal(event, .badAuthor, reason) }
        guard try mustBeSigned(event) else {
            // A chain from before people had keys: its author stays an unverified name.
            guard event.authorSignature == nil else { throw refusal(event, .badAuthor, "it carries an author's signature but names no role") }
            try refuseUncoveredRun(before: event)
            return true
        }
        guard UserName.isValid(event.author) else { throw refusal(event, .badAuthor, "its author \"\(event.author.prefix(40))\" is not a user name") }
        guard event.authorRole != nil else { throw refusal(event, .authorNotCovered, "its origin signs people's events, and this one names no author role or signature") }
        if let pending = receiveState.pendingRuns[event.origin] {
            guard pending.author == event.author else {
                throw refusal(event, .authorNotCovered, "the run of \(pending.author)'s events from sequence \(pending.first) ends before it without their signature")
            }
            return true
        }
        // A store founded under the name of a user this store knows, with another key: refused,
        // or its founder would write in that user's name with a key no manager bound to them.
        if isSelfEnrolment(event), let known = try directory().standing(of: event.author), case .object(let payload)? = try? event.payloadValue(),
            let key = payload["publicKey"]?.stringValue.flatMap({ Data(base64Encoded: $0) }), !known.keys.contains(key) {
            throw refusal(event, .badAuthor, "a store founded under the name of \(event.author), a user here, with a key \(event.author) does not hold")
        }
        // The first event of a run: its author must be known here, unless it is a store's
        // founder adding themselves (their key is in the event itself).
        if try directory().standing(of: event.author, at: event.clock) == nil && !isSelfEnrolment(event) { return false }
        receiveState.pendingRuns[event.origin] = (event.author, event.sequence, event.clock)
        return true
    }

    /// The checks once `event` is stored: a user event joins the directory; a run's signature is
    /// verified with the keys bound to its author at its last event.
    func checkAuthorAfterStoring(_ event: EventEnvelope) throws {
        if SystemEventType.people.contains(event.type) {
            var directory = try directory()
            directory.record(event)
            receiveState.directory = directory
        }
        guard let pending = receiveState.pendingRuns[event.origin] else { return }
        guard let signature = event.authorSignature else {
            // The node signs only where every run has ended: a run open there is not covered.
            if event.signature != nil {
                throw refusal(event, .authorNotCovered, "its origin signed it, but \(pending.author)'s run of events from sequence \(pending.first) is not covered by their signature")
            }
            return
        }
        let directory = try directory()
        guard let standing = directory.standing(of: event.author, at: event.clock) else {
            throw refusal(event, .badAuthorSignature, "its author \(event.author) has no key bound at this point")
        }
        guard !standing.isRemoved else { throw refusal(event, .authorRemoved, "written in the name of \(event.author), removed before it") }
        let keys = directory.signingKeys(of: event.author, origin: event.origin, first: pending.first, last: event.sequence, firstClock: pending.clock, lastClock: event.clock)
        guard keys.contains(where: { signature.isValid(publicKey: $0, author: event.author, origin: event.origin, first: pending.first, hash: event.hash) }) else {
            throw refusal(event, .badAuthorSignature, "its author signature is not \(event.author)'s over their events from sequence \(pending.first): altered or forged")
        }
        receiveState.pendingRuns[event.origin] = nil
        if (receiveState.authorSigningStart[event.origin] ?? nil) == nil { receiveState.authorSigningStart[event.origin] = .some(event.sequence) }
    }

    /// At the end of a batch: no run is left open, and what waited for an author enrolled by
    /// this batch is offered again.
    func finishAuthorRuns() throws {
        if let (origin, pending) = receiveState.pendingRuns.min(by: { $0.key.rawValue < $1.key.rawValue }) {
            throw EventProblem(.authorNotCovered, eventID: "-", origin: origin.rawValue, sequence: pending.first,
                               reason: "\(pending.author)'s events from sequence \(pending.first) end the batch without their signature")
        }
        // Offered again at every batch's end, not only when this batch enrolled someone: a hub
        // batch sees only its own origins' held events, so another origin's waits for its next batch.
        guard holdsHeldEvents, !receiveState.retryingHeld else { return }
        receiveState.retryingHeld = true
        defer { receiveState.retryingHeld = false }
        for origin in try originsWithHeldEvents().sorted(by: { $0.rawValue < $1.rawValue }) {
            switch try cachedTrust(of: origin) {
            case .local, .trusted: break
            case .unknown, .removed: continue  // waiting for trust, not for an author
            }
            let next = (try cachedHead(of: origin)?.sequence ?? 0) + 1
            guard let waiting = try takeHeld(origin: origin, sequence: next) else { continue }
            if try place(waiting) == .stored { try releaseHeld(after: waiting) }
        }
        if let (origin, pending) = receiveState.pendingRuns.min(by: { $0.key.rawValue < $1.key.rawValue }) {
            throw EventProblem(.authorNotCovered, eventID: "-", origin: origin.rawValue, sequence: pending.first,
                               reason: "\(pending.author)'s events from sequence \(pending.first) end without their signature")
        }
    }

    private func refuseUncoveredRun(before event: EventEnvelope) throws {
        if let pending = receiveState.pendingRuns[event.origin] {
            throw refusal(event, .authorNotCovered, "the run of \(pending.author)'s events from sequence \(pending.first) ends before it without their signature")
        }
    }

    /// Whether `event` must be covered by its author's signature.
    private func mustBeSigned(_ event: EventEnvelope) throws -> Bool {
        if event.authorRole != nil || receiveState.pendingRuns[event.origin] != nil { return true }
        let start: Int?
        if let known = receiveState.authorSigningStart[event.origin] {
            start = known
        } else {
            start = try firstAuthorSignature(of: event.origin)
            receiveState.authorSigningStart[event.origin] = .some(start)
        }
        return start.map { event.sequence > $0 } ?? false
    }

    /// A store's first user adding themselves: the key that signs is in the event.
    private func isSelfEnrolment(_ event: EventEnvelope) -> Bool {
        guard event.type == SystemEventType.userAdded, case .object(let payload)? = try? event.payloadValue() else { return false }
        return payload["user"]?.stringValue == event.author
    }

    /// The directory as this transaction leaves it, read once.
    func directory() throws -> UserDirectory {
        if let known = receiveState.directory { return known }
        let directory = UserDirectory(events: try storedUserEvents())
        receiveState.directory = directory
        return directory
    }
}
