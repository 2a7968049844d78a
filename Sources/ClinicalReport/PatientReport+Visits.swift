import ClinicalEvents
import ClinicalFold
import EventModel

/// The report's visits: each visit, oldest first, as the clinician kept it — when (site time),
/// the reason, each technique with its minutes, needling details and note, any adverse event
/// after it (flagged), the findings made and resolved, measurements, the treatment notes written
/// (linked), pain before → after, and the closing plan given at `visit end`; then any technique
/// recorded outside a visit. Every typed text is a text node (``HTML``), so a note cannot become
/// markup.
extension PatientReport {
    var visitSection: HTML {
        let techniques = record.techniques.compactMap { $0.view(as: TechniqueApplied.self) }.sorted { $0.occurredAt < $1.occurredAt }
        let unattached = techniques.filter { $0.payload.visit == nil }
        return .element("section", ["id": "visits"]) {
            HTML.element("h2") { "Visits" }
            if record.visits.isEmpty && unattached.isEmpty { HTML.element("p", ["class": "muted"]) { "No visits recorded." } }
            if !record.visits.isEmpty {
                HTML.element("p", ["class": "muted"]) {
                    "\(record.visits.count) visit\(record.visits.count == 1 ? "" : "s"), oldest first: reason, techniques with minutes, needling details and notes, adverse events, findings and measurements, pain before → after, and the plan given at the end."
                }
            }
            for visit in record.visits {
                if let started = visit.view(as: VisitStarted.self) { visitArticle(visit, started, techniques: techniques.filter { $0.payload.visit == visit.event.id }) }
            }
            if !unattached.isEmpty {
                HTML.element("h3") { "Techniques recorded outside a visit" }
                techniqueTable(unattached, id: "technique-table")
            }
        }
    }

    func visitArticle(_ visit: ClinicalEntry, _ started: EntryView<VisitStarted>, techniques: [EntryView<TechniqueApplied>]) -> HTML {
        let id = visit.event.id
        let pain = view.painScores.filter { $0.payload.visit == id }
        let pre = pain.filter { $0.payload.context == "pre" }.map { "\($0.payload.score)" }.joined(separator: ", ")
        let post = pain.filter { $0.payload.context == "post" }.map { "\($0.payload.score)" }.joined(separator: ", ")
        let found = record.triggerPoints.compactMap { $0.view(as: TriggerPointFound.self) }.filter { $0.payload.visit == id }
        let resolved = record.entries.filter { !$0.isRetracted }.compactMap { $0.view(as: TriggerPointResolved.self) }.filter { $0.payload.visit == id }
        let end = visitEnds[id]
        let minutes = techniques.compactMap(\.payload.minutes).reduce(0, +)
        let adverse = view.care.adverseEvents.filter { $0.event.payload.visit == id }
        let measured = view.care.measurements.filter { $0.payload.visit == id }
        let notes = view.care.treatmentNotes.filter { $0.payload.visit == id }
        return .element("article", ["class": "visit", "id": "visit-\(id.rawValue)", "data-visit": id.rawValue]) {
            HTML.element("h3") { siteClock.minute(visit.event.occurredAt) + " — " + (started.payload.reason ?? "no reason recorded") }
            HTML.element("p", ["class": "muted"]) {
                "By \(visit.event.author)"
                    + (end.map { " · ended \(siteClock.minute($0.event.occurredAt))" } ?? " · not ended")
                    + " · \(techniques.count) technique\(techniques.count == 1 ? "" : "s"), \(minutes) min"
                    + " · pain before → after: " + (pre.isEmpty && post.isEmpty ? "not scored" : "\(pre.isEmpty ? "–" : pre) → \(post.isEmpty ? "–" : post)")
            }
            if !techniques.isEmpty { techniqueTable(techniques, id: nil) }
            for event in adverse {
                HTML.element("p", ["class": "adverse", "data-event": event.event.eventId.rawValue]) {
                    HTML.element("strong") { "Adverse event: " }
                    "\(Vocabularies.adverseEventKinds.term(id: event.event.payload.kind)?.display ?? event.event.payload.kind) (\(event.event.payload.severity))"
                        + (event.technique.map { " after \(techniqueName($0.payload.technique).lowercased())" } ?? "")
                    if let note = event.event.payload.note { noteText(note) }
                }
            }
            if !found.isEmpty || !resolved.isEmpty || !measured.isEmpty {
                HTML.element("ul", ["class": "visit-findings"]) {
                    for finding in found {
                        HTML.element("li") {
                            "Found: \(finding.payload.status) trigger point, \(finding.payload.side) \(Vocabularies.muscles.term(id: finding.payload.muscle)?.display ?? finding.payload.muscle)"
                            if let note = finding.payload.note { noteText(note) }
                        }
                    }
                    for resolution in resolved {
                        HTML.element("li") {
                            "Resolved: " + (findingName(resolution.payload.finding) ?? "a trigger point")
                            if let note = resolution.payload.note { noteText(note) }
                        }
                    }
                    for measurement in measured {
                        HTML.element("li") {
                            "Measured: \(Vocabularies.measurementTests.term(id: measurement.payload.test)?.display ?? measurement.payload.test)"
                                + (measurement.payload.side.map { ", \($0)" } ?? "") + ": \(measurement.payload.reading)"
                            if let note = measurement.payload.note { noteText(note) }
                        }
                    }
                }
            }
            if !notes.isEmpty {
                HTML.element("p") {
                    "Treatment note\(notes.count == 1 ? "" : "s"): "
                    for (index, note) in notes.enumerated() {
                        if index > 0 { ", " }
                        HTML.element("a", ["href": "#note-\(note.eventId.rawValue)"]) { "\(siteClock.minute(note.occurredAt)) by \(note.author)" }
                    }
                    " (in Treatment notes below)"
                }
            }
            HTML.element("p", ["class": "plan"]) {
                HTML.element("strong") { "Plan at close: " }
                if let note = end?.note { HTML.element("span", ["class": "note"]) { note } } else { end == nil ? "the visit is still open." : "none recorded." }
            }
        }
    }

