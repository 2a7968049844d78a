import ClinicalEvents
import EventModel

/// An outcome score as a FHIR `Quantity`, exactly, with integers only — as ``MeasuredQuantity``
/// gives a measurement: Myolog's JSON has no fractional numbers (the same events give the same
/// bytes everywhere), so a score is given as shown (rounded half away from zero to its
/// instrument's decimals, ``ExactScore/text(decimals:)``) in UCUM `{score}` (or `%`) when that
/// is whole, and otherwise in the first finer power of ten that makes it whole — the same
/// quantity, exactly: NDI 18.9 points is `189 10*-1.{score}`, tenths of a point. The
/// Observation's note says the score as shown.
enum ScoreQuantity {
    /// The FHIR `Quantity` of `score` as `rule` shows it, and whether its unit is a finer one
    /// than the score's own.
    static func json(_ score: ExactScore, rule: Instrument.ScoreRule) -> (quantity: JSONValue, finer: Bool) {
        let shown = score.text(decimals: rule.decimals)
        let negative = shown.hasPrefix("-")
        let parts = shown.dropFirst(negative ? 1 : 0).split(separator: ".")
        // Trailing zeros say nothing about the value: 12.0 is 12 points, 18.90 is 18.9.
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let magnitude = Int(String(parts[0]) + fraction)!
        let given = unit(fractionDigits: fraction.count, percent: rule.unit == "%", points: rule.unit ?? "points")
        let quantity: JSONValue = ["value": .int(negative ? -magnitude : magnitude), "unit": .string(given.display), "system": .string(FHIRCodes.ucum),
                                   "code": .string(given.code)]
        return (quantity, !fraction.isEmpty)
    }

    /// The UCUM unit of a score with `fractionDigits` decimals (0, 1 or 2): `{score}` or `%`, or
    /// tenths or hundredths of them (`10*-1.{score}`); `points`: how the instrument reads its score.
    static func unit(fractionDigits: Int, percent: Bool, points: String = "points") -> (code: String, display: String) {
        let base = percent ? "%" : "{score}"
        guard fractionDigits > 0 else { return (base, percent ? "%" : points) }
        let part = fractionDigits == 1 ? "tenths" : "hundredths"
        return ("10*-\(fractionDigits).\(base)", "\(part) of a \(percent ? "percent" : "point")")
    }

    /// Every unit a score is given in, for the review table.
    static var units: [(code: String, display: String)] {
        [false, true].flatMap { percent in (0...2).map { unit(fractionDigits: $0, percent: percent) } }
    }
}
