import EventLog
import ClinicalFold
import Projections
import EventModel

/// The text form of `myolog conflicts`, shared with the demo: when each value was written, on
/// the site's clock, the zone named once at the top.
enum ConflictRendering {
    static func text(_ conflicts: [ConflictListing], clock: SiteClock) -> String {
        if conflicts.isEmpty { return "No conflicts.\n" }
        var out = clock.label() + "\n"
        for listing in conflicts {
            let conflict = listing.conflict
            // One line per value, whatever it holds (``VisibleText/escaped``).
            out += "\(VisibleText.escaped(listing.name)) [\(listing.patientId.rawValue.prefix(8))] \(conflict.field): shown \(conflict.shown.map(VisibleText.escaped) ?? "(removed)")\n"
            for write in conflict.values {
                out += "    \(write.value.map(VisibleText.escaped) ?? "(removed)")  by \(VisibleText.escaped(write.author)) (node \(write.origin), \(clock.minuteWithOffset(write.recordedAt)))\n"
            }
        }
        return out
    }
}
