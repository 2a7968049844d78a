import ClinicalEvents
import EventLog
import EventModel

/// Retention: the clinic's policy for how long records are kept, and legal holds that keep a
/// patient's record from being erased while they stand.
extension ClinicalSession {
    /// Sets the clinic's retention policy (for every site: it syncs like any event).
    @discardableResult
    public func setRetentionPolicy(_ policy: RetentionPolicySet, author: String) throws -> EventEnvelope {
        guard (1...100).contains(policy.yearsAfterLastService) else {
            throw ClinicalError.invalidField(field: "years", value: String(policy.yearsAfterLastService), accepted: "a whole number of years from 1 to 100")
        }
        guard (1...120).contains(policy.childUntilAge), (1...120).contains(policy.adultAge), policy.adultAge <= policy.childUntilAge else {
            throw ClinicalError.invalidField(field: "child-until-age", value: String(policy.childUntilAge), accepted: "an age from the adult age (\(policy.adultAge)) to 120")
        }
        return try transaction.append(NewEvent(type: RetentionPolicySet.eventType, schemaVersion: RetentionPolicySet.schemaVersion, patient: nil, payload: policy.json), author: author)
    }

    /// Places a legal hold on the patient's record: it is not erased while the hold stands.
    @discardableResult
    public func placeHold(_ reference: IDReference, reason: String, author: String) throws -> EventEnvelope {
        let reason = try input.text(reason, field: "reason")
        let patient = try patient(reference)
        return try transaction.append(Self.event(LegalHoldPlaced(reason: reason), patient: patient), author: author)
    }

    /// Releases the patient's standing legal holds (refused when there is none).
    @discardableResult
    public func releaseHolds(_ reference: IDReference, reason: String, author: String) throws -> [EventEnvelope] {
        let reason = try input.text(reason, field: "reason")
        let patient = try patient(reference)
        let holds = try queries.activeHolds(of: patient)
        guard !holds.isEmpty else { throw ClinicalError.noLegalHold(patient: patient.rawValue) }
        return try holds.map { try transaction.append(Self.event(LegalHoldReleased(hold: $0.id, reason: reason), patient: patient), author: author) }
    }
}
