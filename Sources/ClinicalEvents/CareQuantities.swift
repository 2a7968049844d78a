import Foundation
import EventModel

public enum NeedleCountScale: WholeNumberScale {
    public static let range = 1...50
    public static let field = "needles"
    public static let accepted = "a whole number of needles from 1 to 50"
}

public enum NeedlingDepthScale: WholeNumberScale {
    public static let range = 1...100
    public static let field = "depth-mm"
    public static let accepted = "a whole number of millimetres from 1 to 100"
}

/// How many needles were inserted in one dry-needling entry: 1 to 50.
public typealias NeedleCount = WholeNumber<NeedleCountScale>
/// How deep the needles went, in whole millimetres: 1 to 100.
public typealias NeedlingDepth = WholeNumber<NeedlingDepthScale>

/// A needle's diameter in millimetres, as stored: two decimals, from 0.16 to 0.40 (`"0.25"`).
///
/// Guarantees: ``text`` is always the canonical two-decimal form, so `.25`, `0.250` and `0.25`
/// store alike. Payloads hold strings and small integers, never floating point numbers.
public struct NeedleGauge: Sendable, Hashable, CustomStringConvertible {
    /// The diameter in hundredths of a millimetre (16…40).
    public let hundredths: Int
    public static let range = 16...40
    public static let accepted = "a needle diameter in millimetres from 0.16 to 0.40 (e.g. 0.25)"

    /// The gauge typed (`0.25`, `.25`, `0.3`), or ``ClinicalError/invalidField(field:value:accepted:)``.
    public init(parsing typed: String) throws {
        let text = typed.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].isEmpty || parts[0] == "0", (1...2).contains(parts[1].count) || parts[1].count == 3 && parts[1].hasSuffix("0"),
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let digits = Int(parts[1].prefix(2))
        else { throw ClinicalError.invalidField(field: "gauge", value: typed, accepted: Self.accepted) }
        let hundredths = parts[1].count == 1 ? digits * 10 : digits
        guard Self.range.contains(hundredths) else { throw ClinicalError.invalidField(field: "gauge", value: typed, accepted: Self.accepted) }
        self.hundredths = hundredths
    }

    /// The stored form, or nil when `stored` is not one.
    public init?(stored: String) {
        guard let parsed = try? NeedleGauge(parsing: stored), parsed.text == stored else { return nil }
        self = parsed
    }

    /// `0.25`.
    public var text: String { "0." + (hundredths < 10 ? "0" : "") + String(hundredths) }
    public var description: String { text }
}

/// A measured value as stored: a decimal number's canonical text (`70`, `12.5`, `-5`).
///
/// Guarantees: ``text`` has no sign on zero, no leading zeros, no trailing fractional zeros, at
/// most two decimals and at most six integer digits — one number has one spelling, so two
/// sites storing the same measurement store the same bytes.
public struct MeasuredValue: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public static let accepted = "a number such as 70, 12.5 or -5 (at most 2 decimals)"

    /// The number typed (`70`, `070`, `12.50`, `-5`), canonicalised, or ``ClinicalError/invalidField(field:value:accepted:)``.
    public init(parsing typed: String) throws {
        var text = typed.trimmingCharacters(in: .whitespaces)
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts.first.map(String.init) ?? ""
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard (1...2).contains(parts.count), !integer.isEmpty, parts.count == 1 || !fraction.isEmpty,
              (integer + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw ClinicalError.invalidField(field: "value", value: typed, accepted: Self.accepted) }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let trimmed = String(integer.drop { $0 == "0" })
        let whole = trimmed.isEmpty ? "0" : trimmed
        guard fraction.count <= 2, whole.count <= 6 else { throw ClinicalError.invalidField(field: "value", value: typed, accepted: Self.accepted) }
        let magnitude = whole + (fraction.isEmpty ? "" : "." + fraction)
        self.text = (negative && magnitude != "0" ? "-" : "") + magnitude
    }

    /// A whole number (within ±999,999), as a value.
    public init(whole: Int) {
        precondition(abs(whole) < 1_000_000, "\(whole) is outside ±999,999")
        text = String(whole)
    }

    /// Whether `stored` is a value's canonical text.
    public static func isCanonical(_ stored: String) -> Bool {
        (try? MeasuredValue(parsing: stored))?.text == stored
    }

    public var description: String { text }
}
