import ClinicalEvents
import EventLog
import Projections

/// `myolog show` for people, drawn from the same JSON document scripts get.
enum ShowRendering {
    static func text(_ view: JSONValue) -> String {
        let doc = view.objectValue ?? [:]
        let details = doc["details"]?.objectValue ?? [:]
        func detail(_ key: String) -> String { details[key]?.stringValue ?? "-" }
        func term(_ vocabulary: Vocabulary, _ value: JSONValue?) -> String {
            guard let id = value?.stringValue else { return "-" }
            return vocabulary.term(id: id)?.display ?? id
        }
        var out = "\(detail("name"))  born \(detail("dateOfBirth"))  [\(doc["patientId"]?.stringValue ?? "")]\n"
        out += "phone \(detail("phone"))   email \(detail("email"))   address \(detail("address"))\n"
        out += "last visit \(doc["lastVisit"]?.stringValue.map { String($0.prefix(10)) } ?? "none")\n"
        for conflict in doc["conflicts"]?.arrayValue ?? [] {
            let values = (conflict.objectValue?["values"]?.arrayValue ?? []).compactMap(\.objectValue)
                .map { "\($0["value"]?.stringValue ?? "(removed)") by \($0["author"]?.stringValue ?? "?")" }
            out += "! conflict in \(conflict.objectValue?["field"]?.stringValue ?? "?"): \(values.joined(separator: " vs ")) — `myolog conflicts`\n"
        }

        out += "\nHistory\n"
        let history = doc["history"]?.objectValue ?? [:]
        for kind in Vocabularies.historyKinds.terms {
            let entries = (history[kind.id]?.arrayValue ?? []).compactMap(\.objectValue)
            guard !entries.isEmpty else { continue }
            out += "  \(kind.display)\n"
            for entry in entries {
                let date = entry["date"]?.stringValue.map { " (\($0))" } ?? ""
                let ergonomics = entry["ergonomics"]?.stringValue.map { "\n      ergonomics: \($0)" } ?? ""
                out += "    - \(entry["text"]?.stringValue ?? "")\(date)\(ergonomics)\n"
            }
        }

        // Active (spontaneously painful) and latent (painful only when pressed) apart: a clinician
        // reads them differently. Resolved ones are in the timeline, not here.
        for (key, title) in [("activeTriggerPoints", "Active trigger points"), ("latentTriggerPoints", "Latent trigger points")] {
            let triggerPoints = (doc[key]?.arrayValue ?? []).compactMap(\.objectValue)
            out += "\n\(title) (\(triggerPoints.count))\n"
            if !triggerPoints.isEmpty {
                var table = TextTable(["  MUSCLE", "SIDE", "REFERS TO", "FOUND"])
                for tp in triggerPoints {
                    table.add(["  " + term(Vocabularies.muscles, tp["muscle"]), tp["side"]?.stringValue ?? "",
                               tp["referral"] == nil ? "-" : term(Vocabularies.bodyRegions, tp["referral"]), String(tp["occurredAt"]?.stringValue?.prefix(10) ?? "")])
                }
                out += table.rendered
            }
        }

        let techniques = (doc["techniques"]?.arrayValue ?? []).compactMap(\.objectValue)
        out += "\nTechniques applied, recent first (\(techniques.count))\n"
        if !techniques.isEmpty {
            var table = TextTable(["  DATE", "TECHNIQUE", "REGION", "MIN"])
            for t in techniques {
                table.add(["  " + String(t["occurredAt"]?.stringValue?.prefix(10) ?? ""), term(Vocabularies.techniques, t["technique"]),
                           term(Vocabularies.bodyRegions, t["region"]), t["minutes"]?.intValue.map(String.init) ?? "-"])
            }
            out += table.rendered
        }

        let scores = (doc["painScores"]?.arrayValue ?? []).compactMap(\.objectValue)
        out += "\nPain (0–10)\n"
        if let trend = doc["painTrend"]?.objectValue, let first = trend["first"]?.intValue, let latest = trend["latest"]?.intValue {
            let values = scores.compactMap { $0["score"]?.intValue }
            let change = trend["change"]?.intValue ?? 0
            let meaningful = trend["clinicallyMeaningful"] == .bool(true)
            out += "  \(PainTrend.sparkline(values))  first \(first), latest \(latest), best \(trend["best"]?.intValue ?? 0), worst \(trend["worst"]?.intValue ?? 0), change \(change > 0 ? "+" : "")\(change)"
            out += meaningful ? "  — clinically meaningful improvement\n" : "  — not a clinically meaningful improvement\n"
            var table = TextTable(["  DATE", "SCORE", "REGION", "CONTEXT"])
            for s in scores {
                table.add(["  " + String(s["occurredAt"]?.stringValue?.prefix(16).replacingOccurrences(of: "T", with: " ") ?? ""), "\(s["score"]?.intValue ?? 0)/10",
                           term(Vocabularies.bodyRegions, s["region"]), s["context"]?.stringValue ?? ""])
            }
            out += table.rendered
        } else {
            out += "  no pain scores recorded\n"
        }
        return out
    }
}

