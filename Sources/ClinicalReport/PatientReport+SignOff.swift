import ClinicalEvents
import ClinicalFold
import EventModel

/// Sign-off, addenda, late entries and co-signature in the report: each visit says whether and
/// by whom it was signed off and lists the marks of its entries; a section lists the marks of
/// entries recorded outside any visit and counts them all. Times on ``siteClock``; typed text
/// as text nodes.
extension PatientReport {
    /// The sign-off line and the marks of the entries of `visit` (nothing when it has neither).
    @HTMLBuilder
    func attestation(of visit: ClinicalEntry) -> HTML {
        let marked = shownEntries.filter { $0.belongs(to: visit.event.id) && Self.hasMarks($0) }
            if let signOff = visit.signOff {
                HTML.element("p", ["class": "signed-off", "data-event": signOff.id.rawValue]) {
                    HTML.element("strong") { "Signed off" }
                    " by \(signOff.author) on \(siteClock.minute(signOff.recordedAt)); entries signed change only by addenda."
                }
            }
            if !marked.isEmpty { marksList(marked) }
    }

    /// Counts of every mark, and the marks of entries recorded outside any visit.
    var signOffSection: HTML {
        let marked = shownEntries.filter(Self.hasMarks)
        let outside = marked.filter { entry in !record.visits.contains { entry.belongs(to: $0.event.id) } }
        let late = marked.filter { $0.lateEntry != nil }.count, addenda = marked.map(\.addenda.count).reduce(0, +)
        let awaiting = marked.filter(\.isAwaitingCoSignature).count
        return .element("section", ["id": "sign-off"]) {
            HTML.element("h2") { "Sign-off, addenda, late entries and co-signature" }
            HTML.element("p", ["class": awaiting > 0 ? "warning" : "muted"]) {
                "\(late) late entr\(late == 1 ? "y" : "ies") · \(addenda) addend\(addenda == 1 ? "um" : "a") after sign-off · "
                    + "\(awaiting) entr\(awaiting == 1 ? "y" : "ies") awaiting co-signature."
            }
            if !outside.isEmpty {
                HTML.element("h3") { "Entries outside a visit" }
                marksList(outside)
            }
        }
    }

    /// The entries the report shows (not retracted), in causal order.
    var shownEntries: [ClinicalEntry] { record.entries.filter { !$0.isRetracted } }

    func marksList(_ entries: [ClinicalEntry]) -> HTML {
        .element("ul", ["class": "entry-marks"]) {
            for entry in entries {
                let what = entry.current.summary
                if let late = entry.lateEntry {
                    HTML.element("li", ["class": "late-entry", "data-event": entry.event.id.rawValue]) {
                        HTML.element("strong") { "Late entry: " }
                        "\(what) — care \(siteClock.minute(late.occurredAt)), written \(siteClock.minute(late.recordedAt)) (rule \(late.rule))"
                    }
                }
                for addendum in entry.addenda.compactMap(EntryAddendum.init) {
                    HTML.element("li", ["class": "addendum", "data-event": addendum.eventId.rawValue, "data-target": entry.event.id.rawValue]) {
                        HTML.element("strong") { addendum.kind == .correction ? "Addendum (correction): " : "Addendum (retraction): " }
                        "\(what) — by \(addendum.author), written \(siteClock.minute(addendum.recordedAt)) about care \(siteClock.minute(entry.event.occurredAt)): "
                            + (addendum.kind == .correction
                                ? (addendum.fields ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value.stringValue ?? $0.value.canonicalString)" }.joined(separator: ", ")
                                : "retracts this entry")
                        HTML.element("br")
                        HTML.element("span", ["class": "note"]) { "Reason: \(addendum.reason)" }
                    }
                }
                if let coSignature = entry.coSignature {
                    HTML.element("li", ["class": "co-signed", "data-event": entry.event.id.rawValue]) {
                        "Co-signed: \(what) — written by \(entry.event.author) (student), co-signed by \(coSignature.author) on \(siteClock.minute(coSignature.recordedAt))"
                    }
                } else if entry.isAwaitingCoSignature {
                    HTML.element("li", ["class": "awaiting-cosignature", "data-event": entry.event.id.rawValue]) {
                        HTML.element("strong") { "Awaiting co-signature: " }
                        "\(what) — written by \(entry.event.author) (student) on \(siteClock.minute(entry.event.recordedAt))"
                    }
                }
            }
        }
    }

    static func hasMarks(_ entry: ClinicalEntry) -> Bool {
        entry.lateEntry != nil || !entry.addenda.isEmpty || entry.coSignature != nil || entry.isAwaitingCoSignature
    }

}
