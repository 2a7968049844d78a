/// One event that breaks the log's rules, named by id, origin and sequence: refused when it was
/// offered (nothing of its batch is stored), or found in a stored chain by `verify`. One type for
/// both, because the rules are the same (`ChainCheck`'s content, link and signature checks run
/// on receipt and in `verify`); ``found`` says where it was caught, and so how it reads.
///
/// The ids are kept as the text they were given: a refusal relayed by a peer names what the peer
/// wrote, which this node has not checked.
public struct EventProblem: CodedError, Sendable, Equatable {
    /// Where the problem was caught.
    public enum Found: Sendable, Equatable {
        /// Offered by another node (or a bundle), and refused.
        case onReceipt
        /// In this store's own log, by a check of the stored chains.
        case inStoredChain
    }

    /// Which rule the event breaks; ``reason`` says it in words. Codes are stable: scripts and
    /// tests match them, so one is never renamed nor reused for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Its hash does not recompute from its contents.
        case hashMismatch
        /// Its clock does not name its own sequence for its origin.
        case clockMismatch
        /// An event about a patient whose payload is not sealed.
        case unsealedPayload
        /// Its payload is not canonical JSON.
        case payloadNotCanonical
        /// Its `occurredAt` is after its `recordedAt`.
        case occurredAfterRecorded
        /// A sequence, Lamport time or clock value beyond what any real log reaches.
        case counterOverflow
        /// Not the sequence due next in its origin's chain (a gap, or a peer answering out of place).
        case sequenceGap
        /// Its `prevHash` does not link to its origin's previous event (or is null after sequence 1,
        /// or set at sequence 1).
        case brokenLink
        /// Its vector clock is behind its predecessor's.
        case clockWentBackwards
        /// Its Lamport time is not after its predecessor's.
        case lamportNotIncreasing
        /// An origin's first event is not the self-signed enrolment of the key its id hashes from.
        case badEnrolment
        /// Its signature is not its origin's over its hash.
        case badSignature
        /// No signature of its origin covers it.
        case notCovered
        /// The store holds no key of its origin that hashes to the origin's id.
        case unknownOriginKey
        /// Another event with its id is stored already.
        case duplicateID
        /// An origin not in the trust list has as many events waiting as are kept.
        case tooManyAwaitingTrust
        /// The peer refused it (its words are the ``reason``).
        case refusedByPeer
        /// A person's event whose author is not a user name, or a node's own event that names a
        /// person's role or signature.
        case badAuthor
        /// Its author's signature over the run ending at it does not verify with any key bound to
        /// the author at that point: altered, or forged.
        case badAuthorSignature
        /// A person's event not covered by their signature: their run of events ends (another
        /// author, a node's own event, or where the node signs) without it.
        case authorNotCovered
        /// Written in the name of a user removed before it, in causal order.
        case authorRemoved
    }

    public var code: Code
    public var eventID: String
    public var origin: String
    public var sequence: Int
    public var reason: String
    public var found: Found

    /// A problem with one event, named by id, origin and sequence.
    ///
    /// - Parameters:
    ///   - code: Which rule it breaks (stable, for scripts and tests).
    ///   - eventID: The offending event's id.
    ///   - origin: The node whose chain it belongs to.
    ///   - sequence: Its place in that chain.
    ///   - reason: Which rule it breaks, in words.
    ///   - found: Where it was caught: offered by a peer (the default), or in this store's own log.
    public init(_ code: Code, eventID: String, origin: String, sequence: Int, reason: String, found: Found = .onReceipt) {
        self.code = code
        self.eventID = eventID
        self.origin = origin
        self.sequence = sequence
        self.reason = reason
        self.found = found
    }

    public var description: String {
        "event \(eventID) (origin \(origin), sequence \(sequence))\(found == .onReceipt ? " refused" : ""): \(reason)"
    }
}
