import EventModel

/// The payload of one kind of clinical event, at its current schema version.
///
/// Its `Encodable` form is what is stored (canonically, through ``CanonicalEncoder``: the
/// members of the same names, absent optionals left out) and what views show; `init(json:)`
/// reads it back and refuses anything a well-formed event of this type could not contain. Older
/// versions reach `init(json:)` only after ``ClinicalEvent/upcasters`` brought them to the
/// current one.
public protocol ClinicalPayload: Sendable, Hashable, Encodable {
    static var eventType: String { get }
    static var schemaVersion: Int { get }
    init(json: JSONValue) throws
}

extension ClinicalPayload {
    public static var schemaVersion: Int { 1 }

    /// The payload as it is stored.
    public var json: JSONValue {
        do { return try CanonicalEncoder().value(self) } catch {
            // Payloads hold strings and small integers only: nothing here can lack a JSON form.
            preconditionFailure("\(Self.eventType) has no canonical form: \(error)")
        }
    }
}
