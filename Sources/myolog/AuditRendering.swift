import EventLog
import Projections

/// Timeline and history lines for people.
enum AuditRendering {
    static func text(_ line: AuditLine) -> String {
        func minute(_ time: Timestamp) -> String { String(time.description.prefix(16)).replacingOccurrences(of: "T", with: " ") }
        let recorded = minute(line.recordedAt), occurred = minute(line.occurredAt)
        let when = occurred == recorded ? recorded : "\(occurred) (recorded \(recorded))"
        let mark = line.status == .current ? "" : " [\(line.status.rawValue.uppercased())]"
        var out = "\(when)  \(line.type)\(mark)  \(line.summary)\n    by \(line.author) at \(line.site ?? line.origin.rawValue)  [\(line.eventId)]\n"
        for amendment in line.amendments {
            let action: String
            switch amendment.kind {
            case .correction(let corrected, _):
                action = "corrected " + corrected.keys.sorted().map { key in "\(key) → \(corrected[key]!.stringValue ?? corrected[key]!.canonicalString)" }.joined(separator: ", ")
            case .retraction:
                action = "retracted"
            }
            out += "    \(action) by \(amendment.author) on \(amendment.recordedAt.description.prefix(10)): \(amendment.reason)  [\(amendment.eventId)]\n"
        }
        return out
    }
}
