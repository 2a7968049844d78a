import ClinicalEvents
import ClinicalFold
import EventModel

/// The report's outcome measures: per instrument version, the course (baseline → latest, the
/// change, whether it reaches the MCID or, without one, the MDC, when a reassessment is due),
/// its chart (``OutcomeChart``), and a table of every answer set with each score and subscale,
/// the band, a PSFS's activities, the note and the marks other entries carry. Times on
/// ``siteClock``; every typed text (an activity's name, a note) a text node.
extension PatientReport {
    var outcomeSection: HTML {
        let outcomes = view.care.outcomes
        let courses = view.care.outcomeCourses
        let unknown = outcomes.filter { $0.instrument == nil }
        return .element("section", ["id": "outcomes"]) {
            HTML.element("h2") { "Outcome measures" }
            if outcomes.isEmpty {
                HTML.element("p", ["class": "muted"]) { "No outcome measures recorded." }
            } else {
                HTML.element("p", ["class": "muted"]) {
                    "A course runs from its baseline (the latest answer set recorded as a baseline) to the latest scored answer set; a change counts when it reaches the instrument's MCID (or, without one, its minimal detectable change) in the better direction. Scores are derived from the answers by the instrument version's own rules. Charts draw better scores higher."
                }
            }
            for course in courses { courseArticle(course, answerSets: outcomes.filter { $0.instrument == course.instrument }) }
            if !unknown.isEmpty {
                HTML.element("h3") { "Answer sets of instrument versions this Myolog does not know" }
                HTML.table(["When", "Instrument", "Context", "Answers", "Note", "By"], unknown.map { outcome in
                    let payload = outcome.entry.payload
                    return [siteClock.minute(outcome.entry.occurredAt), "\(payload.instrument) v\(payload.version) (not scored)", payload.context, Self.answerText(payload.answers),
                            payload.note ?? "–", ReportAuthor.named(outcome.entry.author, role: outcome.entry.authorRole) + Self.marks(outcome.entry)]
                }, caption: "Kept as recorded; scored once this Myolog knows their version", id: "outcome-unknown-table")
            }
        }
    }

    func courseArticle(_ course: OutcomeCourse, answerSets: [OutcomeView]) -> HTML {
        let instrument = course.instrument
        let rule = instrument.scores.first { $0.id == course.changeScore } ?? instrument.primary
        let chart = OutcomeChart(instrument: instrument, answerSets: answerSets, baseline: course.baseline.entry.eventId, comparable: course.comparable, clock: siteClock)
        let id = "outcome-\(instrument.id)-v\(instrument.version)"
        return .element("article", ["class": "outcome-course", "id": id, "data-instrument": instrument.id, "data-version": "\(instrument.version)"]) {
            HTML.element("h3") { "\(instrument.name) (\(instrument.abbreviation) v\(instrument.version))" }
            summary(course, rule)
            if let threshold = instrument.change?.threshold {
                HTML.element("p", ["class": "muted"]) {
                    "\(threshold.kind) \(threshold.value.points.text(decimals: 1)) points"
                        + (threshold.value.singleItemPoints.map { " (\($0.text(decimals: 1)) for a single activity)" } ?? "") + ": \(threshold.value.source)"
                }
            } else if !instrument.bands.isEmpty {
                HTML.element("p", ["class": "muted"]) { "A risk band for matching treatment, not a score to trend against an MCID: the chart shows the score in steps, each answer set labelled with its band." }
            }
            HTML.element("figure") { chart.svg }
            answerSetTable(answerSets, instrument: instrument, id: "\(id)-table")
        }
    }

