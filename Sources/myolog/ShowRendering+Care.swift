import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel

extension ShowRendering {
    /// Active precautions, first on the screen and every line flagged `!!`: a clinician about to
    /// needle a patient on warfarin reads it before anything else. Nothing when there are none.
    func precautions(_ view: PatientView) -> String {
        let precautions = view.care.activePrecautions
        guard !precautions.isEmpty else { return "" }
        var out = "!! ACTIVE PRECAUTIONS (\(precautions.count)) — read before treating\n"
        for precaution in precautions {
            let note = precaution.payload.note.map { " — " + marked(VisibleText.indented($0, indent: "!!   "), precaution, "note") } ?? ""
            out += "!!   \(marked(term(Vocabularies.precautionKinds, precaution.payload.kind), precaution, "kind"))"
                + " (recorded \(day(precaution.occurredAt)) by \(AuditRendering.author(precaution.author, role: precaution.authorRole)))\(note)\n"
            out += corrections(precaution, indent: "!!     ")
        }
        return out + "\n"
    }

    /// The consent decision that stands for each technique; a withdrawn one says so in capitals.
    func consents(_ view: PatientView) -> String {
        let consents = view.care.consents
        var out = "\nConsent (\(consents.count))\n"
        guard !consents.isEmpty else { return out + "  no consent recorded\n" }
        out += table(["  TECHNIQUE", "DECISION", "FORM", "DATE"], consents.map { c in
            (["  " + term(Vocabularies.techniques, c.payload.technique), marked(c.payload.isGiven ? "given" : "WITHDRAWN", c, "decision"),
              marked(c.payload.form ?? "-", c, "form"), day(c.occurredAt)],
             note(marked("risks explained", c, "risks"), c.payload.risks, indent: "    ") + note(marked("note", c, "note"), c.payload.note, indent: "    ")
                + corrections(c, indent: "    "))
        })
        return out
    }

    /// Adverse events, each flagged `!`, with the technique entry it followed.
    func adverseEvents(_ view: PatientView) -> String {
        let events = view.care.adverseEvents
        guard !events.isEmpty else { return "" }
        var out = "\nAdverse events (\(events.count))\n"
        for adverse in events {
            let event = adverse.event
            let after = adverse.technique.map { t in
                "\(term(Vocabularies.techniques, t.payload.technique)), \(term(Vocabularies.bodyRegions, t.payload.region)) (\(clock.minute(t.occurredAt)))"
            } ?? "a technique entry since retracted [\(event.payload.after)]"
            out += "  ! \(clock.minute(event.occurredAt))  \(marked(event.payload.severity, event, "severity")) "
                + "\(marked(term(Vocabularies.adverseEventKinds, event.payload.kind), event, "kind")) after \(after)\n"
            out += note(marked("note", event, "note"), event.payload.note, indent: "      ") + corrections(event, indent: "      ")
        }
        return out
    }

    /// Objective tests: test, side, value and unit (or a special test's result).
    func measurements(_ view: PatientView) -> String {
        let measurements = view.care.measurements
        guard !measurements.isEmpty else { return "" }
        var out = "\nMeasurements (\(measurements.count))\n"
        out += table(["  TAKEN", "TEST", "SIDE", "RESULT"], measurements.map { m in
            let changed = ["value", "unit", "result"].contains { m.isCorrected($0) }
            return (["  " + clock.minute(m.occurredAt), marked(term(Vocabularies.measurementTests, m.payload.test), m, "test"), marked(m.payload.side ?? "-", m, "side"),
                     m.payload.reading + (changed ? Self.correctedMark : "")],
                    note(marked("note", m, "note"), m.payload.note, indent: "    ") + corrections(m, indent: "    "))
        })
        return out
    }

    /// A treatment note's sections, each on its own line: `subjective: …`.
    func treatmentNote(_ note: EntryView<TreatmentNoteRecorded>, indent: String) -> String {
        var out = "\(indent)treatment note, \(clock.minute(note.occurredAt)) by \(AuditRendering.author(note.author, role: note.authorRole))\n"
        for (section, text) in note.payload.sectionTexts { out += self.note(marked(section, note, section), text, indent: indent + "  ") }
        return out + corrections(note, indent: indent + "  ")
    }

    /// Treatment notes written at no visit (the rest are under their visits).
    func treatmentNotesOutsideVisits(_ view: PatientView) -> String {
        let visits = Set(view.visits.map(\.eventId))
        let outside = view.care.treatmentNotes.filter { note in note.payload.visit.map { !visits.contains($0) } ?? true }
        guard !outside.isEmpty else { return "" }
        return "\nTreatment notes at no visit (\(outside.count))\n" + outside.map { treatmentNote($0, indent: "  ") }.joined()
    }

    /// A dry-needling entry's details (`2 needles, 0.25 mm, 15 mm deep, twitch`), nil when none.
    func needling(_ t: EntryView<TechniqueApplied>) -> String? {
        let p = t.payload
        guard p.hasNeedlingDetails else { return nil }
        var details: [String] = []
        if let needles = p.needles { details.append(marked(needles == 1 ? "1 needle" : "\(needles) needles", t, "needles")) }
        if let gauge = p.gauge { details.append(marked("\(gauge) mm", t, "gauge")) }
        if let depth = p.depthMm { details.append(marked("\(depth) mm deep", t, "depthMm")) }
        if let twitch = p.twitch { details.append(marked(twitch ? "twitch" : "no twitch", t, "twitch")) }
        return details.joined(separator: ", ")
    }

    /// The lines under a technique: needling details, the precautions acknowledged (by kind while
    /// active), its note and its corrections.
    func techniqueDetails(_ t: EntryView<TechniqueApplied>, view: PatientView, indent: String) -> String {
        var out = needling(t).map { "\(indent)needling: \($0)\n" } ?? ""
        if let acknowledged = t.payload.acknowledgedPrecautions, !acknowledged.isEmpty {
            let kinds = Dictionary(view.care.activePrecautions.map { ($0.eventId, term(Vocabularies.precautionKinds, $0.payload.kind)) }, uniquingKeysWith: { a, _ in a })
            out += "\(indent)! precaution acknowledged: \(acknowledged.map { kinds[$0] ?? "resolved since [\($0)]" }.joined(separator: ", "))\n"
        }
        for adverse in view.care.adverseEvents where adverse.event.payload.after == t.eventId {
            out += "\(indent)! adverse event \(clock.minute(adverse.event.occurredAt)): \(adverse.event.payload.severity) "
                + "\(term(Vocabularies.adverseEventKinds, adverse.event.payload.kind))\n"
        }
        return out + note(marked("note", t, "note"), t.payload.note, indent: indent) + corrections(t, indent: indent)
    }

    /// A measurement on one line: `Cervical rotation, left: 60 deg`, corrected members marked.
    func measurement(_ m: EntryView<MeasurementRecorded>) -> String {
        let side = m.payload.side.map { ", " + marked($0, m, "side") } ?? ""
        let changed = ["value", "unit", "result"].contains { m.isCorrected($0) }
        return "\(marked(term(Vocabularies.measurementTests, m.payload.test), m, "test"))\(side): \(m.payload.reading)\(changed ? Self.correctedMark : "")"
    }
}
