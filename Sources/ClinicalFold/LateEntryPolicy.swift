import ClinicalEvents
import EventModel

/// How a store judges late entries: its rule (the latest ``ClinicalEvents/LateEntryRuleSet`` in
/// causal order) and the zone of each site that wrote entries (the latest
/// ``ClinicalEvents/SiteTimeZoneSet`` each node wrote).
///
/// Guarantees: made from events only — a node that never recorded a zone is judged on UTC, not
/// on the asking machine's zone — so the same events give the same marks at every site.
public struct LateEntryPolicy: Sendable, Equatable {
    public var rule: LateEntryRule
    /// Each writing node's clock; a node missing here reads UTC.
    public var clocks: [NodeID: SiteClock]

    public init(rule: LateEntryRule = .standard, clocks: [NodeID: SiteClock] = [:]) {
        (self.rule, self.clocks) = (rule, clocks)
    }

    /// The default rule, with no zones recorded.
    public static let standard = LateEntryPolicy()

    /// The store-wide event types a policy is made from.
    public static let eventTypes: Set<String> = [LateEntryRuleSet.eventType, SiteTimeZoneSet.eventType]

    /// The policy `events` set (store-wide events in any order; others are passed over): the
    /// latest ``ClinicalEvents/LateEntryRuleSet`` in ``CausalOrder`` (else the standard rule),
    /// and each node's latest ``ClinicalEvents/SiteTimeZoneSet`` (a node's own events are
    /// ordered by their sequence).
    ///
    /// - Parameter events: The store-wide events the asker holds, as its time travel selects.
    public init(storeWide events: [EventEnvelope]) {
        var rule: (position: CausalPosition, rule: LateEntryRule)?
        var zones: [NodeID: (sequence: Int, clock: SiteClock)] = [:]
        for event in events where event.patient == nil {
            switch try? ClinicalEvent.decode(event) {
            case .lateEntryRuleSet(let set)?:
                let position = CausalPosition(event)
                if rule.map({ $0.position < position }) ?? true { rule = (position, set.lateEntryRule) }
            case .siteTimeZoneSet(let zone)?:
                if zones[event.origin].map({ $0.sequence < event.sequence }) ?? true { zones[event.origin] = (event.sequence, zone.clock) }
            default:
                break
            }
        }
        self.init(rule: rule?.rule ?? .standard, clocks: zones.mapValues(\.clock))
    }

    /// The late-entry mark of `event` (an entry), or nil when it was recorded in time.
    ///
    /// - Parameter event: A stored entry.
    /// - Returns: The mark, or nil when it was recorded in time.
    public func mark(_ event: EventEnvelope) -> LateEntryMark? {
        mark(recordedAt: event.recordedAt, occurredAt: event.occurredAt, origin: event.origin)
    }

    /// The late-entry mark of an entry of care at `occurredAt` recorded at `recordedAt` by `origin`.
    ///
    /// - Parameters:
    ///   - recordedAt: When it was written.
    ///   - occurredAt: When the care happened.
    ///   - origin: The node that wrote it, whose site's zone `end-of-day` is judged in.
    /// - Returns: The mark, or nil when it was recorded in time.
    public func mark(recordedAt: Timestamp, occurredAt: Timestamp, origin: NodeID) -> LateEntryMark? {
        let clock = clocks[origin] ?? .utc
        guard rule.isLate(recordedAt: recordedAt, occurredAt: occurredAt, on: clock) else { return nil }
        return LateEntryMark(recordedAt: recordedAt, occurredAt: occurredAt, rule: rule.description, zone: clock.identifier)
    }
}

/// An entry recorded later than its time of care by more than the store's rule allows: both
/// times, the rule it broke, and the zone it was judged in (the writing site's).
public struct LateEntryMark: Sendable, Equatable, Encodable {
    /// When it was written.
    public var recordedAt: Timestamp
    /// When the care happened.
    public var occurredAt: Timestamp
    /// The rule (``ClinicalEvents/LateEntryRule/description``).
    public var rule: String
    /// The IANA zone of the site that wrote it, which `end-of-day` is judged in.
    public var zone: String
}
