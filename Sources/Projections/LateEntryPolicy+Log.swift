import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel

extension LateEntryPolicy {
    /// The policy the log's store-wide events set, as of `travel`: the latest
    /// ``ClinicalEvents/LateEntryRuleSet`` in causal order (else the standard rule), and each
    /// node's latest ``ClinicalEvents/SiteTimeZoneSet`` (a node's own events are ordered by
    /// their sequence).
    ///
    /// - Parameters:
    ///   - reader: The store's log.
    ///   - travel: Which events count (an auditor's `--as-of` or `--at-clock`).
    /// - Throws: When the log cannot be read.
    public init(_ reader: EventReader, _ travel: TimeTravel = .now) throws {
        var rule: (position: CausalPosition, rule: LateEntryRule)?
        var zones: [NodeID: (sequence: Int, clock: SiteClock)] = [:]
        try reader.forEachStoreWideEvent(types: [LateEntryRuleSet.eventType, SiteTimeZoneSet.eventType]) { event in
            guard travel.includes(event) else { return }
            switch try ClinicalEvent.decode(event) {
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
}
