/// A score as an exact fraction: instruments divide (NDI's answered items, PSFS's mean,
/// QuickDASH's ÷ n), and a score must read the same on every store and in every checker, so it
/// is never a floating point number. Shown rounded (``text(decimals:)``); compared exactly.
///
/// Guarantees: always in lowest terms with a positive denominator, so equal values are equal
/// structs and hash alike.
public struct ExactScore: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public init(_ numerator: Int, over denominator: Int = 1) {
        precondition(denominator != 0, "a score's denominator is never 0")
        let sign = denominator < 0 ? -1 : 1
        let divisor = Swift.max(Self.gcd(abs(numerator), abs(denominator)), 1)
        self.numerator = sign * numerator / divisor
        self.denominator = sign * denominator / divisor
    }

    /// A decimal's text (`7.5`, `-2`, `0.25`), as instrument files write thresholds; nil when
    /// it is not one.
    public init?(decimal text: String) {
        let negative = text.hasPrefix("-")
        let digits = negative ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let whole = Int(parts[0])
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        var scale = 1
        for _ in fraction { scale *= 10 }
        let value = whole * scale + (Int(fraction) ?? 0)
        self.init(negative ? -value : value, over: scale)
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    public static func + (a: ExactScore, b: ExactScore) -> ExactScore {
        ExactScore(a.numerator * b.denominator + b.numerator * a.denominator, over: a.denominator * b.denominator)
    }
    public static func - (a: ExactScore, b: ExactScore) -> ExactScore {
        ExactScore(a.numerator * b.denominator - b.numerator * a.denominator, over: a.denominator * b.denominator)
    }
    public static prefix func - (a: ExactScore) -> ExactScore { ExactScore(-a.numerator, over: a.denominator) }
    public static func < (a: ExactScore, b: ExactScore) -> Bool { a.numerator * b.denominator < b.numerator * a.denominator }

    /// Rounded half away from zero to `decimals` places, with exactly that many after the point
    /// (`12.5`, `40`, `6.33`, `-8.0`): the one rounding every screen, export and checker uses.
    public func text(decimals: Int) -> String {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = abs(numerator) * scale
        // Half away from zero: add half the denominator before dividing, on the magnitude.
        let rounded = (2 * scaled + denominator) / (2 * denominator)
        let sign = numerator < 0 && rounded != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(rounded) }
        let fraction = String(rounded % scale)
        return sign + String(rounded / scale) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// Exact text for people and logs (`15/2`).
    public var description: String { denominator == 1 ? String(numerator) : "\(numerator)/\(denominator)" }
}
