import ClinicalEvents
import ClinicalFold
import EventModel

/// The report's records of care: the active precautions (at the top, before anything else a
/// clinician reads), then treatment notes by visit, consent decisions, adverse events (flagged)
/// and measurements. Times on ``PatientReport/siteClock``; every typed text a text node.
extension PatientReport {
    /// Each active precaution, with what it cautions or contraindicates (``PrecautionRules``);
    /// a plain line when there is none, so a reader knows the list was looked at, not left out.
    /// Resolved ones follow, muted, with when and why they were resolved.
    var precautionSection: HTML {
        let precautions = view.care.activePrecautions
        let active = Set(precautions.map(\.eventId))
        var resolutions: [EventID: EntryView<PrecautionResolved>] = [:]
        for entry in record.entries where !entry.isRetracted {
            if let resolution = entry.view(as: PrecautionResolved.self), resolutions[resolution.payload.precaution] == nil {
                resolutions[resolution.payload.precaution] = resolution
            }
        }
        let resolved = record.entries.filter { !$0.isRetracted }.compactMap { $0.view(as: PrecautionRecorded.self) }
            .filter { !active.contains($0.eventId) && resolutions[$0.eventId] != nil }
        return .element("section", ["id": "active-precautions", "class": precautions.isEmpty ? nil : "warning", "aria-label": "Active precautions"]) {
            HTML.element("h2") { precautions.isEmpty ? "Active precautions: none" : "ACTIVE PRECAUTIONS (\(precautions.count))" }
            if precautions.isEmpty {
                HTML.element("p", ["class": "muted"]) { "No active precaution is recorded for this patient." }
            } else {
                HTML.element("ul") {
                    for precaution in precautions {
                        HTML.element("li", ["data-event": precaution.eventId.rawValue, "data-kind": precaution.payload.kind]) {
                            HTML.element("strong") { Vocabularies.precautionKinds.term(id: precaution.payload.kind)?.display ?? precaution.payload.kind }
                            " — recorded \(siteClock.day(precaution.occurredAt)) by \(precaution.author)"
                            if let note = precaution.payload.note { noteText(note) }
                            let rules = PrecautionRules.rules.filter { $0.precaution == precaution.payload.kind }
                            if !rules.isEmpty {
                                HTML.element("br")
                                HTML.element("span", ["class": "rules"]) {
                                    rules.map { "\($0.level == .contraindication ? "contraindicates" : "cautions") \(techniqueName($0.technique).lowercased()) (\($0.reason))" }
                                        .joined(separator: "; ")
                                }
                            }
                        }
                    }
                }
            }
            if !resolved.isEmpty {
                HTML.element("p", ["class": "muted", "id": "resolved-precautions"]) {
                    "Resolved: " + resolved.map { precaution in
                        let resolution = resolutions[precaution.eventId]!
                        return "\(Vocabularies.precautionKinds.term(id: precaution.payload.kind)?.display ?? precaution.payload.kind) (resolved \(siteClock.day(resolution.occurredAt)) by \(resolution.author)"
                            + (resolution.payload.note.map { ": \($0)" } ?? "") + ")"
                    }.joined(separator: "; ")
                }
            }
        }
    }

    /// Treatment notes grouped by the visit they were written in (oldest first), then those
    /// written outside a visit; each note's four sections in SOAP order.
    var treatmentNoteSection: HTML {
        let notes = view.care.treatmentNotes
        let visits = record.visits.compactMap { $0.view(as: VisitStarted.self) }
        let outside = notes.filter { note in !visits.contains { $0.eventId == note.payload.visit } }
        return .element("section", ["id": "treatment-notes"]) {
            HTML.element("h2") { "Treatment notes" }
            if notes.isEmpty { HTML.element("p", ["class": "muted"]) { "No treatment notes recorded." } }
            for visit in visits {
                let written = notes.filter { $0.payload.visit == visit.eventId }
                if !written.isEmpty {
                    HTML.element("h3") { "Visit \(siteClock.minute(visit.occurredAt)) — \(visit.payload.reason ?? "no reason recorded")" }
                    for note in written { soap(note) }
                }
            }
            if !outside.isEmpty {
                HTML.element("h3") { "Written outside a visit" }
                for note in outside { soap(note) }
            }
        }
    }

    func soap(_ note: EntryView<TreatmentNoteRecorded>) -> HTML {
        .element("article", ["class": "treatment-note", "id": "note-\(note.eventId.rawValue)", "data-event": note.eventId.rawValue]) {
            HTML.element("p", ["class": "muted"]) {
                "\(siteClock.minute(note.occurredAt)) by \(ReportAuthor.named(note.author, role: note.authorRole))" + (note.correctedBy.isEmpty ? "" : " (corrected: see the timeline)")
            }
            HTML.element("dl", ["class": "soap"]) {
                for (section, text) in note.payload.sectionTexts {
                    HTML.element("dt") { section.capitalized }
                    HTML.element("dd", ["class": "note"]) { text }
                }
            }
        }
    }

