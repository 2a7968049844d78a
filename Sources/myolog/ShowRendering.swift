import ClinicalEvents
import EventLog
import ClinicalFold
import Projections
import EventModel

/// `myolog show` for people, drawn from the same view scripts get as JSON.
enum ShowRendering {
    static func text(_ view: PatientView) -> String {
        let details = view.details
        func term(_ vocabulary: Vocabulary, _ id: String?) -> String {
            guard let id else { return "-" }
            return vocabulary.term(id: id)?.display ?? id
        }
        func day(_ time: Timestamp) -> String { String(time.description.prefix(10)) }
        // Every text a person typed is shown so that it cannot imitate a line of its own
        // (``VisibleText``): details on one line, notes with their continuation lines marked.
        func field(_ text: String?) -> String { text.map(VisibleText.escaped) ?? "-" }
        var out = "\(field(details.name))  born \(field(details.dateOfBirth))  [\(view.patientId)]\n"
        out += "phone \(field(details.phone))   email \(field(details.email))   address \(field(details.address))\n"
        out += "last visit \(view.lastVisit.map(day) ?? "none")\n"
        for conflict in view.conflicts {
            let values = conflict.values.map { "\($0.value.map(VisibleText.escaped) ?? "(removed)") by \(VisibleText.escaped($0.author))" }
            out += "! conflict in \(conflict.field): \(values.joined(separator: " vs ")) — `myolog conflicts`\n"
        }

        out += "\nHistory\n"
        for kind in Vocabularies.historyKinds.terms {
            let entries = view.history(kind.id)
            guard !entries.isEmpty else { continue }
            out += "  \(kind.display)\n"
            for entry in entries.map(\.payload) {
                let date = entry.date.map { " (\($0))" } ?? ""
                let ergonomics = entry.ergonomics.map { "\n      ergonomics: \(VisibleText.indented($0, indent: "      "))" } ?? ""
                out += "    - \(VisibleText.indented(entry.text, indent: "      "))\(VisibleText.escaped(date))\(ergonomics)\n"
            }
        }

        // Active (spontaneously painful) and latent (painful only when pressed) apart: a clinician
        // reads them differently. Resolved ones are in the timeline, not here.
        for (triggerPoints, title) in [(view.activeTriggerPoints, "Active trigger points"), (view.latentTriggerPoints, "Latent trigger points")] {
            out += "\n\(title) (\(triggerPoints.count))\n"
            if !triggerPoints.isEmpty {
                var table = TextTable(["  MUSCLE", "SIDE", "REFERS TO", "FOUND"])
                for tp in triggerPoints {
                    table.add(["  " + term(Vocabularies.muscles, tp.payload.muscle), tp.payload.side, term(Vocabularies.bodyRegions, tp.payload.referral), day(tp.occurredAt)])
                }
                out += table.rendered
            }
        }

        out += "\nTechniques applied, recent first (\(view.techniques.count))\n"
        if !view.techniques.isEmpty {
            var table = TextTable(["  DATE", "TECHNIQUE", "REGION", "MIN"])
            for t in view.techniques {
                table.add(["  " + day(t.occurredAt), term(Vocabularies.techniques, t.payload.technique), term(Vocabularies.bodyRegions, t.payload.region),
                           t.payload.minutes.map(String.init) ?? "-"])
            }
            out += table.rendered
        }

        out += "\nPain (0–10)\n"
        if let trend = view.painTrend {
            out += "  \(PainTrend.sparkline(view.painScores.map(\.payload.score)))  first \(trend.first), latest \(trend.latest), best \(trend.best), worst \(trend.worst), change \(trend.change > 0 ? "+" : "")\(trend.change)"
            out += trend.clinicallyMeaningful ? "  — clinically meaningful improvement\n" : "  — not a clinically meaningful improvement\n"
            var table = TextTable(["  DATE", "SCORE", "REGION", "CONTEXT"])
            for s in view.painScores {
                table.add(["  " + String(s.occurredAt.description.prefix(16)).replacingOccurrences(of: "T", with: " "), "\(s.payload.score)/10",
                           term(Vocabularies.bodyRegions, s.payload.region), s.payload.context])
            }
            out += table.rendered
        } else {
            out += "  no pain scores recorded\n"
        }
        return out
    }
}
