import ClinicalEvents
import ClinicalFold
import EventModel

/// The report's visits: each visit, oldest first, as the clinician kept it — when (site time),
/// the reason, each technique with its minutes, needling details and note, any adverse event
/// after it (flagged), the findings made and resolved, measurements, outcome measures answered, the treatment notes written
/// (linked), pain before → after, and the closing plan given at `visit end`; then any technique
/// recorded outside a visit. Every typed text is a text node (``HTML``), so a note cannot become
/// markup.
extension PatientReport {
    var visitSection: HTML {
        let techniques = record.techniques.compactMap { $0.view(as: TechniqueApplied.self) }.sorted { $0.occurredAt < $1.occurredAt }
        let unattached = techniques.filter { $0.payload.visit == nil }
        let contents = VisitContents(self, techniques: techniques)
        return .element("section", ["id": "visits"]) {
            HTML.element("h2") { "Visits" }
            if record.visits.isEmpty && unattached.isEmpty { HTML.element("p", ["class": "muted"]) { "No visits recorded." } }
            if !record.visits.isEmpty {
                HTML.element("p", ["class": "muted"]) {
                    "\(record.visits.count) visit\(record.visits.count == 1 ? "" : "s"), oldest first: reason, techniques with minutes, needling details and notes, adverse events, findings, measurements and outcome measures, pain before → after, and the plan given at the end."
                }
            }
            for visit in record.visits {
                if let started = visit.view(as: VisitStarted.self) { visitArticle(visit, started, contents) }
            }
            if !unattached.isEmpty {
                HTML.element("h3") { "Techniques recorded outside a visit" }
                techniqueTable(unattached, id: "technique-table")
            }
        }
    }

