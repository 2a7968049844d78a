import Foundation

/// What a person types to name an event or a patient: the whole id, its first characters (at
/// least ``EventReader/minimumPrefixLength``), or — for an event — its last
/// ``EventReader/tailLength`` hex digits.
///
/// Guarantees: ``text`` is lower case, trimmed, and made only of hex digits and hyphens, so a
/// lookup never sees anything else; whether it names one event or patient is the store's answer
/// (``EventReader/resolveEvent(_:)``, ``EventReader/patientIDs(withPrefix:limit:)``).
public struct IDReference: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    /// Refuses text that cannot name any id: too short, or with characters ids never have.
    public init(_ typed: String) throws {
        let text = typed.trimmingCharacters(in: .whitespaces).lowercased()
        guard text.count >= EventReader.minimumPrefixLength else { throw EventLogError.prefixTooShort(text, minimum: EventReader.minimumPrefixLength) }
        guard text.utf8.count <= 36, text.utf8.allSatisfy({ Hex.isDigit($0) || $0 == UInt8(ascii: "-") }) else {
            throw EventLogError.invalidField(field: "id", value: typed, accepted: "a UUID or at least \(EventReader.minimumPrefixLength) of its first characters (0-9, a-f, -)")
        }
        self.text = text
    }

    /// The reference to exactly this event.
    public init(_ event: EventID) { text = event.rawValue }

    /// The reference to exactly this patient.
    public init(_ patient: PatientID) { text = patient.rawValue }

    public var description: String { text }
}
