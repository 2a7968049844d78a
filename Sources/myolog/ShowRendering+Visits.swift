import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel

extension ShowRendering {
    /// The visits, newest first, each with what was recorded during it; the latest
    /// ``recentVisits`` unless `all`, saying how many are left out and how to see them.
    func visits(_ view: PatientView, all: Bool) -> String {
        let summaries = view.visitSummaries
        let shown = all ? summaries : Array(summaries.prefix(Self.recentVisits))
        var out = "\nVisits, newest first (\(summaries.count))\n"
        if summaries.isEmpty { return out + "  no visits recorded\n" }
        for summary in shown { out += visit(summary, view: view) }
        if shown.count < summaries.count {
            out += "  … the latest \(shown.count) of \(summaries.count) visits shown; `myolog show \(view.patientId.rawValue.prefix(8)) --all` lists them all\n"
        }
        return out
    }

    func visit(_ summary: VisitSummary, view: PatientView) -> String {
        let visit = summary.visit
        let reason = visit.payload.reason.map { marked(VisibleText.indented($0, indent: "    "), visit, "reason") } ?? "(no reason recorded)"
        var out = "  \(clock.minute(visit.occurredAt))  \(reason)\n"
        // Who ended it only when not who started it: usually one clinician sees the patient through.
        let ends = summary.ends.map { "ended \(clock.minute($0.occurredAt))" + ($0.author == visit.author ? "" : " by \(VisibleText.escaped($0.author))") }
        out += "    by \(AuditRendering.author(visit.author, role: visit.authorRole)); \(ends.isEmpty ? "still open" : ends.joined(separator: "; "))\n"
        out += signOff(visit, indent: "    ")
        out += corrections(visit, indent: "    ")

        let changes = summary.painChanges.map { change in
            func score(_ entry: EntryView<PainScoreRecorded>?) -> String { entry.map { marked("\($0.payload.score)", $0, "score") } ?? "–" }
            return "\(term(Vocabularies.bodyRegions, change.region)) \(score(change.before)) → \(score(change.after))"
        }
        out += "    pain before → after: \(changes.isEmpty ? "not scored" : changes.joined(separator: "; "))\n"
        for change in summary.painChanges {
            for entry in [change.before, change.after].compactMap({ $0 }) { out += corrections(entry, indent: "      ") }
        }

        if !summary.techniques.isEmpty {
            out += "    techniques\n"
            for t in summary.techniques {
                let minutes = t.payload.minutes.map { ", " + marked("\($0) min", t, "minutes") } ?? ""
                out += "      \(marked(term(Vocabularies.techniques, t.payload.technique), t, "technique")), "
                    + "\(marked(term(Vocabularies.bodyRegions, t.payload.region), t, "region"))\(minutes)\n"
                out += techniqueDetails(t, view: view, indent: "        ")
            }
        }
        // Measurements carry their visit too; the view lists them apart (Measurements), and here
        // where the visit's story is read.
        let measurements = view.care.measurements.filter { $0.payload.visit == visit.eventId }
        if !measurements.isEmpty {
            out += "    measurements\n"
            for m in measurements {
                out += "      \(measurement(m))\n" + note(marked("note", m, "note"), m.payload.note, indent: "        ") + corrections(m, indent: "        ")
            }
        }
        // Outcome measures answered at the visit, likewise: here with their notes, and apart in
        // Outcome measures with their course.
        let outcomes = view.care.outcomes.filter { $0.entry.payload.visit == visit.eventId }
        if !outcomes.isEmpty {
            out += "    outcome measures\n"
            for outcome in outcomes {
                let entry = outcome.entry
                out += "      \(entry.payload.knownInstrument?.abbreviation ?? entry.payload.instrument) (\(marked(entry.payload.context, entry, "context"))): \(scoreCell(outcome))\n"
                    + note(marked("note", entry, "note"), entry.payload.note, indent: "        ") + corrections(entry, indent: "        ")
            }
        }
        if !summary.findings.isEmpty {
            out += "    trigger points found\n"
            for course in summary.findings {
                let resolution = course.resolution.map { " — resolved \(day($0.occurredAt))" } ?? ""
                out += "      \(triggerPoint(course.found))\(resolution)\n"
                out += note(marked("note", course.found, "note"), course.found.payload.note, indent: "        ") + corrections(course.found, indent: "        ")
                // A resolution recorded at no visit, or at this one, has no other place to show its note.
                if let resolution = course.resolution, resolution.payload.visit == nil || resolution.payload.visit == visit.eventId {
                    out += note(marked("resolution note", resolution, "note"), resolution.payload.note, indent: "        ")
                    out += corrections(resolution, indent: "        ")
                }
            }
        }
        if !summary.resolved.isEmpty {
            out += "    trigger points resolved\n"
            for course in summary.resolved {
                out += "      \(triggerPoint(course.found)) (found \(day(course.found.occurredAt)))\n"
                if let resolution = course.resolution {
                    out += note(marked("note", resolution, "note"), resolution.payload.note, indent: "        ") + corrections(resolution, indent: "        ")
                }
            }
        }
        for note in summary.treatmentNotes { out += treatmentNote(note, indent: "    ") }
        for end in summary.ends {
            out += note(marked("advice and plan", end, "note"), end.payload.note, indent: "    ") + corrections(end, indent: "    ")
        }
        return out
    }

    /// `active, right Upper trapezius, refers to Head`, each corrected member marked.
    func triggerPoint(_ tp: EntryView<TriggerPointFound>) -> String {
        let referral = tp.payload.referral.map { ", refers to " + marked(term(Vocabularies.bodyRegions, $0), tp, "referral") } ?? ""
        return "\(marked(tp.payload.status, tp, "status")), \(marked(tp.payload.side, tp, "side")) \(marked(term(Vocabularies.muscles, tp.payload.muscle), tp, "muscle"))\(referral)"
    }
}
