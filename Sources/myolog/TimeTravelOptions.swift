import ArgumentParser
import Foundation
import EventLog
import Projections

/// `--as-of` and `--at-clock`: which events an auditor's question covers.
struct TimeTravelOptions: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("The record as it stood with events recorded up to this instant.", valueName: "ISO 8601"))
    var asOf: String?

    @Option(name: .customLong("at-clock"), help: ArgumentHelp("Exactly the events within this vector clock, e.g. {\"abcd…\":42}.", valueName: "clock"))
    var atClock: String?

    func validate() throws { _ = try travel() }

    func travel() throws -> TimeTravel {
        switch (asOf, atClock) {
        case (nil, nil): return .now
        case (_?, _?): throw ValidationError("as-of: give --as-of or --at-clock, not both")
        case (let text?, nil):
            // A date alone means the end of that day here (the clinic's day, as for --date):
            // everything recorded on it.
            if let date = CivilDate(iso: text) {
                let nextDay = CivilDate(daysSinceEpoch: date.daysSinceEpoch + 1)
                return .asOf(Timestamp(millisecondsSinceEpoch: Timestamp(startOf: nextDay, in: .current).millisecondsSinceEpoch - 1))
            }
            guard let instant = Timestamp(rfc3339: text) else {
                throw ValidationError("as-of: \"\(text)\" is not accepted; accepted: an ISO 8601 instant like 2026-03-03T09:15:00Z (fractions and offsets allowed) or a date YYYY-MM-DD")
            }
            return .asOf(instant)
        case (nil, let text?):
            guard let clock = VectorClock(text: text) else {
                throw ValidationError("at-clock: \"\(text.prefix(60))\" is not accepted; accepted: a JSON object of node id → positive sequence, e.g. {\"2v5ekk7zzmpxataj\":42}")
            }
            return .atClock(clock)
        }
    }
}
