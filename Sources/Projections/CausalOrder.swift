import EventLog

/// The one order every store folds events in: Lamport timestamp, then origin node id, then
/// sequence. It extends causality (an event sorts after everything its writer had seen), and it
/// depends on the events alone, never on when they arrived — which is what makes two stores
/// holding the same events show byte-identical views.
public enum CausalOrder {
    public static func precedes(_ a: EventEnvelope, _ b: EventEnvelope) -> Bool {
        (a.lamport, a.origin.rawValue, a.sequence) < (b.lamport, b.origin.rawValue, b.sequence)
    }

    public static func sorted(_ events: [EventEnvelope]) -> [EventEnvelope] {
        events.sorted(by: precedes)
    }

    /// Whether `later` was written by a node that had already seen `earlier`.
    public static func hasSeen(_ later: EventEnvelope, _ earlier: EventEnvelope) -> Bool {
        later.clock[earlier.origin] >= earlier.sequence
    }
}

/// Which events an auditor's question covers.
public enum TimeTravel: Sendable, Equatable {
    /// Everything in the log.
    case now
    /// Events recorded up to and including this instant: the record as it stood then.
    case asOf(Timestamp)
    /// Exactly the events within this vector clock: the same answer on every site.
    case atClock(VectorClock)

    public func includes(_ event: EventEnvelope) -> Bool {
        switch self {
        case .now: true
        case .asOf(let instant): event.recordedAt <= instant
        case .atClock(let clock): clock[event.origin] >= event.sequence
        }
    }
}

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
