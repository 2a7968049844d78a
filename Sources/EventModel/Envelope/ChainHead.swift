/// The last event of one origin's chain as a store holds it.
public struct ChainHead: Sendable, Hashable {
    public var sequence: Int
    public var hash: EventHash
    public init(sequence: Int, hash: EventHash) {
        self.sequence = sequence
        self.hash = hash
    }
}
