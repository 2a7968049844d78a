/// An event about to be appended: what the caller decides. The log decides the rest of the
/// envelope (id, origin, sequence, clock, Lamport timestamp, `recordedAt`, hashes).
public struct NewEvent: Sendable, Hashable {
    public var type: String
    public var schemaVersion: Int
    public var patient: PatientID?
    /// When it happened clinically; nil means "now" (the append's `recordedAt`).
    public var occurredAt: Timestamp?
    public var payload: JSONValue

    /// An event to append.
    ///
    /// - Parameters:
    ///   - type: The event type, such as `PainScoreRecorded`.
    ///   - schemaVersion: The payload's schema version.
    ///   - patient: The patient it is about, or nil.
    ///   - occurredAt: When it happened clinically; nil for the append's `recordedAt`.
    ///   - payload: The payload, in plaintext: the log seals it if the event is about a patient.
    public init(type: String, schemaVersion: Int, patient: PatientID?, occurredAt: Timestamp? = nil, payload: JSONValue) {
        self.type = type
        self.schemaVersion = schemaVersion
        self.patient = patient
        self.occurredAt = occurredAt
        self.payload = payload
    }
}
