import EventModel

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
