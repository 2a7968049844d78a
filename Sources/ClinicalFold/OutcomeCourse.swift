import ClinicalEvents
import EventModel

/// One instrument's course for a patient: from the baseline (the latest answer set recorded as
/// a baseline, or the first one when none was) to the latest scored one, the change between
/// them, and whether it reaches the instrument's threshold (its MCID, or without one its MDC)
/// in the better direction. Derived from the answer sets a view holds (``courses(of:)``), so
/// the fold and the stored rows give the same course.
///
/// Guarantees: the change and the verdict are computed on exact scores (``ExactScore``), never
/// on the rounded text shown; answer sets of different versions of an instrument are never
/// compared (each version has its own course).
public struct OutcomeCourse: Sendable, Equatable, Encodable {
    public var instrument: Instrument
    public var baseline: OutcomeView
    public var latest: OutcomeView
    /// Answer sets in the course (baseline and after), scored or not.
    public var count: Int
    /// latest − baseline, exact; nil when the course has one scored answer set, or when they
    /// cannot be compared (``comparable``).
    public var change: ExactScore?
    /// Whether the latest answer set measures what the baseline did: always for fixed items; for
    /// patient-chosen activities (PSFS), only when both name the same activities — a mean over
    /// other activities is not a change.
    public var comparable: Bool
    /// Each activity's change from baseline (PSFS), judged by the single-activity threshold.
    public var activityChanges: [ActivityChange]

    /// One patient-chosen activity from baseline to latest.
    public struct ActivityChange: Sendable, Equatable {
        public var activity: String
        public var baseline: Int
        public var latest: Int
        /// Whether the change in the better direction reaches the instrument's single-activity
        /// threshold; nil when it has none.
        public var reached: Bool?
    }
    /// The change in the better direction (positive is better).
    public var improvement: ExactScore? {
        guard let change, let rule = instrument.scores.first(where: { $0.id == changeScore }) else { return nil }
        return rule.higherIsBetter ? change : -change
    }
    /// Whether the improvement reaches the threshold; nil without a change or a threshold.
    public var reached: Bool? {
        guard let improvement, let threshold = instrument.change?.threshold else { return nil }
        return improvement >= threshold.value.points
    }
    /// When a reassessment is due: the latest answer set plus the instrument's interval; nil once
    /// a discharge answer set closed the course.
    public var reassessmentDue: Timestamp? {
        guard latest.entry.payload.context != "discharge" else { return nil }
        let due = latest.entry.occurredAt.millisecondsSinceEpoch + Int64(instrument.reassessEveryDays) * 86_400_000
        // Past 9999-12-31 (a clock forged far ahead) there is no date to show: none is due.
        return due <= Self.lastShowableInstant ? Timestamp(millisecondsSinceEpoch: due) : nil
    }
    /// 9999-12-31T23:59:59.999Z: the last instant a four-digit year writes.
    static let lastShowableInstant: Int64 = 253_402_300_799_999

    /// The score a change is judged on: the change rule's, else the instrument's own.
    public var changeScore: String { instrument.change?.score ?? instrument.primary.id }

