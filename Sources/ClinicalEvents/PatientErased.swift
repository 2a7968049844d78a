import EventModel

/// A patient's record erased: every store that holds this event destroys the patient's data key
/// (so every sealed payload about them becomes unreadable, everywhere the event reaches) and
/// their view rows. Stored in plaintext and kept forever, so it carries no personal data: who
/// erased and when are the envelope's author and recordedAt; why is `basis` and `reason`.
public struct PatientErased: ClinicalPayload {
    public static let eventType = SystemEventType.patientErased

    /// The lawful ground for destroying the record.
    public enum Basis: String, CaseIterable, Sendable, Hashable, Encodable {
        /// The retention period ended (HPP 4, APP 11.2).
        case retention
        /// The patient asked (GDPR Art. 17), and no duty to keep the record overrides it.
        case request
        /// A duplicate or mistaken record.
        case duplicate
        /// A court or regulator ordered it.
        case legal
    }

    public var basis: Basis
    public var reason: String

    public init(basis: Basis, reason: String) {
        self.basis = basis
        self.reason = reason
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["basis", "reason"])
        let text = try fields.string("basis")
        guard let basis = Basis(rawValue: text) else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "basis", reason: "\(text) is not one of \(Basis.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.basis = basis
        reason = try fields.string("reason")
    }
}
