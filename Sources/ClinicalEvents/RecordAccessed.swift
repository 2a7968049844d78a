import EventModel

/// Someone was shown patient data: one event per showing command, written (and committed) before
/// anything is shown, so a read that could not be recorded is a read that did not happen.
///
/// Identifiers only, never clinical content (ISO 27789, IHE BALP): who is the envelope's
/// `author`, when its `recordedAt`, where its `origin` (the node, and so the site). The event has
/// no envelope patient — it is about accesses, not about the patient's care — so it is never
/// sealed, never enters the patient views, and outlives an erasure of the patients it names
/// (they are named by their pseudonymous ids alone). `patients` lists every patient whose data
/// the command showed or disclosed, sorted; an unscoped query that cannot say whose rows it
/// returned lists none and gives `rows`.
public struct RecordAccessed: ClinicalPayload {
    public static let eventType = "RecordAccessed"

    /// What was done with the data (the AuditEvent `action` and BALP pattern it maps to).
    public enum Action: String, CaseIterable, Sendable, Hashable, Encodable {
        /// One patient's record shown (BALP PatientRead).
        case read
        /// A search or listing across patients (BALP Query).
        case query
        /// Written out of Myolog in another format (BALP Export).
        case export
        /// Rendered for printing or handing on.
        case report
        /// Sent to another node (sync, serve, bundle): a disclosure to a peer.
        case disclosure
    }

    /// Why, in HL7 v3 PurposeOfUse words (the codes are ``code``).
    public enum Purpose: String, CaseIterable, Sendable, Hashable, Encodable {
        case treatment, payment, operations, audit, legal
        case patientRequest = "patient-request"

        /// The HL7 v3 ActReason code (system http://terminology.hl7.org/CodeSystem/v3-ActReason).
        public var code: String {
            switch self {
            case .treatment: "TREAT"
            case .payment: "HPAYMT"
            case .operations: "HOPERAT"
            case .audit: "HCOMPL"
            case .legal: "HLEGAL"
            case .patientRequest: "PATRQT"
            }
        }

        public var display: String {
            switch self {
            case .treatment: "treatment"
            case .payment: "healthcare payment"
            case .operations: "healthcare operations"
            case .audit: "health compliance"
            case .legal: "legal"
            case .patientRequest: "patient requested"
            }
        }
    }

    /// Whether the data was shown. A refusal is recorded only once a patient was identified (an
    /// unknown id identifies nobody, and records nothing).
    public enum Outcome: String, CaseIterable, Sendable, Hashable, Encodable {
        case success
        /// The patient was identified but their record was not shown (key not received, not
        /// registered at the moment asked, registration withdrawn).
        case refused
    }

    public var action: Action
    /// The command that showed the data, in the CLI's words: `show`, `export fhir`, `sync`…
    public var command: String
    public var patients: [PatientID]
    public var purpose: Purpose
    public var outcome: Outcome
    /// What exactly, where the command names it: the entry of `history`, a search text.
    public var detail: String?
    /// The SQL of a `query`.
    public var statement: String?
    /// Rows returned by a query that could not say whose they were.
    public var rows: Int?
    /// The node a disclosure went to.
    public var peer: NodeID?

    public init(action: Action, command: String, patients: [PatientID], purpose: Purpose, outcome: Outcome = .success,
                detail: String? = nil, statement: String? = nil, rows: Int? = nil, peer: NodeID? = nil) {
        self.action = action
        self.command = command
        self.patients = Array(Set(patients)).sorted()
        self.purpose = purpose
        self.outcome = outcome
        self.detail = detail
        self.statement = statement
        self.rows = rows
        self.peer = peer
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["action", "command", "patients", "purpose", "outcome", "detail", "statement", "rows", "peer"])
        func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, _: Choice.Type) throws -> Choice where Choice.RawValue == String {
            let text = try fields.string(key)
            guard let value = Choice(rawValue: text) else {
                throw ClinicalError.malformedPayload(type: Self.eventType, field: key, reason: "\"\(text)\" is not one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
        action = try choice("action", Action.self)
        command = try fields.string("command")
        purpose = try choice("purpose", Purpose.self)
        outcome = try choice("outcome", Outcome.self)
        detail = try fields.optionalString("detail")
        statement = try fields.optionalString("statement")
        rows = try fields.optionalInt("rows", in: 0...Int.max)
        peer = try fields.optionalString("peer").map { text in
            guard let node = NodeID(text) else { throw ClinicalError.malformedPayload(type: Self.eventType, field: "peer", reason: "\"\(text)\" is not a node id") }
            return node
        }
        guard case .array(let items)? = fields.members["patients"] else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "patients", reason: "expected an array of patient ids")
        }
        patients = try items.map { item in
            guard let text = item.stringValue, let patient = PatientID(text) else {
                throw ClinicalError.malformedPayload(type: Self.eventType, field: "patients", reason: "expected an array of patient ids")
            }
            return patient
        }
        // Sorted and distinct as written: the same access has one stored form.
        guard patients == Array(Set(patients)).sorted() else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "patients", reason: "not sorted and distinct")
        }
    }

    /// The event that records this access (no envelope patient: see the type's note).
    public var newEvent: NewEvent {
        NewEvent(type: Self.eventType, schemaVersion: Self.schemaVersion, patient: nil, payload: json)
    }
}