    /// The courses in `outcomes` (oldest first by clinical time), by instrument id then version.
    public static func courses(of outcomes: [OutcomeView]) -> [OutcomeCourse] {
        var byVersion: [String: [OutcomeView]] = [:]
        for outcome in outcomes where outcome.instrument != nil { byVersion["\(outcome.entry.payload.instrument) \(outcome.entry.payload.version)", default: []].append(outcome) }
        return byVersion.values.compactMap { answerSets -> OutcomeCourse? in
            let instrument = answerSets[0].instrument!
            let start = answerSets.lastIndex { $0.entry.payload.context == "baseline" } ?? 0
            let course = Array(answerSets[start...])
            let score = instrument.change?.score ?? instrument.primary.id
            func value(_ view: OutcomeView) -> ExactScore? { view.scores?.values[score] }
            // The baseline is the course's first answer set; its latest, the last that scores.
            let baseline = course[0]
            let latest = course.last { value($0) != nil } ?? course[course.count - 1]
            let (first, last) = (baseline.entry.payload, latest.entry.payload)
            let comparable = instrument.activities == nil || Set(first.activities ?? []) == Set(last.activities ?? [])
            let change = latest.entry.eventId == baseline.entry.eventId || !comparable ? nil : value(latest).flatMap { end in value(baseline).map { end - $0 } }
            var activityChanges: [ActivityChange] = []
            if comparable, latest.entry.eventId != baseline.entry.eventId, let names = last.activities {
                let before = Dictionary(zip(first.activities ?? [], first.answers), uniquingKeysWith: { a, _ in a })
                let higherIsBetter = instrument.scores.first { $0.id == score }?.higherIsBetter ?? true
                for (name, rating) in zip(names, last.answers) {
                    guard let rating, let start = before[name] ?? nil else { continue }
                    let improvement = ExactScore(higherIsBetter ? rating - start : start - rating)
                    let reached = instrument.change?.threshold?.value.singleItemPoints.map { improvement >= $0 }
                    activityChanges.append(ActivityChange(activity: name, baseline: start, latest: rating, reached: reached))
                }
            }
            return OutcomeCourse(instrument: instrument, baseline: baseline, latest: latest, count: course.count, change: change, comparable: comparable,
                                 activityChanges: activityChanges)
        }.sorted { ($0.instrument.id, $0.instrument.version) < ($1.instrument.id, $1.instrument.version) }
    }

    /// `instrument`, `version`, `baseline` and `latest` (event id, clinical time, context and
    /// shown score), `answerSets`, `change` and `improvement` (shown to the score's decimals;
    /// null without a change), `threshold` (`{kind: MCID|MDC, points}` or null), `reached`,
    /// `band` (baseline's and latest's, for an instrument with bands) and `reassessmentDue`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let rule = instrument.scores.first { $0.id == changeScore } ?? instrument.primary
        func point(_ view: OutcomeView) -> [String: JSONValue] {
            [
                "eventId": .string(view.entry.eventId.rawValue), "occurredAt": .string(view.entry.occurredAt.description), "context": .string(view.entry.payload.context),
                "score": view.scores?.values[rule.id].map { .string($0.text(decimals: rule.decimals)) } ?? .null,
                "band": view.scores?.band.map { .string($0.id) } ?? .null,
            ]
        }
        try container.encode(instrument.id, forKey: .instrument)
        try container.encode(instrument.version, forKey: .version)
        try container.encode(changeScore, forKey: .score)
        try container.encode(JSONValue.object(point(baseline)), forKey: .baseline)
        try container.encode(JSONValue.object(point(latest)), forKey: .latest)
        try container.encode(count, forKey: .answerSets)
        try container.encode(change?.text(decimals: rule.decimals), forKey: .change)
        try container.encode(improvement?.text(decimals: rule.decimals), forKey: .improvement)
        let threshold = instrument.change?.threshold.map { JSONValue.object(["kind": .string($0.kind), "points": .string($0.value.points.text(decimals: 1))]) }
        try container.encode(threshold ?? .null, forKey: .threshold)
        try container.encode(reached, forKey: .reached)
        try container.encode(reassessmentDue, forKey: .reassessmentDue)
        try container.encode(comparable, forKey: .comparable)
        let activities: [JSONValue] = activityChanges.map { change in
            .object(["activity": .string(change.activity), "baseline": .int(change.baseline), "latest": .int(change.latest),
                     "reached": change.reached.map(JSONValue.bool) ?? .null])
        }
        try container.encode(JSONValue.array(activities), forKey: .activityChanges)
    }

    enum CodingKeys: String, CodingKey {
        case instrument, version, score, baseline, latest, answerSets, change, improvement, threshold, reached, reassessmentDue, comparable, activityChanges
    }
}
