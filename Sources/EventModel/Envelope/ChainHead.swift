/// The last event of one origin's chain as a store holds it.
public struct ChainHead: Sendable, Hashable {
    public var sequence: Int
    public var hash: EventHash
    /// The head at this place.
    ///
    /// - Parameters:
    ///   - sequence: The last event's sequence.
    ///   - hash: The last event's hash.
    public init(sequence: Int, hash: EventHash) {
        self.sequence = sequence
        self.hash = hash
    }
}
