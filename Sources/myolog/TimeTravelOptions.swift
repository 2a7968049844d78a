import ArgumentParser
import Foundation
import EventLog
import ClinicalFold
import Projections
import EventModel

/// `--as-of` and `--at-clock`: which events an auditor's question covers, parsed where they are
/// read (an instant and a ``EventLog/VectorClock``), so commands receive a ``TimeTravel``.
struct TimeTravelOptions: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("The record as it stood with events recorded up to this instant.", valueName: "ISO 8601"),
            transform: TimeTravelOptions.instant)
    var asOf: Timestamp?

    @Option(name: .customLong("at-clock"), help: ArgumentHelp("Exactly the events within this vector clock, e.g. {\"abcd…\":42}.", valueName: "clock"),
            transform: TimeTravelOptions.clock)
    var atClock: VectorClock?

    func validate() throws {
        if asOf != nil, atClock != nil { throw ValidationError("as-of: give --as-of or --at-clock, not both") }
    }

    var travel: TimeTravel {
        if let asOf { return .asOf(asOf) }
        if let atClock { return .atClock(atClock) }
        return .now
    }

    /// A date alone means the end of that day here (the clinic's day, as for --date):
    /// everything recorded on it.
    @Sendable static func instant(_ text: String) throws -> Timestamp {
        if let date = CivilDate(iso: text) {
            let nextDay = CivilDate(daysSinceEpoch: date.daysSinceEpoch + 1)
            return Timestamp(millisecondsSinceEpoch: Timestamp(startOf: nextDay, in: .current).millisecondsSinceEpoch - 1)
        }
        guard let instant = Timestamp(rfc3339: text) else {
            throw ValidationError("as-of: \"\(text)\" is not accepted; accepted: an ISO 8601 instant like 2026-03-03T09:15:00Z (fractions and offsets allowed) or a date YYYY-MM-DD")
        }
        return instant
    }

    @Sendable static func clock(_ text: String) throws -> VectorClock {
        guard let clock = VectorClock(text: text) else {
            throw ValidationError("at-clock: \"\(text.prefix(60))\" is not accepted; accepted: a JSON object of node id → positive sequence, e.g. {\"2v5ekk7zzmpxataj\":42}")
        }
        return clock
    }
}
