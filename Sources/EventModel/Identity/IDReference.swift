import Foundation

/// What a person types to name an event or a patient: the whole id, its first characters (at
/// least ``minimumPrefixLength``), or — for an event — its last
/// ``tailLength`` hex digits.
///
/// Guarantees: ``text`` is lower case, trimmed, and made only of hex digits and hyphens, so a
/// lookup never sees anything else; whether it names one event or patient is the store's answer
/// (the store's `EventReader.resolveEvent(_:)`, `EventReader.patientIDs(withPrefix:limit:)`).
public struct IDReference: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    /// The shortest id prefix accepted for a lookup.
    public static let minimumPrefixLength = 8
    /// How many trailing hex digits of an event id identify it.
    public static let tailLength = 12

    /// Refuses text that cannot name any id: too short, or with characters ids never have.
    ///
    /// - Parameter typed: What the person typed; surrounding spaces are trimmed and letters lower-cased.
    /// - Throws: ``EventLogError/prefixTooShort(_:minimum:)`` for fewer than ``minimumPrefixLength`` characters, ``EventLogError/invalidField(field:value:accepted:)`` for a character no id has.
    public init(_ typed: String) throws {
        let text = typed.trimmingCharacters(in: .whitespaces).lowercased()
        guard text.count >= Self.minimumPrefixLength else { throw EventLogError.prefixTooShort(text, minimum: Self.minimumPrefixLength) }
        guard text.utf8.count <= 36, text.utf8.allSatisfy({ Hex.isDigit($0) || $0 == UInt8(ascii: "-") }) else {
            throw EventLogError.invalidField(field: "id", value: typed, accepted: "a UUID or at least \(Self.minimumPrefixLength) of its first characters (0-9, a-f, -)")
        }
        self.text = text
    }

    /// The reference to exactly this event.
    ///
    /// - Parameter event: The event to name.
    public init(_ event: EventID) { text = event.rawValue }

    /// The reference to exactly this patient.
    ///
    /// - Parameter patient: The patient to name.
    public init(_ patient: PatientID) { text = patient.rawValue }

    public var description: String { text }
}
