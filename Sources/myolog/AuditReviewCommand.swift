import AccessAudit
import ArgumentParser
import EventLog
import Foundation
import EventModel

struct AuditReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Flag what a privacy officer looks for in the access log, each flag with its evidence.",
        discussion: """
            never-treated   a record read, exported or reported for treatment by a user who wrote
                            no clinical event about that patient
            outside-hours   an access outside the opening hours (--hours, in --time-zone: by
                            default the site's zone, `myolog site time-zone`)
            unusual-volume  a user who, on one day, accessed at least --volume-factor times as
                            many patients as the median of the other users that day (and at
                            least --volume-minimum)
            erased-patient  an access to what remains of a patient after their erasure (also a
                            refused one: `show` then says who erased them, when and why)
            Other refused accesses showed nothing and are not flagged.

            Examples:
              myolog audit review --since 2026-03-01
              myolog audit review --hours 08:00-18:30 --time-zone Australia/Melbourne --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filter: AuditFilterOptions
    @Option(help: ArgumentHelp("Opening hours, local time: HH:MM-HH:MM.", valueName: "hours"), transform: AuditReviewCommand.hours)
    var hours: ClosedRange<Int> = (7 * 60)...(20 * 60)
    @Option(help: ArgumentHelp("The clinic's time zone (IANA name; default: the site's).", valueName: "zone"), transform: AuditReviewCommand.zone)
    var timeZone: SiteClock?
    @Option(help: ArgumentHelp("Flag a user at this many times the median of the others' patients that day.", valueName: "factor"))
    var volumeFactor: Double = 3
    @Option(help: ArgumentHelp("… and at least this many patients.", valueName: "count"))
    var volumeMinimum: Int = 10

    func validate() throws {
        guard volumeFactor.isFinite, volumeFactor >= 1 else { throw ValidationError("volume-factor: \(volumeFactor) is not accepted; accepted: a number of at least 1") }
        guard volumeMinimum >= 1 else { throw ValidationError("volume-minimum: \(volumeMinimum) is not accepted; accepted: a whole number of at least 1") }
    }

    func run() throws {
        let store = try global.openStore()
        try global.require(.reviewAccess, in: store)
        let clock = try timeZone ?? global.siteClock(store)
        let settings = AccessReview.Settings(opens: hours.lowerBound, closes: hours.upperBound, timeZone: clock.zone, volumeFactor: volumeFactor, volumeMinimum: volumeMinimum)
        let flags = try store.read { reader in try AccessReview(reader, settings: settings).flags(try filter.filter(in: reader, clock: clock)) }
        if global.json {
            print(try CanonicalEncoder().string(flags))
            return
        }
        print(clock.label())
        for flag in flags {
            print("\(clock.minuteWithOffset(flag.at))  \(flag.rule.rawValue): \(VisibleText.escaped(flag.evidence)) [\(flag.accesses.map(\.rawValue).joined(separator: ", "))]")
        }
        print("\(flags.count) flag\(flags.count == 1 ? "" : "s")")
    }

    @Sendable static func hours(_ text: String) throws -> ClosedRange<Int> {
        let parts = text.split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0) } }
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && (0..<24).contains($0[0]) && (0..<60).contains($0[1]) }),
              parts[0][0] * 60 + parts[0][1] < parts[1][0] * 60 + parts[1][1] else {
            throw ValidationError("hours: \"\(text.prefix(40))\" is not accepted; accepted: opening and closing times HH:MM-HH:MM, opening first, e.g. 07:00-20:00")
        }
        return (parts[0][0] * 60 + parts[0][1])...(parts[1][0] * 60 + parts[1][1])
    }

    @Sendable static func zone(_ text: String) throws -> SiteClock {
        try SiteTimeZoneCommand.zone(text).clock
    }
}
