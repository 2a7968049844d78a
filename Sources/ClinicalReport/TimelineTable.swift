import EventLog
import EventModel
import ClinicalFold
import Projections

/// A patient's timeline as a table: every event in causal order, corrected and retracted entries
/// kept and marked (in words, not only by style) with who amended them, where, when and why —
/// what `myolog timeline` prints. The report and the `ui` timeline page both show it.
///
/// Times are read on the site's clock (its zone is named once, by the page). The notes typed on
/// an entry (a technique's, a finding's, a treatment note's sections) are shown under it as
/// text, never as markup, each once: one already in the entry's summary is not repeated.
enum TimelineTable {
    static func html(_ lines: [AuditLine], clock: SiteClock) -> HTML {
        HTML.element("p", ["class": "muted"]) {
            "Every event of the record in causal order, as myolog timeline shows it: corrected and retracted entries stay, marked, with who amended them and why."
        }
        + HTML.element("table", ["id": "timeline-table"]) {
            HTML.element("thead") { HTML.row(["Happened", "Recorded", "What", "By", "Status"], header: true) }
            HTML.element("tbody") {
                for line in lines {
                    HTML.element("tr", ["class": "status-\(line.status.rawValue)", "data-event": line.eventId.rawValue]) {
                        HTML.element("td") { clock.minute(line.occurredAt) }
                        HTML.element("td") { clock.minute(line.recordedAt) }
                        HTML.element("td", ["class": "what"]) {
                            line.summary
                            for (label, note) in EntryNotes.fields(line.payload) where !line.summary.contains(note) {
                                HTML.element("br")
                                HTML.element("span", ["class": "note"]) { "\(label): \(note)" }
                            }
                        }
                        HTML.element("td") { ReportAuthor.named(line.author, role: line.authorRole) + (line.site.map { " at \($0)" } ?? "") }
                        HTML.element("td") {
                            line.status.rawValue
                            if line.signedOff != nil { ", signed off" }
                            if let late = line.lateEntry {
                                HTML.element("br")
                                HTML.element("span", ["class": "late-entry"]) { "late entry (rule \(late.rule))" }
                            }
                            for amendment in line.amendments {
                                HTML.element("br")
                                text(amendment, clock: clock)
                            }
                        }
                    }
                }
            }
        }
    }

    static func text(_ amendment: AuditLine.Amendment, clock: SiteClock) -> String {
        let who = "by \(amendment.author)\(amendment.site.map { " at \($0)" } ?? "") on \(clock.minute(amendment.recordedAt))"
        switch amendment.kind {
        case .correction(let fields, let reason):
            let changes = fields.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value.canonicalString)" }.joined(separator: ", ")
            return (amendment.isAddendum ? "addendum: " : "") + "corrected \(who): \(changes) — “\(reason)”"
        case .retraction(let reason):
            return (amendment.isAddendum ? "addendum: " : "") + "retracted \(who) — “\(reason)”"
        }
    }
}

extension HTML {
    /// A table of text cells: headings in `thead`, rows in `tbody`.
    static func table(_ headings: [String], _ rows: [[String]], caption: String?, id: String) -> HTML {
        .element("table", ["id": id]) {
            if let caption { HTML.element("caption", ["class": "muted"]) { caption } }
            HTML.element("thead") { row(headings, header: true) }
            HTML.element("tbody") { for cells in rows { row(cells, header: false) } }
        }
    }

    static func row(_ cells: [String], header: Bool) -> HTML {
        .element("tr") { for cell in cells { HTML.element(header ? "th" : "td") { cell } } }
    }
}
