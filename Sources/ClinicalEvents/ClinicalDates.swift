import Foundation
import EventModel

/// When an entry happened, as typed: a calendar day (`2026-03-03`, the start of that day in the
/// site's time zone), a wall-clock time there (`2026-11-27 09:10`, `2026-11-27T09:10`), or an
/// instant with its offset (`2026-03-03T09:15:00Z`, `2026-04-05 02:30+11:00`).
///
/// Only the form is checked here; which instant a day or a wall-clock time is depends on the
/// site's zone (``instant(on:)``), and whether it is in the future or before the patient was born
/// is the record's question (``ClinicalInput/occurredAt(_:)``, ``ClinicalSession``).
public struct EntryDate: Sendable, Hashable, CustomStringConvertible {
    public enum Form: Sendable, Hashable {
        case day(CivilDate)
        /// A wall-clock time in the site's zone, without an offset.
        case localTime(CivilDate, hour: Int, minute: Int, second: Int)
        case instant(Timestamp)
    }

    public let form: Form
    /// What was typed, for refusals that quote it.
    public let typed: String
    /// The option it was typed for (`date`, `as-of`, `since`), for refusals that name it.
    public let field: String

    /// Reads `typed` for `--date`, refusing anything but the accepted forms.
    ///
    /// - Parameter typed: What was typed.
    /// - Throws: ``ClinicalError/invalidField(field:value:accepted:)`` naming `date`.
    public init(_ typed: String) throws { try self.init(typed, field: "date") }

    /// Reads `typed`, refusing anything but the accepted forms.
    ///
    /// - Parameters:
    ///   - typed: What was typed.
    ///   - field: The option it was typed for, named in refusals.
    /// - Throws: ``ClinicalError/invalidField(field:value:accepted:)`` naming `field`.
    public init(_ typed: String, field: String) throws {
        let text = typed.trimmingCharacters(in: .whitespaces)
        self.typed = typed
        self.field = field
        if let date = CivilDate(iso: text) {
            form = .day(date)
        } else if let instant = Timestamp(rfc3339: text) {
            form = .instant(instant)
        } else if let form = Self.wallClock(text) {
            self.form = form
        } else {
            throw ClinicalError.invalidField(field: field, value: typed, accepted: Self.accepted(now: .now()))
        }
    }

    public init(_ day: CivilDate) {
        form = .day(day)
        typed = day.description
        field = "date"
    }

    public init(_ instant: Timestamp) {
        form = .instant(instant)
        typed = instant.description
        field = "date"
    }

    public var description: String { typed }

