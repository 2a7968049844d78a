/// One event that breaks the log's rules, named by id, origin and sequence: refused when it was
/// offered (nothing of its batch is stored), or found in a stored chain by `verify`. One type for
/// both, because the rules are the same (`ChainCheck`'s content, link and signature checks run
/// on receipt and in `verify`); ``found`` says where it was caught, and so how it reads.
public struct EventProblem: Error, CustomStringConvertible, Sendable, Equatable {
    /// Where the problem was caught.
    public enum Found: Sendable, Equatable {
        /// Offered by another node (or a bundle), and refused.
        case onReceipt
        /// In this store's own log, by a check of the stored chains.
        case inStoredChain
    }

    public var eventID: String
    public var origin: String
    public var sequence: Int
    public var reason: String
    public var found: Found

    /// A problem with one event, named by id, origin and sequence.
    ///
    /// - Parameters:
    ///   - eventID: The offending event's id.
    ///   - origin: The node whose chain it belongs to.
    ///   - sequence: Its place in that chain.
    ///   - reason: Which rule it breaks, in words.
    ///   - found: Where it was caught: offered by a peer (the default), or in this store's own log.
    public init(eventID: String, origin: String, sequence: Int, reason: String, found: Found = .onReceipt) {
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
