import EventLog

/// Timeline and history lines for people.
enum AuditRendering {
    static func text(_ line: [String: JSONValue]) -> String {
        func s(_ key: String) -> String { line[key]?.stringValue ?? "" }
        let recorded = String(s("recordedAt").prefix(16)).replacingOccurrences(of: "T", with: " ")
        let occurred = String(s("occurredAt").prefix(16)).replacingOccurrences(of: "T", with: " ")
        let when = occurred == recorded ? recorded : "\(occurred) (recorded \(recorded))"
        let mark = s("status") == "current" ? "" : " [\(s("status").uppercased())]"
        var out = "\(when)  \(s("type"))\(mark)  \(s("summary"))\n    by \(s("author")) at \(line["site"]?.stringValue ?? s("origin"))  [\(s("eventId"))]\n"
        for amendment in line["amendments"]?.arrayValue ?? [] {
            guard let a = amendment.objectValue else { continue }
            let corrected = a["fields"]?.objectValue ?? [:]
            let fields = corrected.isEmpty ? "" : " " + corrected.keys.sorted().map { key in
                "\(key) → \(corrected[key]!.stringValue ?? corrected[key]!.canonicalString)"
            }.joined(separator: ", ")
            out += "    \(a["kind"]?.stringValue == "retraction" ? "retracted" : "corrected")\(fields) by \(a["author"]?.stringValue ?? "") on \(String(a["recordedAt"]?.stringValue?.prefix(10) ?? "")): \(a["reason"]?.stringValue ?? "")  [\(a["eventId"]?.stringValue ?? "")]\n"
        }
        return out
    }
}
