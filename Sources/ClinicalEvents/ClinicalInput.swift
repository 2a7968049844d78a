import Foundation
import EventModel

/// Checks and normalises what a person types, field by field. Each check either returns the
/// value to store or throws ``ClinicalError/invalidField(field:value:accepted:)``.
///
/// `today` is the clinic's calendar day in the site's time zone (`timeZone`: the store's own,
/// which `ClinicalRecord` puts here for every write; the machine's only for a store
/// that never recorded one): a date of birth entered in Melbourne on the morning of the 26th is
/// not "in the future" while UTC is still on the 25th.
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

    private func invalid(_ field: String, _ value: String, _ accepted: String) -> ClinicalError {
        .invalidField(field: field, value: value, accepted: accepted)
    }

    /// A person's name: 1–200 characters, no control characters; surrounding spaces trimmed.
    public func name(_ value: String, field: String = "name") throws -> String {
        let trimmed = Self.trimmed(value, newlines: false)
        guard !trimmed.isEmpty, Self.fits(trimmed, Self.maximumNameLength), trimmed.utf8.count <= 4 * Self.maximumNameLength,
            !Self.hasControlCharacters(trimmed, allowingLineBreaks: false)
        else {
            throw invalid(field, value, "1–\(Self.maximumNameLength) characters (\(4 * Self.maximumNameLength) bytes) without control or invisible characters")
        }
        return trimmed
    }

    /// Free text: 1–10,000 characters; line breaks and tabs allowed, other control characters not.
    public func text(_ value: String, field: String) throws -> String {
        let trimmed = Self.trimmed(value, newlines: true)
        guard !trimmed.isEmpty, Self.fits(trimmed, Self.maximumTextLength), trimmed.utf8.count <= 4 * Self.maximumTextLength,
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

    /// A date in a patient's history, not after today.
    public func historyDate(_ date: HistoryDate) throws -> String {
        guard date.earliest <= today else { throw HistoryDate.refusal(date.text, today: today) }
        return date.text
    }

    /// When something happened: a day (the start of that day here), a wall-clock time here, or
    /// an instant; not in the future, not before 1900.
    public func occurredAt(_ date: EntryDate) throws -> Timestamp {
        let refusal = ClinicalError.invalidField(field: date.field, value: date.typed, accepted: EntryDate.accepted(now: now, on: SiteClock(zone: timeZone)))
        if case .day(let day) = date.form, day > today { throw refusal }
        let instant = try date.instant(on: SiteClock(zone: timeZone))
        guard instant <= now, instant >= Timestamp(startOf: CivilDate(year: 1900, month: 1, day: 1)!, in: timeZone) else { throw refusal }
        return instant
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
        // Printable ASCII, the usual case, has no hidden scalar: answered from the bytes, not
        // scalar by scalar through the Unicode property tables. Anything else asks VisibleText.
        if text.utf8.allSatisfy({ (0x20..<0x7F).contains($0) }) { return false }
        return VisibleText.firstHiddenScalar(in: text, allowingLineBreaks: allowingLineBreaks) != nil
    }

    /// Whether `text` has at most `maximum` characters: its byte count answers for most text
    /// without counting grapheme clusters (never more characters than bytes).
    private static func fits(_ text: String, _ maximum: Int) -> Bool {
        text.utf8.count <= maximum || text.count <= maximum
    }

    /// `value` without the white space (and, with `newlines`, line breaks) around it, as
    /// Foundation's `trimmingCharacters(in: .whitespaces / .whitespacesAndNewlines)` has it.
    /// Text that begins and ends with a visible ASCII character — nearly all — is returned as
    /// it is without the bridge to NSString that trimming costs on every field of every write.
    private static func trimmed(_ value: String, newlines: Bool) -> String {
        if let first = value.utf8.first, let last = value.utf8.last, (0x21..<0x7F).contains(first), (0x21..<0x7F).contains(last) { return value }
        return value.trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
    }
}
