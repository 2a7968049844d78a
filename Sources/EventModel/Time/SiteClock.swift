import Foundation

/// How a site reads the time: an instant shown as the wall-clock time in the site's own IANA
/// time zone, and a day meant as that zone's calendar day.
///
/// Guarantees: the same instant and zone give the same text on every machine, whatever its
/// locale or `TZ` (no `DateFormatter`, no locale); across a daylight-saving change each instant
/// gets the offset in force at that instant, so the repeated hour of an autumn change reads twice
/// with two offsets (``offset(at:)``), never as one.
public struct SiteClock: Sendable, Hashable {
    /// The site's zone.
    public let zone: TimeZone

    /// The zone's IANA name, as the site gave it (Foundation calls UTC `GMT` on some platforms).
    public let identifier: String

    /// A clock reading `zone`.
    ///
    /// - Parameter zone: The zone whose wall clock is shown.
    public init(zone: TimeZone) {
        self.zone = zone
        identifier = zone.identifier
    }

    /// The clock of the IANA zone named `identifier` (`Australia/Melbourne`, `Pacific/Auckland`,
    /// `UTC`); nil for anything else — an abbreviation (`AEST`), an offset (`+10:00`) or a name
    /// the zone database does not know — because a site's zone must follow its daylight saving.
    ///
    /// - Parameter identifier: The IANA name.
    public init?(identifier: String) {
        guard identifier == "UTC" || TimeZone.knownTimeZoneIdentifiers.contains(identifier), let zone = TimeZone(identifier: identifier) else {
            return nil
        }
        self.zone = zone
        self.identifier = identifier
    }

    /// Coordinated Universal Time.
    public static let utc = SiteClock(identifier: "UTC")!

    /// The machine's own zone (`TZ`, else the system's): what a store that never recorded its
    /// zone reads on. Foundation's names for UTC (`GMT`, `Etc/UTC`) read as `UTC`, so two
    /// machines on UTC name it alike.
    public static var machine: SiteClock {
        let zone = TimeZone.current
        return utcNames.contains(zone.identifier) ? .utc : SiteClock(zone: zone)
    }

    /// The names Foundation and `TZ` give UTC.
    public static let utcNames: Set<String> = [
        "UTC", "Etc/UTC", "GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu", "Greenwich", "Etc/Greenwich",
    ]

