import EventModel

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
