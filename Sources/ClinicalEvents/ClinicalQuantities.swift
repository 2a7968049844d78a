import EventLog
import Foundation

/// A pain score on the 0–10 numeric rating scale (0 = no pain, 10 = worst imaginable).
///
/// Guarantees: ``value`` is a whole number from 0 to 10.
public struct PainScore: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let value: Int
    static let accepted = "a whole number from 0 to 10 (0 = no pain, 10 = worst imaginable)"

    /// Nil outside 0–10.
    public init?(_ value: Int) {
        guard (0...10).contains(value) else { return nil }
        self.value = value
    }

    /// A whole number as typed (surrounding spaces allowed), nothing else: not `7.5`, `+7` or `seven`.
    public init(_ typed: String) throws {
        let text = typed.trimmingCharacters(in: .whitespaces)
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text), let score = PainScore(number) else {
            throw EventLogError.invalidField(field: "score", value: typed, accepted: Self.accepted)
        }
        self = score
    }

    /// A literal outside 0–10 is a programming error and traps.
    public init(integerLiteral value: Int) {
        guard let score = PainScore(value) else { preconditionFailure("score: \(value) is outside 0–10") }
        self = score
    }

    public var description: String { String(value) }
}

/// Minutes of treatment: a whole number from 1 to 240.
public struct TreatmentMinutes: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let value: Int
    static let accepted = "a whole number of minutes from 1 to 240"

    /// Nil outside 1–240.
    public init?(_ value: Int) {
        guard (1...240).contains(value) else { return nil }
        self.value = value
    }

    public init(_ typed: String) throws {
        let text = typed.trimmingCharacters(in: .whitespaces)
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text), let minutes = TreatmentMinutes(number) else {
            throw EventLogError.invalidField(field: "minutes", value: typed, accepted: Self.accepted)
        }
        self = minutes
    }

    /// A literal outside 1–240 is a programming error and traps.
    public init(integerLiteral value: Int) {
        guard let minutes = TreatmentMinutes(value) else { preconditionFailure("minutes: \(value) is outside 1–240") }
        self = minutes
    }

    public var description: String { String(value) }
}