    /// Seconds east of UTC in force at `instant`.
    func secondsEast(at instant: Timestamp) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant.millisecondsSinceEpoch) / 1000))
    }

    /// The calendar day `instant` falls on here.
    ///
    /// - Parameter instant: The instant.
    /// - Returns: The site's calendar day.
    public func day(_ instant: Timestamp) -> CivilDate { instant.civilDate(in: zone) }

    /// `instant` as the site's wall clock reads it, to the minute: `2026-11-27 09:10`.
    ///
    /// - Parameter instant: The instant.
    /// - Returns: Local date and time, 24-hour.
    public func minute(_ instant: Timestamp) -> String {
        let local = instant.millisecondsSinceEpoch + Int64(secondsEast(at: instant)) * 1000
        let (days, milliseconds) = local.floorDivided(by: 86_400_000)
        let minutes = milliseconds / 60_000
        return "\(CivilDate(daysSinceEpoch: days)) \(pad(minutes / 60, 2)):\(pad(minutes % 60, 2))"
    }

    /// The offset from UTC in force at `instant`: `+11:00`, `-03:30`, `+00:00`.
    ///
    /// - Parameter instant: The instant.
    /// - Returns: The offset, signed, hours and minutes.
    public func offset(at instant: Timestamp) -> String {
        let seconds = secondsEast(at: instant)
        let minutes = abs(seconds) / 60
        return "\(seconds < 0 ? "-" : "+")\(pad(Int64(minutes / 60), 2)):\(pad(Int64(minutes % 60), 2))"
    }

    /// `instant` to the minute with its offset, for a time a reader must be able to place
    /// exactly (the repeated hour of an autumn change): `2026-04-05 02:30 +10:00`.
    ///
    /// - Parameter instant: The instant.
    /// - Returns: Local date, time and offset.
    public func minuteWithOffset(_ instant: Timestamp) -> String { "\(minute(instant)) \(offset(at: instant))" }

    /// `instant` to the minute, with its offset only where the minute alone would not place it
    /// (the hour an autumn change repeats): `2026-11-27 09:10`, `2026-04-05 02:30 +11:00`.
    ///
    /// - Parameter instant: The instant.
    /// - Returns: Local date and time, and the offset when that reading happens twice.
    public func unambiguousMinute(_ instant: Timestamp) -> String {
        let local = instant.millisecondsSinceEpoch + Int64(secondsEast(at: instant)) * 1000
        let (days, milliseconds) = local.floorDivided(by: 86_400_000)
        let minutes = Int(milliseconds / 60_000)
        let repeated = instants(on: CivilDate(daysSinceEpoch: days), hour: minutes / 60, minute: minutes % 60).count > 1
        return repeated ? minuteWithOffset(instant) : minute(instant)
    }

    /// The instants at which the site's wall clock reads `hour:minute:second` on `day`, earlier
    /// first: one ordinarily, none in the hour a spring-forward change skips, two in the hour an
    /// autumn change repeats.
    ///
    /// - Parameters:
    ///   - day: The local calendar day.
    ///   - hour: 0–23.
    ///   - minute: 0–59.
    ///   - second: 0–59.
    /// - Returns: Every instant with that local reading.
    public func instants(on day: CivilDate, hour: Int, minute: Int, second: Int = 0) -> [Timestamp] {
        let wall = day.daysSinceEpoch * 86_400_000 + Int64(((hour * 60) + minute) * 60 + second) * 1000
        // Every offset in force within a day of the reading: a change's two sides, or one.
        var offsets = Set<Int>()
        for probe in stride(from: -86_400_000 as Int64, through: 86_400_000, by: 43_200_000) {
            offsets.insert(secondsEast(at: Timestamp(millisecondsSinceEpoch: wall + probe)))
        }
        return offsets.map { Timestamp(millisecondsSinceEpoch: wall - Int64($0) * 1000) }
            .filter { secondsEast(at: $0) * 1000 == Int(wall - $0.millisecondsSinceEpoch) }
            .sorted()
    }

    /// The daylight-saving change nearest a local reading the clock skips or repeats, as the
    /// wall clock reads it: from `02:00` to `03:00` (spring forward), from `03:00` to `02:00`
    /// (fall back). Nil when no change falls within a day of it.
    ///
    /// - Parameters:
    ///   - day: The local calendar day.
    ///   - hour: 0–23.
    ///   - minute: 0–59.
    /// - Returns: The local times the clocks change from and to.
    public func change(near day: CivilDate, hour: Int, minute: Int) -> (from: String, to: String)? {
        let wall = day.daysSinceEpoch * 86_400_000 + Int64((hour * 60) + minute) * 60_000
        let before = Int64(secondsEast(at: Timestamp(millisecondsSinceEpoch: wall - 86_400_000))) * 1000
        let start = Date(timeIntervalSince1970: TimeInterval(wall - before - 86_400_000) / 1000)
        guard let transition = zone.nextDaylightSavingTimeTransition(after: start) else { return nil }
        let instant = Int64((transition.timeIntervalSince1970 * 1000).rounded())
        guard abs(instant - (wall - before)) <= 86_400_000 else { return nil }
        func clock(_ local: Int64) -> String {
            let minutes = local.floorDivided(by: 86_400_000).remainder / 60_000
            return "\(pad(minutes / 60, 2)):\(pad(minutes % 60, 2))"
        }
        let after = Int64(secondsEast(at: Timestamp(millisecondsSinceEpoch: instant))) * 1000
        return (clock(instant + before), clock(instant + after))
    }

    /// The line a screen names its zone with, once: `Times are Australia/Melbourne (UTC+11:00 now).`
    ///
    /// - Parameter now: The instant whose offset is named.
    /// - Returns: One line, no newline.
    public func label(now: Timestamp = .now()) -> String {
        "Times are \(identifier) (UTC\(offset(at: now)) now)."
    }
}
