import ClinicalEvents
import ClinicalFold
import EventModel

extension ShowRendering {
    /// Outcome measures: per instrument version, the course from baseline (change, the MCID or
    /// MDC reached or not, when a reassessment is due, in capitals once it is), then every answer
    /// set with its scores, answers, note and corrections. Nothing when none were recorded.
    func outcomes(_ view: PatientView, now: Timestamp) -> String {
        let outcomes = view.care.outcomes
        guard !outcomes.isEmpty else { return "" }
        var out = "\nOutcome measures (\(outcomes.count))\n"
        for course in view.care.outcomeCourses {
            out += "  \(course.instrument.abbreviation) v\(course.instrument.version) — \(course.instrument.name)"
                + " (\(course.instrument.primary.higherIsBetter ? "higher is better" : "higher is worse"))\n"
            out += "    \(courseLine(course, now: now))\n"
            let single = course.instrument.change?.threshold?.value.singleItemPoints.map { "\(course.instrument.change!.threshold!.kind) \($0.text(decimals: 0))" }
            for change in course.activityChanges {
                let difference = change.latest - change.baseline
                let verdict = change.reached.map { reached in single.map { ", \($0) \(reached ? "reached" : "not reached")" } ?? "" } ?? ""
                out += "      \(VisibleText.escaped(change.activity)) \(change.baseline) → \(change.latest) (\(difference >= 0 ? "+" : "")\(difference)\(verdict))\n"
            }
        }
        out += table(["  ANSWERED", "INSTRUMENT", "CONTEXT", "SCORE", "ANSWERS"], outcomes.map { outcome in
            let entry = outcome.entry
            return (["  " + clock.minute(entry.occurredAt), "\(entry.payload.knownInstrument?.abbreviation ?? entry.payload.instrument) v\(entry.payload.version)",
                     marked(entry.payload.context, entry, "context"), scoreCell(outcome), marked(answers(entry.payload), entry, entry.payload.activities == nil ? "answers" : "activities")],
                    note(marked("note", entry, "note"), entry.payload.note, indent: "    ") + corrections(entry, indent: "    "))
        })
        return out
    }

    /// `baseline 2026-11-01 20.0 → 2026-11-20 9.0 points: 11.0 better, MCID 7.5 reached; reassessment due 2026-12-18`.
    func courseLine(_ course: OutcomeCourse, now: Timestamp) -> String {
        let rule = course.instrument.scores.first { $0.id == course.changeScore } ?? course.instrument.primary
        func score(_ outcome: OutcomeView) -> String { outcome.scores?.values[rule.id]?.text(decimals: rule.decimals) ?? "not scored" }
        var line = "\(course.baseline.entry.payload.context == "baseline" ? "baseline" : "first") \(day(course.baseline.entry.occurredAt)) \(score(course.baseline))"
        if course.latest.entry.eventId != course.baseline.entry.eventId {
            line += " → \(day(course.latest.entry.occurredAt)) \(score(course.latest))"
        }
        line += "/\(rule.range.upperBound)" + (rule.unit.map { " \($0)" } ?? "")
        if let band = course.latest.scores?.band {
            let first = course.baseline.scores?.band
            line += first.map { $0.id == band.id ? "; \(band.label)" : "; \($0.label) → \(band.label)" } ?? "; \(band.label)"
        }
        if let improvement = course.improvement, let threshold = course.instrument.change?.threshold {
            let size = (improvement < ExactScore(0) ? -improvement : improvement).text(decimals: rule.decimals)
            let direction = improvement == ExactScore(0) ? "no change" : improvement > ExactScore(0) ? "\(size) better" : "\(size) WORSE"
            line += ": \(direction), \(threshold.kind) \(threshold.value.points.text(decimals: 1)) \(course.reached == true ? "reached" : "not reached")"
        } else if course.latest.entry.eventId == course.baseline.entry.eventId {
            line += ": no reassessment yet"
        } else if !course.comparable {
            line += ": other activities than at baseline, not compared"
        }
        if let due = course.reassessmentDue {
            line += due <= now ? "; REASSESSMENT DUE since \(day(due))" : "; reassessment due \(day(due))"
        } else {
            line += "; discharged"
        }
        return line
    }

    /// The score and subscales (`20.0`, `total 6; distress 4; medium`), or why there is none.
    func scoreCell(_ outcome: OutcomeView) -> String {
        guard outcome.instrument != nil else { return "not scored (unknown version)" }
        var parts = outcome.scoreTexts.enumerated().map { $0.offset == 0 ? $0.element.text : "\($0.element.label) \($0.element.text)" }
        if parts.isEmpty { parts.append("not scored: " + (outcome.scores?.unscored ?? "incomplete")) }
        if let band = outcome.scores?.band { parts.append(band.label) }
        return parts.joined(separator: "; ")
    }

    /// The answers as typed (`2,3,1,0,-`), or each activity with its rating.
    func answers(_ payload: OutcomeRecorded) -> String {
        if let activities = payload.activities {
            return zip(activities, payload.answers).map { "\(VisibleText.escaped($0))=\($1.map(String.init) ?? "-")" }.joined(separator: "; ")
        }
        return payload.answers.map { $0.map(String.init) ?? "-" }.joined(separator: ",")
    }
}
