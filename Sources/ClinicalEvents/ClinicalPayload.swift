import EventLog

/// The payload of one kind of clinical event, at its current schema version.
///
/// `json` is what is stored (canonically); `init(json:)` reads it back and refuses anything a
/// well-formed event of this type could not contain. Older versions reach `init(json:)` only
/// after ``ClinicalEvent/upcasters`` brought them to the current one.
public protocol ClinicalPayload: Sendable, Hashable {
    static var eventType: String { get }
    static var schemaVersion: Int { get }
    var json: JSONValue { get }
    init(json: JSONValue) throws
}

extension ClinicalPayload {
    public static var schemaVersion: Int { 1 }
}