    /// `YYYY-MM-DD HH:MM[:SS]` (or with `T`), optionally followed by `Z` or `±HH:MM`: a local
    /// time, or with the offset an instant.
    private static func wallClock(_ text: String) -> Form? {
        guard let match = text.wholeMatch(of: /(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2}))? ?(Z|z|[+-]\d{2}:\d{2})?/),
            let day = CivilDate(iso: String(match.output.1)), let hour = Int(match.output.2), let minute = Int(match.output.3),
            hour < 24, minute < 60
        else { return nil }
        let second = match.output.4.flatMap { Int($0) } ?? 0
        guard second < 60 else { return nil }
        guard let offset = match.output.5 else { return .localTime(day, hour: hour, minute: minute, second: second) }
        return Timestamp(rfc3339: "\(day)T\(pad(hour)):\(pad(minute)):\(pad(second))\(offset)").map(Form.instant)
    }

    /// The instant this names on `clock`: a day's first instant, the one instant a wall-clock
    /// time names there, or the instant typed.
    ///
    /// - Parameter clock: The site's clock.
    /// - Throws: ``ClinicalError/invalidField(field:value:accepted:)`` for a wall-clock time the
    ///   site's clock skips (a spring-forward change) or reads twice (an autumn change: the
    ///   offset tells the two apart).
    /// - Returns: The instant.
    public func instant(on clock: SiteClock) throws -> Timestamp {
        switch form {
        case .day(let day):
            return Timestamp(startOf: day, in: clock.zone)
        case .instant(let instant):
            return instant
        case .localTime(let day, let hour, let minute, let second):
            let found = clock.instants(on: day, hour: hour, minute: minute, second: second)
            let time = "\(day) \(Self.pad(hour)):\(Self.pad(minute))\(second == 0 ? "" : ":\(Self.pad(second))")"
            switch found.count {
            case 1:
                return found[0]
            case 0:
                let change = clock.change(near: day, hour: hour, minute: minute).map { " (the clocks go from \($0.from) to \($0.to))" } ?? ""
                throw ClinicalError.invalidField(
                    field: field, value: typed,
                    accepted: "a time that exists in \(clock.identifier): \(time) does not, daylight saving starts that night\(change)")
            default:
                let change = clock.change(near: day, hour: hour, minute: minute).map { " (the clocks go back from \($0.from) to \($0.to))" } ?? ""
                let offsets = found.map { "\(time)\(clock.offset(at: $0))" }
                throw ClinicalError.invalidField(
                    field: field, value: typed,
                    accepted: "a time that happens once in \(clock.identifier): \(time) happens twice, daylight saving ends that night\(change); give its offset, \(offsets[0]) (the first) or \(offsets[1]) (the second)")
            }
        }
    }

    /// The last instant this covers on `clock`: for a day, its last millisecond there (everything
    /// recorded on it); otherwise ``instant(on:)``.
    ///
    /// - Parameter clock: The site's clock.
    /// - Returns: The last instant.
    /// - Throws: As ``instant(on:)``.
    public func lastInstant(on clock: SiteClock) throws -> Timestamp {
        guard case .day(let day) = form else { return try instant(on: clock) }
        let next = Timestamp(startOf: CivilDate(daysSinceEpoch: day.daysSinceEpoch + 1), in: clock.zone)
        return Timestamp(millisecondsSinceEpoch: next.millisecondsSinceEpoch - 1)
    }

    private static func pad(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }

    /// What a typed date may be; "now" on the site's clock when the refusal knows it (a person
    /// reads it against the time they typed), else as an instant.
    public static func accepted(now: Timestamp, on clock: SiteClock? = nil) -> String {
        "a date YYYY-MM-DD, a time YYYY-MM-DD HH:MM in the site's time zone, or an instant with an offset like 2026-03-03T09:15:00Z or 2026-04-05 02:30+11:00, from 1900-01-01 up to now (\(clock?.minuteWithOffset(now) ?? now.description))"
    }
}

/// A date in a patient's history, as precise as they remember it: `YYYY`, `YYYY-MM` or
/// `YYYY-MM-DD`, from 1900 on.
///
/// Guarantees: ``text`` is one of those forms and names a real year, month or day; whether it is
/// in the future is checked against the clinic's today (``ClinicalInput/historyDate(_:)``).
public struct HistoryDate: Sendable, Hashable, CustomStringConvertible {
    /// The stored form (`2019`, `2019-06`, `2019-06-14`).
    public let text: String
    /// The first and last day the date can mean.
    public let earliest: CivilDate, latest: CivilDate

    public init(_ typed: String) throws {
        let text = typed.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts[0].count == 4, parts.dropFirst().allSatisfy({ $0.count == 2 }),
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { throw Self.refusal(typed, today: nil) }
        let numbers = parts.map { Int($0)! }
        let month = numbers.count > 1 ? numbers[1] : nil, day = numbers.count == 3 ? numbers[2] : nil
        let lastDay = day ?? CivilDate.daysIn(month: max(1, min(12, month ?? 12)), year: numbers[0])
        guard numbers[0] >= 1900,
            let earliest = CivilDate(year: numbers[0], month: month ?? 1, day: day ?? 1),
            let latest = CivilDate(year: numbers[0], month: month ?? 12, day: lastDay)
        else { throw Self.refusal(typed, today: nil) }
        self.text = text
        self.earliest = earliest
        self.latest = latest
    }

    public var description: String { text }

    static func refusal(_ typed: String, today: CivilDate?) -> ClinicalError {
        .invalidField(field: "date", value: typed, accepted: "YYYY, YYYY-MM or YYYY-MM-DD, not after today (\(today ?? Timestamp.now().civilDate(in: .current)))")
    }
}
