import EventLog

/// The text form of `myolog conflicts`, shared with the demo.
enum ConflictRendering {
    static func text(_ conflicts: [JSONValue]) -> String {
        if conflicts.isEmpty { return "No conflicts.\n" }
        var out = ""
        for conflict in conflicts.compactMap(\.objectValue) {
            out += "\(conflict["name"]?.stringValue ?? "") [\(conflict["patientId"]?.stringValue?.prefix(8) ?? "")] \(conflict["field"]?.stringValue ?? ""): shown \(conflict["shown"]?.stringValue ?? "(removed)")\n"
            for value in (conflict["values"]?.arrayValue ?? []).compactMap(\.objectValue) {
                out += "    \(value["value"]?.stringValue ?? "(removed)")  by \(value["author"]?.stringValue ?? "") (node \(value["origin"]?.stringValue ?? ""), \(value["recordedAt"]?.stringValue ?? ""))\n"
            }
        }
        return out
    }
}