    /// `Baseline 22.0/50 points (2026-11-01) → latest 12.0/50 points (2026-12-13), 3 answer
    /// sets: change −10.0 points, reaches the MCID (7.5). Reassessment due 2027-01-10.`
    func summary(_ course: OutcomeCourse, _ rule: Instrument.ScoreRule) -> HTML {
        let instrument = course.instrument
        func reading(_ outcome: OutcomeView) -> String {
            outcome.scores?.values[rule.id].map { OutcomeChart.reading($0.text(decimals: rule.decimals), rule) } ?? "not scored"
        }
        func band(_ outcome: OutcomeView) -> String { outcome.scores?.band.map { ", \($0.label)" } ?? "" }
        let threshold = instrument.change?.threshold
        return .element("p", ["class": "outcome-summary"]) {
            "Baseline \(reading(course.baseline))\(band(course.baseline)) (\(siteClock.day(course.baseline.entry.occurredAt)))"
            if course.latest.entry.eventId == course.baseline.entry.eventId {
                ": no reassessment yet. "
            } else {
                " → latest \(reading(course.latest))\(band(course.latest)) (\(siteClock.day(course.latest.entry.occurredAt))), \(course.count) answer sets: "
                if let change = course.change {
                    "change \(change > ExactScore(0) ? "+" : "")\(change.text(decimals: rule.decimals)) points, "
                    if let reached = course.reached, let threshold {
                        HTML.element("strong", ["class": reached ? "reached" : "not-reached"]) {
                            "\(reached ? "reaches" : "does not reach") the \(threshold.kind) (\(threshold.value.points.text(decimals: 1)))"
                        }
                        (course.improvement.map { $0 < ExactScore(0) ? " (worse than at baseline)" : "" } ?? "") + ". "
                    } else {
                        "no MCID or MDC to judge it by. "
                    }
                } else if !course.comparable {
                    "not compared: the latest names other activities than the baseline. "
                } else {
                    "no change can be computed (an answer set is not scored). "
                }
            }
            if let due = course.reassessmentDue {
                "Reassessment due \(siteClock.day(due)) (every \(instrument.reassessEveryDays) days)."
            } else {
                "Closed by a discharge answer set."
            }
        }
    }

    /// Every answer set of one instrument version, oldest first: each score, the band, the
    /// activities with their ratings (or the items' answers), the note, and who with the marks.
    func answerSetTable(_ answerSets: [OutcomeView], instrument: Instrument, id: String) -> HTML {
        let headings = ["When", "Context"] + instrument.scores.map(\.label) + (instrument.bands.isEmpty ? [] : ["Band"])
            + [instrument.activities == nil ? "Answers" : "Activities (0–\(instrument.activities!.range.upperBound))", "Note", "By"]
        return .element("table", ["class": "outcome-table", "id": id]) {
            HTML.element("caption", ["class": "muted"]) { "Every \(instrument.abbreviation) v\(instrument.version) answer set, oldest first (the chart's points)" }
            HTML.element("thead") { HTML.row(headings, header: true) }
            HTML.element("tbody") {
                for outcome in answerSets {
                    let entry = outcome.entry, scores = outcome.scores
                    HTML.element("tr", ["data-event": entry.eventId.rawValue, "data-context": entry.payload.context]) {
                        HTML.element("td") { siteClock.minute(entry.occurredAt) }
                        HTML.element("td") { Vocabularies.outcomeContexts.term(id: entry.payload.context)?.display ?? entry.payload.context }
                        for (index, rule) in instrument.scores.enumerated() {
                            HTML.element("td", ["data-score": rule.id]) {
                                if let value = scores?.values[rule.id] {
                                    OutcomeChart.reading(value.text(decimals: rule.decimals), rule)
                                } else {
                                    index == 0 ? "not scored: \(scores?.unscored ?? "incomplete")" : "–"
                                }
                            }
                        }
                        if !instrument.bands.isEmpty { HTML.element("td") { scores?.band?.label ?? "–" } }
                        HTML.element("td", ["class": "note"]) {
                            if let activities = entry.payload.activities {
                                zip(activities, entry.payload.answers).map { "\($0): \($1.map(String.init) ?? "–")" }.joined(separator: "\n")
                            } else {
                                Self.answerText(entry.payload.answers)
                            }
                        }
                        HTML.element("td", ["class": "note"]) { entry.payload.note ?? "–" }
                        HTML.element("td") { ReportAuthor.named(entry.author, role: entry.authorRole) + Self.marks(entry) }
                    }
                }
            }
        }
    }

    /// `2,3,1,0,–`: the answers in item order, a skipped item as a dash.
    static func answerText(_ answers: [Int?]) -> String { answers.map { $0.map(String.init) ?? "–" }.joined(separator: ",") }

    /// The marks an entry carries, in words, as the report's other tables show them (the
    /// timeline and the visit's list say who, when and why).
    static func marks(_ entry: EntryView<OutcomeRecorded>) -> String {
        var marks: [String] = []
        if !entry.correctedBy.isEmpty { marks.append(" (corrected: see the timeline)") }
        if !entry.addenda.isEmpty { marks.append(" (addendum after sign-off: see its visit)") }
        if entry.lateEntry != nil { marks.append(" (late entry)") }
        if entry.isAwaitingCoSignature { marks.append(" (awaiting co-signature)") }
        return marks.joined()
    }
}
