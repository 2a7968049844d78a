import Foundation
import EventModel
import EventCrypto


/// Walks every origin's chain and checks what the log alone can prove: each sequence follows
/// the one before with no gap, each `prevHash` is the previous event's hash, each `hash`
/// recomputes from the stored bytes, and each event's clock names its own sequence.
///
/// And the signatures: every event is covered by its origin's signature on itself or a later
/// event of its chain (`ChainSignature`), each signature verifies with the key the origin's
/// self-signed `NodeEnrolled` — its first event — carries, and that key hashes to the origin's id.
/// An event edited with plain `sqlite3`, even with every hash after it recomputed, fails here:
/// only the origin's key can sign the new hashes.
public struct ChainCheck: Sendable {
    /// The first problem found, naming the event: the same type a refused receipt throws.
    public typealias Problem = EventProblem
    /// A rule an event breaks: its code, and the reason in words.
    package typealias Broken = (code: EventProblem.Code, reason: String)

    /// How many events were checked, per origin.
    public private(set) var eventsPerOrigin: [String: Int] = [:]
    /// How many signatures were verified.
    public private(set) var signatures = 0
    /// How many people's run signatures were verified.
    public internal(set) var authorSignatures = 0
    /// Events written before people had keys, whose author is a name no one vouches for.
    public internal(set) var unverifiedAuthors = 0
    public var totalEvents: Int { eventsPerOrigin.values.reduce(0, +) }

    /// The check of a log read in (origin, sequence) order, one event at a time: what
    /// `ChainCheck.run(_:)` (EventLog) does over SQLite, and the PostgreSQL hub's `verify` over its server — one
    /// copy of the rules for both engines.
    public struct Walk {
        var result = ChainCheck()
        var origin: NodeID?
        var previous: EventEnvelope?
        var key: Data?
        /// The first event of the current origin that no signature has covered yet.
        var uncovered: EventEnvelope?
        /// The store's people, against whom every person's event is checked (ChainCheck+Authors.swift).
        let directory: UserDirectory
        /// The current origin's run of one author's events not yet covered by their signature.
        var run: (author: String, first: Int, clock: VectorClock)?
        /// Whether the current origin has signed a person's run yet: after it, every person's event must be.
        var signsAuthors = false

        /// A walk checking people's events against `directory` (the store's, from all its user events).
        ///
        /// - Parameter directory: The store's user directory.
        public init(directory: UserDirectory = UserDirectory()) {
            self.directory = directory
        }

        func uncoveredProblem() -> Problem? {
            uncovered.map { Problem(.notCovered, eventID: $0.id.rawValue, origin: $0.origin.rawValue, sequence: $0.sequence,
                                    reason: "not covered by a signature of its origin (no signed event at or after it)", found: .inStoredChain) }
        }

        /// Checks the next event of the log; `enrolledKey` gives the key the store holds for an
        /// origin (asked once per origin). Throws the first ``Problem``.
        ///
        /// - Parameters:
        ///   - event: The next event in (origin, sequence) order.
        ///   - enrolledKey: The signing key the store holds for an origin, or nil.
        /// - Throws: The first ``Problem`` found, naming the event; whatever `enrolledKey` throws.
        public mutating func check(_ event: EventEnvelope, enrolledKey: (NodeID) throws -> Data?) throws {
            func fail(_ broken: Broken) -> Problem {
                Problem(broken.code, eventID: event.id.rawValue, origin: event.origin.rawValue, sequence: event.sequence, reason: broken.reason, found: .inStoredChain)
            }
            if event.origin != origin {
                if let problem = uncoveredProblem() { throw problem }
                if let problem = openRunProblem() { throw problem }
                origin = event.origin
                previous = nil
                key = try enrolledKey(event.origin)
                (run, signsAuthors) = (nil, false)
            }
            if let broken = ChainCheck.linkProblem(event, after: previous.map { ChainHead(sequence: $0.sequence, hash: $0.hash) }) { throw fail(broken) }
            if let previous {
                guard event.clock.dominates(previous.clock) else { throw fail((.clockWentBackwards, "vector clock went backwards")) }
                guard event.lamport > previous.lamport else { throw fail((.lamportNotIncreasing, "Lamport timestamp did not increase")) }
            } else if let broken = ChainCheck.enrolmentProblem(event, key: key) {
                throw fail(broken)
            }
            if let signature = event.signature {
                guard let key, signature.isValid(for: event.hash, publicKey: key) else {
                    throw fail((.badSignature, "its signature is not its origin's signature over its hash: altered or forged"))
                }
                result.signatures += 1
                uncovered = nil
            } else if uncovered == nil {
                uncovered = event
            }
            if let broken = authorProblem(event) { throw fail(broken) }
            result.eventsPerOrigin[event.origin.rawValue, default: 0] += 1
            previous = event
        }

        /// The last event checked of each origin so far: its head as the log shows it.
        public var lastEvent: EventEnvelope? { previous }

        /// Ends the walk: the last origin's tail must be signed too.
        public func finish() throws -> ChainCheck {
            if let problem = uncoveredProblem() { throw problem }
            if let problem = openRunProblem() { throw problem }
            return result
        }
    }

    /// Why an origin's first event is not the self-signed enrolment of the key the store holds for
    /// it, or nil.
    static func enrolmentProblem(_ event: EventEnvelope, key: Data?) -> Broken? {
        guard event.type == SystemEventType.nodeEnrolled, case .object(let enrolment)? = try? event.payloadValue(),
            let enrolled = enrolment["publicKey"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
        else { return (.badEnrolment, "an origin's first event must be its NodeEnrolled with its public key") }
        guard NodeIdentity.nodeID(forPublicKey: enrolled) == event.origin else { return (.badEnrolment, "the enrolled public key does not hash to the origin's node id") }
        guard enrolled == key else { return (.badEnrolment, "the store's key for this node is not the key its NodeEnrolled carries") }
        guard event.signature != nil else { return (.badEnrolment, "NodeEnrolled is not self-signed") }
        return nil
    }

    /// Why `event` is not the intact next link after `previous` (its origin's head), or nil.
    package static func linkProblem(_ event: EventEnvelope, after previous: ChainHead?) -> Broken? {
        let expected = (previous?.sequence ?? 0) + 1
        guard event.sequence == expected else { return (.sequenceGap, "expected sequence \(expected) of this origin, not \(event.sequence)") }
        guard event.prevHash == previous?.hash else { return (.brokenLink, "prevHash does not link to the origin's previous event") }
        return contentProblem(event)
    }

    /// Why `event` contradicts itself, or nil: what the event alone proves, wherever it sits.
    /// The one rule both a full check of the log and the receipt of a peer's event apply.
    package static func contentProblem(_ event: EventEnvelope) -> Broken? {
        guard event.computedHash == event.hash else { return (.hashMismatch, "hash does not match the event's contents") }
        guard event.clock[event.origin] == event.sequence else { return (.clockMismatch, "clock[origin] is \(event.clock[event.origin]), not the sequence") }
        // Health data never travels or rests in the clear: an event about a patient whose payload
        // is not sealed is refused like an altered one.
        guard !event.isSealed || SealedPayload.isSealedForm(event.payload) else { return (.unsealedPayload, "an event about a patient must carry a sealed payload") }
        return nil
    }
}
