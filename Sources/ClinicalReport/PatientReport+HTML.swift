import ClinicalEvents
import EventLog
import ClinicalFold
import Projections
import EventModel

/// The report's sections, in reading order: header, active precautions, history, pain, outcome
/// measures, trigger points, visits, treatment notes, consent, adverse events, measurements, timeline, and the
/// footer an auditor checks. Every time is read on ``siteClock``, whose zone
/// the header names once.
extension PatientReport {
    /// The whole document (`myolog report`), or the page `myolog ui` serves with `navigation`.
    public func page(navigation: HTML? = nil) -> ClinicPage {
        ClinicPage(title: "Myotherapy report — \(view.details.name ?? record.patient.rawValue)", navigation: navigation) {
            HTML.element("main") {
                header
                precautionSection
                historySection
                painSection
                outcomeSection
                triggerPointSection
                visitSection
                signOffSection
                treatmentNoteSection
                consentSection
                adverseEventSection
                measurementSection
                timelineSection
            }
            footer
        }
    }

    var header: HTML {
        let details = view.details
        return .element("header") {
            HTML.element("h1") { "Myotherapy report: \(details.name ?? "(no name)")" }
            HTML.element("p") {
                "Born \(details.dateOfBirth ?? "not recorded") · patient "
                HTML.element("span", ["class": "id"]) { record.patient.rawValue }
            }
            HTML.element("p", ["class": "muted"]) {
                "Phone \(details.phone ?? "–") · email \(details.email ?? "–") · address \(details.address ?? "–")"
            }
            HTML.element("p") {
                "\(record.visits.count) visit\(record.visits.count == 1 ? "" : "s"), last \(view.lastVisit.map { "\(siteClock.day($0))" } ?? "none") · \(view.eventCount) events · "
                travelText
            }
            // Named once, without "now": the same events give the same page whenever it is made.
            HTML.element("p", ["id": "time-zone", "class": "muted"]) { "Times are local to \(siteClock.identifier), the site's time zone." }
            for conflict in view.conflicts {
                HTML.element("p", ["class": "warning"]) {
                    "Conflict in \(conflict.field): " + conflict.values.map { "“\($0.value ?? "(removed)")” by \($0.author)" }.joined(separator: " vs ")
                        + " — showing “\(conflict.shown ?? "(removed)")”; resolve with myolog resolve."
                }
            }
        }
    }

    var travelText: String {
        // Now and at a clock read the same: the record at its heads' clock, so a report made
        // again with `--at-clock` is the same text.
        switch basis.travel {
        case .now, .atClock: "the record at clock \(headsClock)"
        case .asOf(let instant): "the record as it stood at \(siteClock.minuteWithOffset(instant)) (events recorded by then)"
        }
    }

    var historySection: HTML {
        .element("section", ["id": "history"]) {
            HTML.element("h2") { "History" }
            let kinds = Vocabularies.historyKinds.terms.filter { !view.history($0.id).isEmpty }
            if kinds.isEmpty { HTML.element("p", ["class": "muted"]) { "No history recorded." } }
            for kind in kinds {
                HTML.element("h3") { kind.display }
                HTML.element("ul") {
                    for entry in view.history(kind.id) {
                        HTML.element("li") {
                            entry.payload.text + (entry.payload.date.map { " (\($0))" } ?? "")
                            if let ergonomics = entry.payload.ergonomics {
                                HTML.element("br")
                                HTML.element("span", ["class": "muted"]) { "Ergonomics: \(ergonomics)" }
                            }
                        }
                    }
                }
            }
        }
    }

