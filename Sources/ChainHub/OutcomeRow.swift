import ClinicalEvents
import ClinicalFold
import EventModel
import Foundation

/// One `myolog.outcome_scores` row: an answer set of an outcome measure as head office compares
/// it across the chain — de-identified, folded from the same record a site's `show` folds.
///
/// What a row holds, and why (a privacy officer's reading):
/// - `patient` is the patient's id, the random pseudonym every hub view and the log already
///   carry: it lets head office count episodes per patient without knowing who they are, and
///   it is what an erasure deletes the rows by. A keyed hash of it would hide nothing more — the
///   row's `event` names the event, whose log row names the patient — and would only pretend to.
/// - `therapist` is the user name of the answer set's author: staff, not patient data, and in
///   the log's `author` column already; it is what per-therapist comparison needs.
/// - `occurredOn` is the calendar day in UTC, not the time: an appointment's minute at a named
///   site is a quasi-identifier, and UTC (not the site's zone) because a view row must not
///   depend on whether the site's zone setting arrived before or after the answer set.
/// - scores and terms only: never the answers, the names a patient gave their PSFS activities,
///   or the note (free text).
///
/// Guarantees: every standing answer set of an instrument version this Myolog knows has a row;
/// its `baseline`, `change` and `reached` are the fold's own ``OutcomeCourse`` at that answer
/// set (the episode's baseline is the latest answer set recorded as a baseline at or before it,
/// else the version's first), so the row of a course's latest answer set says what `show`
/// says of the course; `episodeEnd` marks, per episode, its last scored answer set when that one
/// has a change — the one an episode is judged on (a PSFS ending on other activities is not); `techniques` are the distinct technique terms standing
/// between the episode's baseline and the answer set (both instants included).
struct OutcomeRow: Equatable {
    var event: EventID
    var origin: NodeID
    var therapist: String
    var instrument: String
    var version: Int
    var context: String
    var occurredOn: CivilDate
    /// The score a change is judged on, as shown (the instrument's decimals); nil when unscored.
    var score: String?
    var band: String?
    var baseline: EventID
    /// This answer set's score minus its baseline's, as shown; nil for the baseline, or unscored.
    var change: String?
    /// Whether the improvement reaches the instrument's MCID (its MDC without one); nil without
    /// a change or a threshold.
    var reached: Bool?
    var episodeEnd: Bool
    var techniques: [String]

    static let utc = TimeZone(identifier: "UTC")!

    /// The rows of `record`'s standing answer sets of known instrument versions.
    static func rows(of record: PatientRecord) -> [OutcomeRow] {
        guard !record.outcomes.isEmpty else { return [] }
        let applied = record.techniques.compactMap { entry in entry.view(as: TechniqueApplied.self).map { (at: entry.event.occurredAt, term: $0.payload.technique) } }
        // Answer sets by instrument version, in the fold's order (clinical time, then causal).
        var byVersion: [String: [(entry: ClinicalEntry, view: OutcomeView)]] = [:]
        for entry in record.outcomes {
            guard let shown = entry.view(as: OutcomeRecorded.self) else { continue }
            let view = OutcomeView(entry: shown)
            guard view.instrument != nil else { continue }
            byVersion["\(shown.payload.instrument) \(shown.payload.version)", default: []].append((entry, view))
        }
        var rows: [OutcomeRow] = []
        for key in byVersion.keys.sorted() {
            var versionRows: [OutcomeRow] = []
            var prefix: [OutcomeView] = []
            for (entry, view) in byVersion[key]! {
                // The course as the fold reads it when this answer set is the last one: the same
                // baseline, change and verdict `show` gives the course at that point.
                prefix.append(view)
                guard let course = OutcomeCourse.courses(of: prefix).first else { continue }
                let rule = course.instrument.scores.first { $0.id == course.changeScore } ?? course.instrument.primary
                let isLatest = course.latest.entry.eventId == entry.event.id
                let (from, to) = (course.baseline.entry.occurredAt, entry.event.occurredAt)
                versionRows.append(OutcomeRow(
                    event: entry.event.id, origin: entry.event.origin, therapist: entry.event.author, instrument: view.entry.payload.instrument,
                    version: view.entry.payload.version, context: view.entry.payload.context, occurredOn: to.civilDate(in: Self.utc),
                    score: view.scores?.values[rule.id]?.text(decimals: rule.decimals), band: view.scores?.band?.id, baseline: course.baseline.entry.eventId,
                    change: isLatest ? course.change?.text(decimals: rule.decimals) : nil, reached: isLatest ? course.reached : nil, episodeEnd: false,
                    techniques: Set(applied.filter { $0.at >= from && $0.at <= to }.map(\.term)).sorted()))
            }
            // An episode ends at its last scored answer set, and counts only if that one has a
            // change: a PSFS whose latest names other activities is "not compared" in `show`, so
            // it is not judged here on an earlier reassessment either.
            var lastScored: [EventID: Int] = [:]
            for (index, row) in versionRows.enumerated() where row.score != nil { lastScored[row.baseline] = index }
            for index in lastScored.values where versionRows[index].change != nil { versionRows[index].episodeEnd = true }
            rows += versionRows
        }
        return rows
    }

    /// The table's columns, in the order ``copy(patient:into:)`` writes them.
    static let columns = [
        "patient", "event", "origin", "therapist", "instrument", "version", "context", "occurred_on", "score", "band", "baseline", "change", "mcid_reached",
        "episode_end", "techniques",
    ]

    /// Appends the row, of `patient`, to `rows`.
    func copy(patient: PatientID, into rows: inout CopyRows) {
        rows.text(patient.rawValue); rows.text(event.rawValue); rows.text(origin.rawValue); rows.text(therapist)
        rows.text(instrument); rows.integer(version); rows.text(context); rows.text(occurredOn.description)
        rows.text(score); rows.text(band); rows.text(baseline.rawValue); rows.text(change); rows.boolean(reached)
        rows.boolean(episodeEnd); rows.textArray(techniques)
        rows.end()
    }
}