    /// Every consent decision, oldest first: the one that stands for each technique marked, the
    /// ones a later decision replaced said to be replaced.
    var consentSection: HTML {
        let decisions = record.entries.filter { !$0.isRetracted }.compactMap { $0.view(as: ConsentRecorded.self) }
        let standing = Set(view.care.consents.map(\.eventId))
        return .element("section", ["id": "consent"]) {
            HTML.element("h2") { "Consent" }
            if decisions.isEmpty {
                HTML.element("p", ["class": "muted"]) { "No consent decision recorded." }
            } else {
                HTML.element("p") {
                    let given = view.care.consents.filter(\.payload.isGiven).map { techniqueName($0.payload.technique) }
                    "Consent stands for: " + (given.isEmpty ? "no technique" : given.joined(separator: ", ")) + "."
                }
                HTML.table(["When", "Technique", "Decision", "Form", "Risks explained", "Note", "By", "Now"], decisions.map { decision in
                    [siteClock.minute(decision.occurredAt), techniqueName(decision.payload.technique), decision.payload.decision,
                     decision.payload.form ?? "–", decision.payload.risks ?? "–", decision.payload.note ?? "–", decision.author,
                     standing.contains(decision.eventId) ? "stands" : "replaced by a later decision"]
                }, caption: "Every consent decision, oldest first", id: "consent-table")
            }
        }
    }

    /// Adverse events, flagged, each beside the technique entry it followed.
    var adverseEventSection: HTML {
        let events = view.care.adverseEvents
        return .element("section", ["id": "adverse-events", "class": events.isEmpty ? nil : "warning"]) {
            HTML.element("h2") { events.isEmpty ? "Adverse events" : "ADVERSE EVENTS (\(events.count))" }
            if events.isEmpty {
                HTML.element("p", ["class": "muted"]) { "No adverse event recorded." }
            } else {
                HTML.table(["When", "What", "Severity", "After", "Note", "By"], events.map { adverse in
                    let event = adverse.event
                    return [siteClock.minute(event.occurredAt), Vocabularies.adverseEventKinds.term(id: event.payload.kind)?.display ?? event.payload.kind,
                            event.payload.severity,
                            adverse.technique.map { "\(techniqueName($0.payload.technique)), \(PainChart.regionName($0.payload.region)) on \(siteClock.minute($0.occurredAt))" }
                                ?? "a technique entry since retracted",
                            event.payload.note ?? "–", event.author]
                }, caption: "Every adverse event, oldest first", id: "adverse-event-table")
            }
        }
    }

    /// Objective tests, oldest first: the reading in its unit, or a special test's result.
    var measurementSection: HTML {
        let measurements = view.care.measurements
        return .element("section", ["id": "measurements"]) {
            HTML.element("h2") { "Measurements" }
            if measurements.isEmpty {
                HTML.element("p", ["class": "muted"]) { "No measurements recorded." }
            } else {
                HTML.table(["When", "Test", "Side", "Reading", "Note", "By"], measurements.map { m in
                    [siteClock.minute(m.occurredAt), Vocabularies.measurementTests.term(id: m.payload.test)?.display ?? m.payload.test, m.payload.side ?? "–",
                     m.payload.reading, m.payload.note ?? "–", m.author + (m.correctedBy.isEmpty ? "" : " (corrected: see the timeline)")]
                }, caption: "Every measurement, oldest first", id: "measurement-table")
            }
        }
    }

    func techniqueName(_ id: String) -> String { Vocabularies.techniques.term(id: id)?.display ?? id }

    /// A dry-needling entry's details, and the precautions acknowledged for it, in words.
    func details(_ technique: TechniqueApplied) -> [String] {
        var lines: [String] = []
        if technique.hasNeedlingDetails {
            var parts: [String] = []
            if let needles = technique.needles { parts.append("\(needles) needle\(needles == 1 ? "" : "s")") }
            if let gauge = technique.gauge { parts.append("\(gauge) mm") }
            if let depth = technique.depthMm { parts.append("\(depth) mm deep") }
            if let twitch = technique.twitch { parts.append(twitch ? "twitch response" : "no twitch response") }
            lines.append("Needling: " + parts.joined(separator: ", "))
        }
        if let acknowledged = technique.acknowledgedPrecautions, !acknowledged.isEmpty {
            let kinds = acknowledged.map { id in
                record.entries.first { $0.event.id == id }?.view(as: PrecautionRecorded.self).map { Vocabularies.precautionKinds.term(id: $0.payload.kind)?.display ?? $0.payload.kind }
                    ?? "a precaution since retracted"
            }
            lines.append("Precaution acknowledged: " + kinds.joined(separator: "; "))
        }
        return lines
    }
}
