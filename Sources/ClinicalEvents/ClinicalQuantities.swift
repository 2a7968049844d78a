import Foundation
import EventModel

/// The range and words of one whole-number scale a clinician types (``PainScore``, ``TreatmentMinutes``).
public protocol WholeNumberScale: Sendable {
    static var range: ClosedRange<Int> { get }
    /// The field refusals name (`score`, `minutes`).
    static var field: String { get }
    /// What a refusal says is accepted.
    static var accepted: String { get }
}

/// A whole number on one scale, as a value.
///
/// Guarantees: ``value`` lies in `Scale.range`. Text is accepted only as digits (surrounding
/// spaces allowed): not `7.5`, `+7`, `1e1` or `seven`.
public struct WholeNumber<Scale: WholeNumberScale>: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let value: Int

    /// Nil outside the scale.
    public init?(_ value: Int) {
        guard Scale.range.contains(value) else { return nil }
        self.value = value
    }

    /// The number typed, or ``ClinicalError/invalidField(field:value:accepted:)``.
    public init(_ typed: String) throws {
        let text = typed.trimmingCharacters(in: .whitespaces)
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text), let checked = Self(number) else {
            throw ClinicalError.invalidField(field: Scale.field, value: typed, accepted: Scale.accepted)
        }
        self = checked
    }

    /// A literal off the scale is a programming error and traps.
    public init(integerLiteral value: Int) {
        guard let checked = Self(value) else { preconditionFailure("\(Scale.field): \(value) is outside \(Scale.range)") }
        self = checked
    }

    public var description: String { String(value) }
}

public enum PainScale: WholeNumberScale {
    public static let range = 0...10
    public static let field = "score"
    public static let accepted = "a whole number from 0 to 10 (0 = no pain, 10 = worst imaginable)"
}

public enum TreatmentMinutesScale: WholeNumberScale {
    public static let range = 1...240
    public static let field = "minutes"
    public static let accepted = "a whole number of minutes from 1 to 240"
}

/// A pain score on the 0–10 numeric rating scale (0 = no pain, 10 = worst imaginable).
public typealias PainScore = WholeNumber<PainScale>
/// Minutes of treatment: a whole number from 1 to 240.
public typealias TreatmentMinutes = WholeNumber<TreatmentMinutesScale>
