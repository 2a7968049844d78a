import ArgumentParser
import ClinicalEvents
import Foundation
import EventLog
import ClinicalFold
import Projections
import EventModel

/// `--as-of` and `--at-clock`: which events an auditor's question covers, parsed where they are
/// read (a date or time, and a ``EventLog/VectorClock``), so commands receive a ``TimeTravel``
/// once the site's clock says which instant a typed day or time is (``travel(on:)``).
struct TimeTravelOptions: ParsableArguments {
    @Option(name: .customLong("as-of"),
            help: ArgumentHelp("The record as it stood with events recorded up to this day (its end), local time or instant.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"),
            transform: { try EntryDate($0, field: "as-of") })
    var asOf: EntryDate?

    @Option(name: .customLong("at-clock"), help: ArgumentHelp("Exactly the events within this vector clock, e.g. {\"abcd…\":42}.", valueName: "clock"),
            transform: TimeTravelOptions.clock)
    var atClock: VectorClock?

    func validate() throws {
        if asOf != nil, atClock != nil { throw ValidationError("as-of: give --as-of or --at-clock, not both") }
    }

    /// The events the question covers, a typed day or time read on the site's `clock`: a date
    /// alone means the end of that day there (everything recorded on it), a time without an
    /// offset that wall-clock time there.
    ///
    /// - Throws: a refusal naming `as-of` for a time the site's clock skips or repeats.
    func travel(on clock: SiteClock) throws -> TimeTravel {
        if let asOf { return .asOf(try asOf.lastInstant(on: clock)) }
        if let atClock { return .atClock(atClock) }
        return .now
    }

    @Sendable static func clock(_ text: String) throws -> VectorClock {
        guard let clock = VectorClock(text: text) else {
            throw ValidationError("at-clock: \"\(text.prefix(60))\" is not accepted; accepted: a JSON object of node id → positive sequence, e.g. {\"2v5ekk7zzmpxataj\":42}")
        }
        return clock
    }
}
