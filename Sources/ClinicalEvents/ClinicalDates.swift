import Foundation
import EventModel

/// When an entry happened, as typed: a calendar day (`2026-03-03`, the start of that day in the
/// clinic's time zone) or an RFC 3339 instant (`2026-03-03T09:15:00Z`).
///
/// Only the form is checked here; whether it is in the future or before the patient was born is
/// the record's question (``ClinicalInput/occurredAt(_:)``, ``ClinicalSession``).
public struct EntryDate: Sendable, Hashable, CustomStringConvertible {
    public enum Form: Sendable, Hashable {
        case day(CivilDate)
        case instant(Timestamp)
    }

    public let form: Form
    /// What was typed, for refusals that quote it.
    public let typed: String

    public init(_ typed: String) throws {
        let text = typed.trimmingCharacters(in: .whitespaces)
        if let date = CivilDate(iso: text) {
            form = .day(date)
        } else if let instant = Timestamp(rfc3339: text) {
            form = .instant(instant)
        } else {
            throw ClinicalError.invalidField(field: "date", value: typed, accepted: Self.accepted(now: .now()))
        }
        self.typed = typed
    }

    public init(_ day: CivilDate) {
        form = .day(day)
        typed = day.description
    }

    public init(_ instant: Timestamp) {
        form = .instant(instant)
        typed = instant.description
    }

    public var description: String { typed }

    static func accepted(now: Timestamp) -> String {
        "a date YYYY-MM-DD or an instant like 2026-03-03T09:15:00Z, from 1900-01-01 up to now (\(now))"
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