    func visitArticle(_ visit: ClinicalEntry, _ started: EntryView<VisitStarted>, _ contents: VisitContents) -> HTML {
        let id = visit.event.id
        let techniques = contents.techniques[id] ?? []
        let pain = contents.pain[id] ?? []
        let pre = pain.filter { $0.payload.context == "pre" }.map { "\($0.payload.score)" }.joined(separator: ", ")
        let post = pain.filter { $0.payload.context == "post" }.map { "\($0.payload.score)" }.joined(separator: ", ")
        let found = contents.found[id] ?? []
        let resolved = contents.resolved[id] ?? []
        let end = contents.ends[id]
        let minutes = techniques.compactMap(\.payload.minutes).reduce(0, +)
        let adverse = contents.adverse[id] ?? []
        let measured = contents.measured[id] ?? []
        let notes = contents.notes[id] ?? []
        let outcomes = contents.outcomes[id] ?? []
        return .element("article", ["class": "visit", "id": "visit-\(id.rawValue)", "data-visit": id.rawValue]) {
            HTML.element("h3") { siteClock.minute(visit.event.occurredAt) + " — " + (started.payload.reason ?? "no reason recorded") }
            HTML.element("p", ["class": "muted"]) {
                "By \(ReportAuthor.named(visit.event.author, role: visit.event.authorRole))"
                    + (end.map { " · ended \(siteClock.minute($0.event.occurredAt))" } ?? " · not ended")
                    + " · \(techniques.count) technique\(techniques.count == 1 ? "" : "s"), \(minutes) min"
                    + " · pain before → after: " + (pre.isEmpty && post.isEmpty ? "not scored" : "\(pre.isEmpty ? "–" : pre) → \(post.isEmpty ? "–" : post)")
            }
            attestation(of: visit)
            if !techniques.isEmpty { techniqueTable(techniques, id: nil) }
            for event in adverse {
                HTML.element("p", ["class": "adverse", "data-event": event.event.eventId.rawValue]) {
                    HTML.element("strong") { "Adverse event: " }
                    "\(Vocabularies.adverseEventKinds.term(id: event.event.payload.kind)?.display ?? event.event.payload.kind) (\(event.event.payload.severity))"
                        + (event.technique.map { " after \(techniqueName($0.payload.technique).lowercased())" } ?? "")
                    if let note = event.event.payload.note { noteText(note) }
                }
            }
            if !found.isEmpty || !resolved.isEmpty || !measured.isEmpty || !outcomes.isEmpty {
                HTML.element("ul", ["class": "visit-findings"]) {
                    for finding in found {
                        HTML.element("li") {
                            "Found: \(finding.payload.status) trigger point, \(finding.payload.side) \(Vocabularies.muscles.term(id: finding.payload.muscle)?.display ?? finding.payload.muscle)"
                            if let note = finding.payload.note { noteText(note) }
                        }
                    }
                    for resolution in resolved {
                        HTML.element("li") {
                            "Resolved: " + (contents.findingNames[resolution.payload.finding] ?? "a trigger point")
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
                    for outcome in outcomes {
                        HTML.element("li", ["class": "outcome", "data-event": outcome.entry.eventId.rawValue]) {
                            "Outcome measure: \(outcome.entry.payload.reading)" + Self.marks(outcome.entry)
                            if let note = outcome.entry.payload.note { noteText(note) }
                        }
                    }
                }
            }
            if !notes.isEmpty {
                HTML.element("p") {
                    "Treatment note\(notes.count == 1 ? "" : "s"): "
                    for (index, note) in notes.enumerated() {
                        if index > 0 { ", " }
                        HTML.element("a", ["href": "#note-\(note.eventId.rawValue)"]) { "\(siteClock.minute(note.occurredAt)) by \(ReportAuthor.named(note.author, role: note.authorRole))" }
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
                        HTML.element("td") { ReportAuthor.named(technique.author, role: technique.authorRole) + (technique.correctedBy.isEmpty ? "" : " (corrected: see the timeline)") }
                    }
                }
            }
        }
    }

    /// A note under an item, on its own line.
    func noteText(_ note: String) -> HTML {
        HTML.element("br") + HTML.element("span", ["class": "note"]) { "Note: \(note)" }
    }

    /// "latent trigger point, left upper trapezius" for a finding's payload.
    func findingName(_ found: TriggerPointFound) -> String {
        "\(found.status) trigger point, \(found.side) \(Vocabularies.muscles.term(id: found.muscle)?.display ?? found.muscle)"
    }
}

/// What each visit holds, by the visit's id, gathered in one pass over the record: the visit
/// section then costs in proportion to the record, not to its visits times its entries (a
/// 500-event patient's page spent most of its time re-scanning the record for every visit).
/// Each list keeps the record's order, as filtering the record per visit did.
struct VisitContents {
    var techniques: [EventID: [EntryView<TechniqueApplied>]]
    var pain: [EventID: [EntryView<PainScoreRecorded>]]
    var found: [EventID: [EntryView<TriggerPointFound>]]
    var resolved: [EventID: [EntryView<TriggerPointResolved>]]
    var ends: [EventID: (event: EventEnvelope, note: String?)]
    var adverse: [EventID: [AdverseEventView]]
    var measured: [EventID: [EntryView<MeasurementRecorded>]]
    var notes: [EventID: [EntryView<TreatmentNoteRecorded>]]
    var outcomes: [EventID: [OutcomeView]]
    /// "latent trigger point, left upper trapezius" by the finding's event id (the first entry
    /// with that id, as a search of the record's trigger points finds it).
    var findingNames: [EventID: String] = [:]

    /// `techniques`: the record's techniques as the section lists them (oldest first).
    init(_ report: PatientReport, techniques: [EntryView<TechniqueApplied>]) {
        let record = report.record, view = report.view
        let findings = record.triggerPoints.compactMap { $0.view(as: TriggerPointFound.self) }
        self.techniques = Self.byVisit(techniques) { $0.payload.visit }
        pain = Self.byVisit(view.painScores) { $0.payload.visit }
        found = Self.byVisit(findings) { $0.payload.visit }
        resolved = Self.byVisit(record.entries.filter { !$0.isRetracted }.compactMap { $0.view(as: TriggerPointResolved.self) }) { $0.payload.visit }
        ends = report.visitEnds
        adverse = Self.byVisit(view.care.adverseEvents) { $0.event.payload.visit }
        measured = Self.byVisit(view.care.measurements) { $0.payload.visit }
        notes = Self.byVisit(view.care.treatmentNotes) { $0.payload.visit }
        outcomes = Self.byVisit(view.care.outcomes) { $0.entry.payload.visit }
        for finding in findings where findingNames[finding.eventId] == nil {
            findingNames[finding.eventId] = report.findingName(finding.payload)
        }
    }

    /// `items` grouped by the visit `visit` names, each group in `items`' order; those naming
    /// no visit are left out.
    static func byVisit<Item>(_ items: [Item], _ visit: (Item) -> EventID?) -> [EventID: [Item]] {
        var groups: [EventID: [Item]] = [:]
        for item in items {
            if let id = visit(item) { groups[id, default: []].append(item) }
        }
        return groups
    }
}
