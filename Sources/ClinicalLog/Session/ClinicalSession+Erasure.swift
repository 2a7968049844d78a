import ClinicalEvents
import EventLog
import EventModel

/// Erasure: a patient's record made unreadable everywhere, unless a legal hold stands.
extension ClinicalSession {
    /// Erases a patient: appends ``PatientErased``, and in the same transaction the store destroys
    /// the patient's data key and the views delete their rows. Refused for an unknown or
    /// already-erased patient. After the commit the store checkpoints its WAL, so no page of the
    /// deleted rows lingers there.
    @discardableResult
    public func erase(_ reference: IDReference, basis: PatientErased.Basis, reason: String, author: String) throws -> EventEnvelope {
        let reason = try input.text(reason, field: "reason")
        let patient = try queries.resolvePatient(reference)
        try queries.requireReadable(patient)
        if let hold = try queries.activeHolds(of: patient).first {
            // The hold's reason is sealed patient text: the refusal names the hold, not its reason,
            // so an erase refused records no read and shows none (`history HOLD` shows it, recorded).
            throw ClinicalError.underLegalHold(patient: patient.rawValue, hold: hold.id.rawValue)
        }
        openVisits[patient] = nil
        knownPatients.remove(patient)
        return try transaction.append(Self.event(PatientErased(basis: basis, reason: reason), patient: patient), author: author)
    }
}
