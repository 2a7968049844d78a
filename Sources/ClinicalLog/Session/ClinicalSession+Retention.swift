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

    /// Releases one legal hold, named by its `LegalHoldPlaced` event: never every hold of a
    /// patient at once, since each was placed for its own claim or investigation and ends with it.
    /// Refused when the event is not a hold, or the hold was released already.
    @discardableResult
    public func releaseHold(_ reference: IDReference, reason: String, author: String) throws -> EventEnvelope {
        let reason = try input.text(reason, field: "reason")
        let hold = try transaction.resolveEvent(reference)
        guard hold.type == LegalHoldPlaced.eventType, let patient = hold.patient else {
            throw ClinicalError.notAnEntry(event: hold.id.rawValue, type: hold.type, action: "released (name the LegalHoldPlaced event)")
        }
        let standing = try queries.activeHolds(of: patient)
        guard standing.contains(where: { $0.id == hold.id }) else {
            let release = try transaction.events(patient: patient, type: LegalHoldReleased.eventType, payloadMember: "hold", equals: hold.id.rawValue).first
            throw ClinicalError.holdAlreadyReleased(hold: hold.id.rawValue, by: release?.id.rawValue ?? "unknown")
        }
        return try transaction.append(Self.event(LegalHoldReleased(hold: hold.id, reason: reason), patient: patient), author: author)
    }
}
