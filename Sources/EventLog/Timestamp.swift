import Foundation

/// An instant with millisecond precision, written as RFC 3339 in UTC: `2026-03-03T09:15:00.000Z`.
///
/// Fixed width, so the text sorts as the instant does, and formatted without `DateFormatter`
/// because every appended event formats two of them.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// The current instant from the system clock.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The RFC 3339 text, e.g. `2026-03-03T09:15:00.000Z`.
    public var description: String {
        String(unsafeUninitializedCapacity: 24) { buffer in
            let (days, msOfDay) = millisecondsSinceEpoch.floorDivided(by: 86_400_000)
            let date = CivilDate(daysSinceEpoch: days)
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            let ms = Int(msOfDay)
            put(date.year, 4, at: 0); buffer[4] = UInt8(ascii: "-")
            put(date.month, 2, at: 5); buffer[7] = UInt8(ascii: "-")
            put(date.day, 2, at: 8); buffer[10] = UInt8(ascii: "T")
            put(ms / 3_600_000, 2, at: 11); buffer[13] = UInt8(ascii: ":")
            put(ms / 60_000 % 60, 2, at: 14); buffer[16] = UInt8(ascii: ":")
            put(ms / 1000 % 60, 2, at: 17); buffer[19] = UInt8(ascii: ".")
            put(ms % 1000, 3, at: 20); buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// Parses RFC 3339 with a `Z` or `±hh:mm` offset and optional fractional seconds (kept to the
    /// millisecond). Returns nil for anything else, including impossible dates.
    public init?(rfc3339 text: String) {
        // Read in place: every stored event has two instants, and copying each into an array
        // was a measurable part of reading the log.
        var text = text
        guard let milliseconds = text.withUTF8({ Self.parseRFC3339($0) }) else { return nil }
        self.init(millisecondsSinceEpoch: milliseconds)
    }

    private static func parseRFC3339(_ utf8: UnsafeBufferPointer<UInt8>) -> Int64? {
        func digits(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= utf8.count else { return nil }
            var value: Int64 = 0
            for byte in utf8[start..<start + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard utf8.count >= 20, let year = digits(0, 4), utf8[4] == 45, let month = digits(5, 2), utf8[7] == 45,
            let day = digits(8, 2), utf8[10] == UInt8(ascii: "T") || utf8[10] == UInt8(ascii: "t"),
            let hour = digits(11, 2), utf8[13] == 58, let minute = digits(14, 2), utf8[16] == 58,
            let second = digits(17, 2), hour < 24, minute < 60, second < 60,
            let date = CivilDate(year: Int(year), month: Int(month), day: Int(day))
        else { return nil }
        var index = 19
        var millis: Int64 = 0
        if utf8[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100
            let start = index
            while index < utf8.count, (48...57).contains(utf8[index]) {
                millis += Int64(utf8[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < utf8.count else { return nil }
        var offsetMinutes: Int64 = 0
        switch utf8[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == utf8.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == utf8.count, let oh = digits(index + 1, 2), utf8[index + 3] == 58,
                let om = digits(index + 4, 2), oh < 24, om < 60
            else { return nil }
            offsetMinutes = (oh * 60 + om) * (utf8[index] == UInt8(ascii: "+") ? 1 : -1)
        default: return nil
        }
        return date.daysSinceEpoch * 86_400_000 + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis
    }

    /// Midnight at the start of `date` in `timeZone`.
    public init(startOf date: CivilDate, in timeZone: TimeZone) {
        let utcMidnight = date.daysSinceEpoch * 86_400_000
        // The offset in force at that midnight; two probes settle a DST change near it.
        let guess = Date(timeIntervalSince1970: TimeInterval(utcMidnight) / 1000)
        var offset = Int64(timeZone.secondsFromGMT(for: guess)) * 1000
        let refined = Date(timeIntervalSince1970: TimeInterval(utcMidnight - offset) / 1000)
        offset = Int64(timeZone.secondsFromGMT(for: refined)) * 1000
        self.init(millisecondsSinceEpoch: utcMidnight - offset)
    }

    /// The calendar date of this instant in `timeZone`.
    public func civilDate(in timeZone: TimeZone) -> CivilDate {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(millisecondsSinceEpoch) / 1000))) * 1000
        return CivilDate(daysSinceEpoch: (millisecondsSinceEpoch + offset).floorDivided(by: 86_400_000).quotient)
    }
}

/// A calendar date without a time or a zone: a date of birth, the day of a past surgery.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Nil when the date does not exist (2026-02-30) or the year is outside 1–9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CivilDate.daysIn(month: month, year: year)
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// Parses `YYYY-MM-DD` exactly.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    public var daysSinceEpoch: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        (year, month, day) = (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String { "\(pad(Int64(year), 4))-\(pad(Int64(month), 2))-\(pad(Int64(day), 2))" }
}

private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension Int64 {
    /// Division rounding toward negative infinity, so instants before 1970 format correctly.
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var (q, r) = quotientAndRemainder(dividingBy: divisor)
        if r < 0 { q -= 1; r += divisor }
        return (q, r)
    }
}
