import EventModel
import Foundation

/// A measurement's value as a FHIR `Quantity`, exactly, in UCUM.
///
/// Myolog stores a value as decimal text with at most two decimals (`12.5`), and its JSON has no
/// fractional numbers (canonical JSON carries integers only, so the same events give the same
/// bytes everywhere). A whole value is given in the unit it was recorded in (`70 deg`); a
/// fractional one in the first finer UCUM unit in which it is whole — the same quantity,
/// exactly: `12.5 cm` is `125 mm`, `12.25 deg` is `735 '` (minutes of arc), `0.75 kg` is
/// `750 g`. The Observation's note says what was recorded, in the recorded unit.
enum MeasuredQuantity {
    /// A UCUM unit, and how many of it make one of the recorded unit.
    struct Unit: Sendable, Equatable {
        let code: String
        let display: String
        let perRecordedUnit: Int
    }

    /// The recorded unit (a ``Vocabularies/measurementUnits`` id, which is its UCUM code), then
    /// finer ones; the last makes any value with two decimals whole.
    static func units(for unit: String) -> [Unit] {
        switch unit {
        case "deg": [Unit(code: "deg", display: "degrees", perRecordedUnit: 1), Unit(code: "'", display: "minutes of arc", perRecordedUnit: 60),
                     Unit(code: "''", display: "seconds of arc", perRecordedUnit: 3600)]
        case "cm": [Unit(code: "cm", display: "centimetres", perRecordedUnit: 1), Unit(code: "mm", display: "millimetres", perRecordedUnit: 10),
                    Unit(code: "um", display: "micrometres", perRecordedUnit: 10_000)]
        case "kg": [Unit(code: "kg", display: "kilograms", perRecordedUnit: 1), Unit(code: "g", display: "grams", perRecordedUnit: 1000)]
        case "s": [Unit(code: "s", display: "seconds", perRecordedUnit: 1), Unit(code: "ms", display: "milliseconds", perRecordedUnit: 1000)]
        default: [Unit(code: unit, display: unit, perRecordedUnit: 1)]
        }
    }

    /// `text` (a ``MeasuredValue``'s canonical text) in `unit`, as a whole number of the first of
    /// ``units(for:)`` that makes it whole; nil for text that is not such a value.
    static func quantity(_ text: String, unit: String) -> (value: Int, unit: Unit)? {
        let negative = text.hasPrefix("-")
        let parts = text.dropFirst(negative ? 1 : 0).split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int(parts[0]), parts.count == 1 || (1...2).contains(parts[1].count),
              let fraction = parts.count == 2 ? Int(String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0)) : 0
        else { return nil }
        let hundredths = (whole * 100 + fraction) * (negative ? -1 : 1)
        for candidate in units(for: unit) where (hundredths * candidate.perRecordedUnit) % 100 == 0 {
            return (hundredths * candidate.perRecordedUnit / 100, candidate)
        }
        return nil
    }

    /// The FHIR `Quantity` of `text` in `unit`.
    static func json(_ text: String, unit: String) -> JSONValue? {
        quantity(text, unit: unit).map { value, unit in
            ["value": .int(value), "unit": .string(unit.display), "system": .string(FHIRCodes.ucum), "code": .string(unit.code)]
        }
    }
}
