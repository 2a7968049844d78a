import ClinicalEvents
import EventLog
import EventModel

/// The clinical write path inside one transaction: checks what a clinician or front desk
/// enters, checks it against the record as it stands, and appends the event.
///
/// Guarantees: every check runs before the append, inside the same `BEGIN IMMEDIATE`
/// transaction, so another process cannot slip in between; every stored term is canonical;
/// every stored payload decodes with ``ClinicalEvent/decode(_:)``.
///
/// Its writes are grouped by concern: patients, visits, clinical entries, amendments
/// (corrections and retractions), retention and erasure, one extension each.
public final class ClinicalSession {
    public let transaction: AppendTransaction
    /// What typed values are checked against; its zone is the store's (``ClinicalRecord``), and
    /// follows a zone this session sets.
    public internal(set) var input: ClinicalInput
    /// Open visits looked up or changed in this transaction (nil value: known to have none).
    var openVisits: [PatientID: EventID?] = [:]
    /// Patients registered or resolved in this transaction.
    var knownPatients: Set<PatientID> = []
    /// The records of care the checks read, per patient (``standing(_:of:)``).
    var standingRecords: [StandingKey: StandingRecords] = [:]
    /// How many times the records of care were read from the store (a test holds the
    /// remembered answer's extension to its word: records written here are not read back).
    var standingReads = 0

    /// Which records of which patient a ``StandingRecords`` holds.
    struct StandingKey: Hashable {
        var patient: PatientID
        var records: CareRecords
    }

    init(transaction: AppendTransaction, input: ClinicalInput) {
        self.transaction = transaction
        self.input = input
    }

    /// The record as it stands in this transaction, this session's own writes included.
    var queries: ClinicalQueries { ClinicalQueries(transaction) }

    /// Refuses a clinical entry dated before the patient was born (their latest recorded date of birth).
    func refuseBeforeBirth(_ instant: Timestamp, of patient: PatientID) throws {
        var dateOfBirth: CivilDate?
        for envelope in try transaction.events(patient: patient, types: [PatientRegistered.eventType, PatientDetailsChanged.eventType]) {
            if case .object(let payload)? = try? envelope.payloadValue(), let text = payload["dateOfBirth"]?.stringValue, let date = CivilDate(iso: text) {
                dateOfBirth = date
            }
        }
        guard let dateOfBirth, instant < Timestamp(startOf: dateOfBirth, in: input.timeZone) else { return }
        throw ClinicalError.invalidField(field: "date", value: instant.description,
                                         accepted: "an instant on or after the patient's date of birth (\(dateOfBirth))")
    }

    /// The ``EventLog/NewEvent`` for a payload, at its type's current schema version.
    public static func event<P: ClinicalPayload>(_ payload: P, patient: PatientID, occurredAt: Timestamp? = nil) -> NewEvent {
        NewEvent(type: P.eventType, schemaVersion: P.schemaVersion, patient: patient, occurredAt: occurredAt, payload: payload.json)
    }
}
