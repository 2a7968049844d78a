import EventModel

/// An objective test (``Vocabularies/measurementTests``), on a side or not: a range of motion or
/// strength taken as a value in one of the test's units, or a special test's result.
///
/// Exactly one of the two shapes: a test with units has `value` and `unit` (one of its units)
/// and no `result`; a special test (no units) has `result` (positive or negative) and no value.
/// The value is a decimal's canonical text (``MeasuredValue``): payloads hold strings and small
/// integers, never floating point.
public struct MeasurementRecorded: ClinicalPayload {
    public static let eventType = "MeasurementRecorded"
    /// A ``Vocabularies/measurementTests`` term.
    public var test: String
    /// A ``Vocabularies/sides`` term.
    public var side: String?
    /// A ``MeasuredValue``'s text (`70`, `12.5`).
    public var value: String?
    /// A ``Vocabularies/measurementUnits`` term, one of the test's units.
    public var unit: String?
    /// A ``Vocabularies/testResults`` term.
    public var result: String?
    public var note: String?
    public var visit: EventID?

    public init(test: String, side: String? = nil, value: String? = nil, unit: String? = nil, result: String? = nil, note: String? = nil, visit: EventID? = nil) {
        (self.test, self.side, self.value, self.unit, self.result, self.note, self.visit) = (test, side, value, unit, result, note, visit)
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["test", "side", "value", "unit", "result", "note", "visit"])
        test = try fields.term("test", of: Vocabularies.measurementTests)
        side = try fields.optionalTerm("side", of: Vocabularies.sides)
        value = try fields.optionalDecimal("value")
        unit = try fields.optionalTerm("unit", of: Vocabularies.measurementUnits)
        result = try fields.optionalTerm("result", of: Vocabularies.testResults)
        note = try fields.optionalString("note")
        visit = try fields.optionalEventID("visit")
        let units = Vocabularies.measurementTests.term(id: test)?.units ?? []
        func fail(_ field: String, _ reason: String) -> ClinicalError { .malformedPayload(type: Self.eventType, field: field, reason: reason) }
        if units.isEmpty {
            guard result != nil else { throw fail("result", "missing (\(test) is a special test: positive or negative)") }
            try fields.refuse("value", unless: false, "\(test) is a special test, with a result and no value")
            try fields.refuse("unit", unless: false, "\(test) is a special test, with a result and no unit")
        } else {
            guard value != nil else { throw fail("value", "missing (\(test) is measured in \(units.joined(separator: " or ")))") }
            guard let unit else { throw fail("unit", "missing (\(test) is measured in \(units.joined(separator: " or ")))") }
            guard units.contains(unit) else { throw fail("unit", "\(test) is measured in \(units.joined(separator: " or ")), not \(unit)") }
            try fields.refuse("result", unless: false, "\(test) is measured as a value, not a positive or negative result")
        }
    }

    /// The reading as people say it: `70 deg`, or `positive`.
    public var reading: String {
        if let value { return value + (unit.map { " " + $0 } ?? "") }
        return result ?? ""
    }
}