    /// Techniques with their minutes and notes; a corrected one says so (the timeline has who and why).
    func techniqueTable(_ techniques: [EntryView<TechniqueApplied>], id: String?) -> HTML {
        .element("table", ["class": "techniques", "id": id]) {
            HTML.element("thead") { HTML.row(["Time", "Technique", "Region", "Minutes", "Details and note", "By"], header: true) }
            HTML.element("tbody") {
                for technique in techniques {
                    HTML.element("tr", ["data-event": technique.eventId.rawValue]) {
                        HTML.element("td") { siteClock.minute(technique.occurredAt) }
                        HTML.element("td") { Vocabularies.techniques.term(id: technique.payload.technique)?.display ?? technique.payload.technique }
                        HTML.element("td") { PainChart.regionName(technique.payload.region) }
                        HTML.element("td") { technique.payload.minutes.map { "\($0)" } ?? "–" }
                        HTML.element("td", ["class": "note"]) {
                            let lines = details(technique.payload) + (technique.payload.note.map { [$0] } ?? [])
                            lines.isEmpty ? "–" : lines.joined(separator: "\n")
                        }
                        HTML.element("td") { technique.author + (technique.correctedBy.isEmpty ? "" : " (corrected: see the timeline)") }
                    }
                }
            }
        }
    }

    /// A note under an item, on its own line.
    func noteText(_ note: String) -> HTML {
        HTML.element("br") + HTML.element("span", ["class": "note"]) { "Note: \(note)" }
    }

    /// "latent trigger point, left upper trapezius" for a finding's event, if it is in the record.
    func findingName(_ finding: EventID) -> String? {
        guard let found = record.triggerPoints.first(where: { $0.event.id == finding })?.view(as: TriggerPointFound.self)?.payload else { return nil }
        return "\(found.status) trigger point, \(found.side) \(Vocabularies.muscles.term(id: found.muscle)?.display ?? found.muscle)"
    }
}