    var painSection: HTML {
        let scores = view.painScores, trend = record.painTrend
        return .element("section", ["id": "pain"]) {
            HTML.element("h2") { "Pain over time" }
            if let trend {
                HTML.element("p") {
                    "First \(trend.first)/10, latest \(trend.latest)/10, best \(trend.best), worst \(trend.worst), change \(trend.change > 0 ? "+" : "")\(trend.change): "
                    HTML.element("strong") { trend.clinicallyMeaningful ? "a clinically meaningful improvement" : "not a clinically meaningful improvement" }
                    " (a fall of at least 2 points or 30 % from the first score; Farrar et al. 2001)."
                }
            }
            HTML.element("figure") { PainChart.svg(scores, trend: trend, clock: siteClock) }
            if scores.isEmpty {
                HTML.element("p", ["class": "muted"]) { "No pain scores recorded." }
            } else {
                HTML.table(["When", "Score", "Region", "Context", "By"], scores.map { s in
                    [siteClock.minute(s.occurredAt), "\(s.payload.score)/10", PainChart.regionName(s.payload.region), PainChart.contextName(s.payload.context), ReportAuthor.named(s.author, role: s.authorRole)]
                }, caption: "Every pain score (the chart's points)", id: "pain-table")
            }
        }
    }

    var triggerPointSection: HTML {
        let findings = findings
        let entries = Dictionary(uniqueKeysWithValues: record.triggerPoints.map { ($0.event.id, $0) })
        let resolutions = resolutions
        return .element("section", ["id": "trigger-points"]) {
            HTML.element("h2") { "Trigger points" }
            HTML.element("div", ["class": "charts"]) {
                HTML.element("figure") { BodyChart.svg(findings) }
                if findings.isEmpty {
                    HTML.element("p", ["class": "muted"]) { "No trigger points recorded." }
                } else {
                    HTML.table(["Muscle", "Side", "Status", "Refers to", "Found", "Resolved", "Notes"], findings.map { finding in
                        let entry = entries[finding.eventId]
                        let resolution = resolutions[finding.eventId]
                        let notes = [entry?.view(as: TriggerPointFound.self)?.payload.note, resolution?.note.map { "On resolving: \($0)" }].compactMap { $0 }
                        return [Vocabularies.muscles.term(id: finding.muscle)?.display ?? finding.muscle, finding.side, finding.status.rawValue,
                                finding.referral.map(PainChart.regionName) ?? "–",
                                entry.map { "\(siteClock.day($0.event.occurredAt)) by \($0.event.author)" } ?? "–",
                                resolution.map { "\(siteClock.day($0.event.occurredAt)) by \($0.event.author)" } ?? "–",
                                notes.isEmpty ? "–" : notes.joined(separator: " · ")]
                    }, caption: "Every trigger point found (the chart's markers)", id: "trigger-point-table")
                }
            }
        }
    }

    var timelineSection: HTML {
        .element("section", ["id": "timeline"]) {
            HTML.element("h2") { "Timeline" }
            TimelineTable.html(timeline, clock: siteClock)
        }
    }

    var footer: HTML {
        .element("footer", ["id": "provenance"]) {
            HTML.element("h2") { "Provenance" }
            HTML.element("p") {
                "Made from \(travelText), from the events in these chains (each origin's last event included: its sequence and hash). "
                "Anyone holding the same events can make this report again with "
                HTML.element("code") { "myolog report \(record.patient.rawValue) --at-clock '\(headsClock)'" }
                " and get the same record."
            }
            HTML.table(["Site", "Node", "Sequence", "Hash"], basis.heads.map { [$0.site ?? "(unknown)", $0.node.rawValue, "\($0.sequence)", $0.hash.description] },
                  caption: nil, id: "heads")
            HTML.element("p", ["id": "verification"]) {
                switch basis.verification {
                case .passed(let events, _):
                    "Verified: the \(events) events of this record — each hash recomputed from its bytes, each covered by its origin's signature (the links to it intact, the signature valid for the origin's key); this node's chain ends on its signed head. myolog verify checks the whole log."
                case .failed(let problem):
                    HTML.element("strong") { "Verification FAILED: \(problem)" }
                }
            }
            HTML.element("p", ["id": "generated"]) {
                "Generated by \(generation.user) at \(siteClock.minuteWithOffset(generation.at)) (\(generation.at)) at site \(generation.site) (node \(generation.node)); this access is recorded in the store's log."
            }
        }
    }

    /// The clock of the heads: `--at-clock`'s argument that reproduces this report.
    var headsClock: String {
        VectorClock(Dictionary(uniqueKeysWithValues: basis.heads.map { ($0.node, $0.sequence) })).description
    }
}
