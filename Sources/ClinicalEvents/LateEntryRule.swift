import EventModel

/// When an entry counts as a *late entry*: recorded later than its time of care by more than
/// the rule allows.
///
/// Guarantees: the judgement depends on the entry's own times and the zone of the site that
/// wrote it, never on the clock of the machine asking, so every site marks the same entries.
public enum LateEntryRule: Sendable, Hashable, CustomStringConvertible {
    /// Recorded after the end of the local day (in the writing site's zone) of its time of care.
    case endOfDay
    /// Recorded more than this many hours after its time of care.
    case hours(Int)

    /// The rule a store follows until one is set.
    public static let standard = LateEntryRule.endOfDay

    /// Reads a rule as typed (`end-of-day`, `24h`, `2h`, `3d`); nil for anything else.
    ///
    /// - Parameter text: The rule's text.
    public init?(_ text: String) {
        let typed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if typed == "end-of-day" {
            self = .endOfDay
            return
        }
        guard let unit = typed.last, unit == "h" || unit == "d", let number = Int(typed.dropLast()), typed.dropLast().allSatisfy(\.isASCII) else { return nil }
        let hours = unit == "d" ? number * 24 : number
        guard (1...Self.longest).contains(hours) else { return nil }
        self = .hours(hours)
    }

    /// The longest interval a rule may allow: 30 days.
    static let longest = 720

    /// The stored form: `end-of-day` or `Nh`.
    public var description: String {
        switch self {
        case .endOfDay: "end-of-day"
        case .hours(let hours): "\(hours)h"
        }
    }

    /// What a rule may be, for every refusal of one.
    public static let accepted = "end-of-day (recorded after the end of the day of care, in the writing site's zone), or a number of hours or days such as 2h, 24h or 3d (at most 720h)"

    /// Whether an entry of care at `occurredAt`, recorded at `recordedAt` by a site on `clock`,
    /// is late under this rule.
    ///
    /// - Parameters:
    ///   - recordedAt: When the entry was written.
    ///   - occurredAt: When the care happened.
    ///   - clock: The clock of the site that wrote it.
    /// - Returns: Whether it was recorded later than the rule allows.
    public func isLate(recordedAt: Timestamp, occurredAt: Timestamp, on clock: SiteClock) -> Bool {
        switch self {
        case .endOfDay:
            let day = occurredAt.civilDate(in: clock.zone)
            let nextDay = Timestamp(startOf: CivilDate(daysSinceEpoch: day.daysSinceEpoch + 1), in: clock.zone)
            return recordedAt >= nextDay
        case .hours(let hours):
            return recordedAt.millisecondsSinceEpoch - occurredAt.millisecondsSinceEpoch > Int64(hours) * 3_600_000
        }
    }
}

/// The store's late-entry rule (``LateEntryRule``): store-wide, about no patient; the latest in
/// causal order stands at every site.
public struct LateEntryRuleSet: ClinicalPayload {
    public static let eventType = "LateEntryRuleSet"
    /// The rule's stored form (``LateEntryRule/description``).
    public var rule: String

    /// The event setting `rule`.
    public init(rule: LateEntryRule) { self.rule = rule.description }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["rule"])
        let text = try fields.string("rule")
        guard let rule = LateEntryRule(text), rule.description == text else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "rule", reason: "\"\(text)\" is not a late-entry rule in its stored form (end-of-day or Nh)")
        }
        self.rule = text
    }

    /// The rule it sets.
    public var lateEntryRule: LateEntryRule { LateEntryRule(rule)! }

    /// The refusal of a rule that does not parse.
    ///
    /// - Parameter typed: What was typed.
    /// - Returns: The refusal naming `rule`.
    public static func refusal(_ typed: String) -> ClinicalError {
        .invalidField(field: "rule", value: typed, accepted: LateEntryRule.accepted)
    }
}
