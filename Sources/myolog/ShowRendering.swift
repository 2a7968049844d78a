import ClinicalEvents
import EventLog
import ClinicalFold
import Projections
import EventModel

/// `myolog show` for people, drawn from the same view scripts get as JSON.
///
/// Every time is read on the site's clock (days for dates, minutes for times) and the zone is
/// named once, last. Every text a person typed is shown so that it cannot imitate a line of its
/// own (``VisibleText``): values on one line, notes with their continuation lines marked. A value
/// a correction changed carries ``correctedMark``, and the lines under its entry say who
/// corrected it, when and why.
struct ShowRendering {
    /// The site's clock.
    let clock: SiteClock

    /// How many visits `show` lists unless asked for all (`--all`).
    static let recentVisits = 3
    /// What follows a value a correction changed.
    static let correctedMark = "†"

    /// The whole screen; `allVisits` lists every visit instead of the ``recentVisits`` latest.
    static func text(_ view: PatientView, clock: SiteClock, allVisits: Bool = false) -> String {
        let show = ShowRendering(clock: clock)
        return show.precautions(view) + show.patient(view) + show.history(view) + show.consents(view) + show.adverseEvents(view)
            + show.visits(view, all: allVisits) + show.treatmentNotesOutsideVisits(view) + show.triggerPoints(view) + show.techniques(view)
            + show.measurements(view) + show.outcomes(view, now: .now()) + show.pain(view) + "\n\(clock.label())\n"
    }

    func term(_ vocabulary: Vocabulary, _ id: String?) -> String {
        guard let id else { return "-" }
        return vocabulary.term(id: id)?.display ?? id
    }

    func day(_ time: Timestamp) -> String { clock.day(time).description }

    func field(_ text: String?) -> String { text.map(VisibleText.escaped) ?? "-" }

    /// `text`, marked when a correction changed `member` of `entry`.
    func marked<Payload>(_ text: String, _ entry: EntryView<Payload>, _ member: String) -> String {
        entry.isCorrected(member) ? text + Self.correctedMark : text
    }

    /// A note on a line of its own under its entry: `label: text`, continuation lines marked.
    func note(_ label: String, _ text: String?, indent: String) -> String {
        guard let text else { return "" }
        return "\(indent)\(label): \(VisibleText.indented(text, indent: indent + "  "))\n"
    }

    /// One line per correction of `entry`: which members, who, when (local), why; then its
    /// marks (late entry, addenda, co-signature: ``marks(_:indent:)``).
    func corrections<Payload>(_ entry: EntryView<Payload>, indent: String) -> String {
        entry.corrections.map { correction in
            "\(indent)\(Self.correctedMark) \(correction.fields.joined(separator: ", ")) corrected by \(VisibleText.escaped(correction.author)) on "
                + "\(clock.minute(correction.recordedAt)) — \(VisibleText.indented(correction.reason, indent: indent + "  "))\n"
        }.joined() + marks(entry, indent: indent)
    }

    /// A table whose rows may each have lines under them (notes, corrections).
    func table(_ header: [String], _ rows: [(cells: [String], below: String)]) -> String {
        var table = TextTable(header)
        for row in rows { table.add(row.cells) }
        // Cells are one line each (TextTable escapes them): line i + 1 is row i.
        let lines = table.rendered.split(separator: "\n", omittingEmptySubsequences: false)
        var out = String(lines[0]) + "\n"
        for (index, row) in rows.enumerated() { out += lines[index + 1] + "\n" + row.below }
        return out
    }

    func patient(_ view: PatientView) -> String {
        let details = view.details
        var out = "\(field(details.name))  born \(field(details.dateOfBirth))  [\(view.patientId)]\n"
        out += "phone \(field(details.phone))   email \(field(details.email))   address \(field(details.address))\n"
        out += "last visit \(view.lastVisit.map(day) ?? "none")\n"
        for conflict in view.conflicts {
            let values = conflict.values.map { "\($0.value.map(VisibleText.escaped) ?? "(removed)") by \(VisibleText.escaped($0.author))" }
            out += "! conflict in \(conflict.field): \(values.joined(separator: " vs ")) — `myolog conflicts`\n"
        }
        return out
    }

    func history(_ view: PatientView) -> String {
        var out = "\nHistory\n"
        for kind in Vocabularies.historyKinds.terms {
            let entries = view.history(kind.id)
            guard !entries.isEmpty else { continue }
            out += "  \(kind.display)\n"
            for entry in entries {
                let payload = entry.payload
                let date = payload.date.map { " (\(marked(VisibleText.escaped($0), entry, "date")))" } ?? ""
                out += "    - \(marked(VisibleText.indented(payload.text, indent: "      "), entry, "text"))\(date)\n"
                if let ergonomics = payload.ergonomics {
                    out += note(marked("ergonomics", entry, "ergonomics"), ergonomics, indent: "      ")
                }
                out += corrections(entry, indent: "      ")
            }
        }
        return out
    }

    /// Active (spontaneously painful) and latent (painful only when pressed) apart: a clinician
    /// reads them differently. Resolved ones are under their visits and in the timeline.
    func triggerPoints(_ view: PatientView) -> String {
        var out = ""
        for (triggerPoints, title) in [(view.activeTriggerPoints, "Active trigger points"), (view.latentTriggerPoints, "Latent trigger points")] {
            out += "\n\(title) (\(triggerPoints.count))\n"
            guard !triggerPoints.isEmpty else { continue }
            out += table(["  MUSCLE", "SIDE", "REFERS TO", "FOUND"], triggerPoints.map { tp in
                (["  " + marked(term(Vocabularies.muscles, tp.payload.muscle), tp, "muscle"), marked(tp.payload.side, tp, "side"),
                  marked(term(Vocabularies.bodyRegions, tp.payload.referral), tp, "referral"), day(tp.occurredAt)],
                 note(marked("note", tp, "note"), tp.payload.note, indent: "    ") + corrections(tp, indent: "    "))
            })
        }
        return out
    }

    func techniques(_ view: PatientView) -> String {
        var out = "\nTechniques applied, recent first (\(view.techniques.count))\n"
        guard !view.techniques.isEmpty else { return out }
        out += table(["  DATE", "TECHNIQUE", "REGION", "MIN"], view.techniques.map { t in
            (["  " + day(t.occurredAt), marked(term(Vocabularies.techniques, t.payload.technique), t, "technique"),
              marked(term(Vocabularies.bodyRegions, t.payload.region), t, "region"), marked(t.payload.minutes.map(String.init) ?? "-", t, "minutes")],
             techniqueDetails(t, view: view, indent: "    "))
        })
        return out
    }

    func pain(_ view: PatientView) -> String {
        var out = "\nPain (0–10)\n"
        guard let trend = view.painTrend else { return out + "  no pain scores recorded\n" }
        out += "  \(PainTrend.sparkline(view.painScores.map(\.payload.score)))  first \(trend.first), latest \(trend.latest), best \(trend.best), worst \(trend.worst), change \(trend.change > 0 ? "+" : "")\(trend.change)"
        out += trend.clinicallyMeaningful ? "  — clinically meaningful improvement\n" : "  — not a clinically meaningful improvement\n"
        out += table(["  TAKEN", "SCORE", "REGION", "CONTEXT"], view.painScores.map { s in
            (["  " + clock.minute(s.occurredAt), marked("\(s.payload.score)/10", s, "score"), marked(term(Vocabularies.bodyRegions, s.payload.region), s, "region"),
              marked(s.payload.context, s, "context")],
             corrections(s, indent: "    "))
        })
        return out
    }
}
