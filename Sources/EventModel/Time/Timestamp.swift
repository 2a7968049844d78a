import Foundation

/// An instant with millisecond precision, written as RFC 3339 in UTC: `2026-03-03T09:15:00.000Z`.
///
/// Fixed width, so the text sorts as the instant does, and formatted without `DateFormatter`
/// because every appended event formats two of them.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    /// The instant this many milliseconds after the epoch.
    ///
    /// - Parameter millisecondsSinceEpoch: Milliseconds since 1970-01-01T00:00:00Z.
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
    ///
    /// - Parameter text: An RFC 3339 instant, such as `2026-03-03T09:15:00.000Z` or `2026-03-03T20:15:00+11:00`.
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
    ///
    /// - Parameters:
    ///   - date: The calendar date.
    ///   - timeZone: Whose midnight.
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
    ///
    /// - Parameter timeZone: The zone whose calendar counts.
    /// - Returns: The date.
    public func civilDate(in timeZone: TimeZone) -> CivilDate {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(millisecondsSinceEpoch) / 1000))) * 1000
        return CivilDate(daysSinceEpoch: (millisecondsSinceEpoch + offset).floorDivided(by: 86_400_000).quotient)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so instants before 1970 format correctly.
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var (q, r) = quotientAndRemainder(dividingBy: divisor)
        if r < 0 { q -= 1; r += divisor }
        return (q, r)
    }
}
