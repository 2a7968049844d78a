import EventLog
import Foundation

/// Checks and normalises what a person types, field by field. Each check either returns the
/// value to store or throws ``EventLog/EventLogError/invalidField(field:value:accepted:)``.
///
/// `today` is the clinic's calendar day (the machine's time zone): a date of birth entered in
/// Melbourne on the morning of the 26th is not "in the future" while UTC is still on the 25th.
public struct ClinicalInput: Sendable {
    public var now: Timestamp
    public var timeZone: TimeZone

    public init(now: Timestamp = .now(), timeZone: TimeZone = .current) {
        self.now = now
        self.timeZone = timeZone
    }

    public var today: CivilDate { now.civilDate(in: timeZone) }

    /// The longest free text accepted (notes, history entries, reasons).
    public static let maximumTextLength = 10_000
    /// The longest name accepted.
    public static let maximumNameLength = 200

    private func invalid(_ field: String, _ value: String, _ accepted: String) -> EventLogError {
        .invalidField(field: field, value: value, accepted: accepted)
    }

    /// A person's name: 1–200 characters, no control characters; surrounding spaces trimmed.
    public func name(_ value: String, field: String = "name") throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= Self.maximumNameLength, trimmed.utf8.count <= 4 * Self.maximumNameLength,
            !Self.hasControlCharacters(trimmed, allowingLineBreaks: false)
        else {
            throw invalid(field, value, "1–\(Self.maximumNameLength) characters (\(4 * Self.maximumNameLength) bytes) without control or invisible characters")
        }
        return trimmed
    }

    /// Free text: 1–10,000 characters; line breaks and tabs allowed, other control characters not.
    public func text(_ value: String, field: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= Self.maximumTextLength, trimmed.utf8.count <= 4 * Self.maximumTextLength,
            !Self.hasControlCharacters(trimmed, allowingLineBreaks: true)
        else {
            throw invalid(field, value, "text of 1–\(Self.maximumTextLength) characters without control or invisible characters other than line breaks and tabs")
        }
        return trimmed
    }

    /// A date of birth: `YYYY-MM-DD`, a real date, not after today, not before 1900.
    public func dateOfBirth(_ value: String) throws -> CivilDate {
        let accepted = "a date YYYY-MM-DD between 1900-01-01 and today (\(today))"
        guard let date = CivilDate(iso: value.trimmingCharacters(in: .whitespaces)), date <= today,
            date >= CivilDate(year: 1900, month: 1, day: 1)!
        else { throw invalid("dob", value, accepted) }
        return date
    }

    /// A date in a patient's history, as precise as they remember it: `YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`, not in the future.
    public func historyDate(_ value: String) throws -> String {
        let accepted = "YYYY, YYYY-MM or YYYY-MM-DD, not after today (\(today))"
        let text = value.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts[0].count == 4, parts.dropFirst().allSatisfy({ $0.count == 2 }),
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { throw invalid("date", value, accepted) }
        let numbers = parts.map { Int($0)! }
        let lastDay = numbers.count > 1 ? (numbers.count == 3 ? numbers[2] : CivilDate.daysIn(month: max(1, min(12, numbers[1])), year: numbers[0])) : 31
        guard let earliest = CivilDate(year: numbers[0], month: numbers.count > 1 ? numbers[1] : 1, day: numbers.count == 3 ? numbers[2] : 1),
            CivilDate(year: numbers[0], month: numbers.count > 1 ? numbers[1] : 12, day: lastDay) != nil,
            earliest <= today, numbers[0] >= 1900
        else { throw invalid("date", value, accepted) }
        return text
    }

    /// When something happened: `YYYY-MM-DD` (the start of that day here) or an RFC 3339
    /// instant; not in the future.
    public func occurredAt(_ value: String) throws -> Timestamp {
        let accepted = "a date YYYY-MM-DD or an instant like 2026-03-03T09:15:00Z, from 1900-01-01 up to now (\(now))"
        let text = value.trimmingCharacters(in: .whitespaces)
        let instant: Timestamp
        if let date = CivilDate(iso: text) {
            guard date <= today else { throw invalid("date", value, accepted) }
            instant = Timestamp(startOf: date, in: timeZone)
        } else if let parsed = Timestamp(rfc3339: text) {
            instant = parsed
        } else {
            throw invalid("date", value, accepted)
        }
        guard instant <= now, instant >= Timestamp(startOf: CivilDate(year: 1900, month: 1, day: 1)!, in: timeZone) else { throw invalid("date", value, accepted) }
        return instant
    }

    /// A pain score on the 0–10 numeric rating scale: a whole number, nothing else.
    public func painScore(_ value: String) throws -> Int {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let score = Int(text), (0...10).contains(score) else {
            throw invalid("score", value, "a whole number from 0 to 10 (0 = no pain, 10 = worst imaginable)")
        }
        return score
    }

    /// Treatment minutes: a whole number from 1 to 240.
    public func minutes(_ value: String) throws -> Int {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let minutes = Int(text), (1...240).contains(minutes) else {
            throw invalid("minutes", value, "a whole number of minutes from 1 to 240")
        }
        return minutes
    }

    /// A phone number: digits with optional `+`, spaces, dots, hyphens and parentheses; 6–15 digits.
    public func phone(_ value: String) throws -> String {
        let text = value.trimmingCharacters(in: .whitespaces)
        let digits = text.filter { $0.isASCII && $0.isNumber }.count
        guard (6...15).contains(digits), text.allSatisfy({ ($0.isASCII && $0.isNumber) || " +-.()".contains($0) }) else {
            throw invalid("phone", value, "6–15 digits, optionally with + ( ) - . and spaces")
        }
        return text
    }

    /// An e-mail address: one `@` with text on both sides, a dot in the domain, no spaces.
    public func email(_ value: String) throws -> String {
        let text = value.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            text.count <= 254, !text.contains(where: { $0.isWhitespace || $0.isNewline }),
            !Self.hasControlCharacters(text, allowingLineBreaks: false)
        else { throw invalid("email", value, "an address like name@example.org") }
        return text
    }

    /// A postal address: free text on up to a few lines.
    public func address(_ value: String) throws -> String {
        let text = try self.text(value, field: "address")
        guard text.count <= 500 else { throw invalid("address", value, "up to 500 characters") }
        return text
    }

    static func hasControlCharacters(_ text: String, allowingLineBreaks: Bool) -> Bool {
        VisibleText.firstHiddenScalar(in: text, allowingLineBreaks: allowingLineBreaks) != nil
    }
}
