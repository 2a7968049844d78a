import EventModel

/// Where an event sorts in ``CausalOrder``: (Lamport time, origin, sequence), unique per event.
public struct CausalPosition: Sendable, Hashable, Comparable {
    public var lamport: Int
    public var origin: String
    public var sequence: Int

    public init(lamport: Int, origin: String, sequence: Int) {
        self.lamport = lamport
        self.origin = origin
        self.sequence = sequence
    }

    public init(_ event: EventEnvelope) {
        self.init(lamport: event.lamport, origin: event.origin.rawValue, sequence: event.sequence)
    }

    public static func < (a: CausalPosition, b: CausalPosition) -> Bool {
        (a.lamport, a.origin, a.sequence) < (b.lamport, b.origin, b.sequence)
    }
}
