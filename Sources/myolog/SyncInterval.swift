import ArgumentParser
import SyncHTTP

/// A duration as `--every` and `--round-limit` take it: a whole number with a unit — `90s`,
/// `5m`, `1h` — and at least a second.
struct SyncInterval: CustomStringConvertible, Sendable, Equatable {
    var duration: Duration
    var text: String

    var description: String { text }

    static func parser(for field: String) -> @Sendable (String) throws -> SyncInterval {
        { text in
            let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600]
            guard let unit = text.last, let seconds = units[unit], let count = Int64(text.dropLast()), count >= 1, count <= 7 * 24 * 3600 / seconds,
                  text.dropLast().allSatisfy(\.isASCII)
            else {
                throw ValidationError("\(field): \(text) is not accepted; accepted: a whole number of seconds, minutes or hours of at least 1s and at most a week, e.g. 60s, 5m, 1h")
            }
            return SyncInterval(duration: .seconds(count * seconds), text: text)
        }
    }
}
