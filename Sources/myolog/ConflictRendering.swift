import EventLog
import ClinicalFold
import Projections
import EventModel

/// The text form of `myolog conflicts`, shared with the demo.
enum ConflictRendering {
    static func text(_ conflicts: [ConflictListing]) -> String {
        if conflicts.isEmpty { return "No conflicts.\n" }
        var out = ""
        for listing in conflicts {
            let conflict = listing.conflict
            // One line per value, whatever it holds (``VisibleText/escaped``).
            out += "\(VisibleText.escaped(listing.name)) [\(listing.patientId.rawValue.prefix(8))] \(conflict.field): shown \(conflict.shown.map(VisibleText.escaped) ?? "(removed)")\n"
            for write in conflict.values {
                out += "    \(write.value.map(VisibleText.escaped) ?? "(removed)")  by \(VisibleText.escaped(write.author)) (node \(write.origin), \(write.recordedAt))\n"
            }
        }
        return out
    }
}
