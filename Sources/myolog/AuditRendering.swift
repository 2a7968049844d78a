import EventLog
import ClinicalFold
import Projections
import EventModel

/// Timeline and history lines for people, every time on the site's clock (the screen names the
/// zone once, ``header(_:)``).
enum AuditRendering {
    /// The line a timeline or history screen begins with: the zone its times are in.
    static func header(_ clock: SiteClock) -> String { clock.label() + "\n" }

    /// An author as people read it: with the role their signed event names, or marked unverified
    /// when the event is from before people had keys (a name no signature vouches for).
    static func author(_ name: String, role: String?) -> String {
        "\(VisibleText.escaped(name)) (\(role.map(VisibleText.escaped) ?? "unverified author"))"
    }

    static func text(_ line: AuditLine, clock: SiteClock) -> String {
        let recorded = clock.unambiguousMinute(line.recordedAt), occurred = clock.unambiguousMinute(line.occurredAt)
        let when = occurred == recorded ? recorded : "\(occurred) (recorded \(recorded))"
        let mark = line.status == .current ? "" : " [\(line.status.rawValue.uppercased())]"
        // Texts keep their line breaks, each continuation line marked (``VisibleText/indented``):
        // a note cannot print a line that passes for "by … at …" or for an amendment.
        let site = VisibleText.escaped(line.site ?? line.origin.rawValue)
        var out = "\(when)  \(line.type)\(mark)  \(VisibleText.indented(line.summary, indent: "    "))\n    by \(Self.author(line.author, role: line.authorRole)) at \(site)  [\(line.eventId)]\n"
        if let late = line.lateEntry { out += "    late entry: care \(clock.unambiguousMinute(late.occurredAt)), written \(clock.unambiguousMinute(late.recordedAt)) (rule \(late.rule))\n" }
        if let signOff = line.signedOff { out += "    signed off  [\(signOff)]\n" }
        // The entry's note, as written, when its one-line summary does not already carry it
        // (a technique's or a trigger point's does not; a visit end's and a resolution's do).
        if case .string(let note)? = line.payload.objectValue?["note"], !line.summary.contains(note) {
            out += "    note: \(VisibleText.indented(note, indent: "      "))\n"
        }
        for amendment in line.amendments {
            let action: String
            switch amendment.kind {
            case .correction(let corrected, _):
                action = "corrected " + corrected.keys.sorted().map { key in "\(key) → \(VisibleText.indented(corrected[key]!.stringValue ?? corrected[key]!.canonicalString, indent: "    "))" }.joined(separator: ", ")
            case .retraction:
                action = "retracted"
            }
            out += "    \(amendment.isAddendum ? "addendum: " : "")\(action) by \(VisibleText.escaped(amendment.author)) on \(clock.unambiguousMinute(amendment.recordedAt)): \(VisibleText.indented(amendment.reason, indent: "    "))  [\(amendment.eventId)]\n"
        }
        return out
    }
}
