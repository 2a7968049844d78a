import ClinicalEvents
import EventLog
import EventModel

/// Visits: at most one open per patient; the entries recorded while it is open belong to it.
extension ClinicalSession {
    /// Starts a visit for the patient, now or at `date`; refused while one is open.
    @discardableResult
    public func startVisit(_ reference: IDReference, reason: String? = nil, date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let payload = VisitStarted(reason: try reason.map { try input.text($0, field: "reason") })
        let when = try date.map(input.occurredAt)
        let patient = try patient(reference)
        if let when { try refuseBeforeBirth(when, of: patient) }
        if let open = try openVisit(of: patient) {
            throw ClinicalError.visitAlreadyOpen(patient: patient.rawValue, visit: open.rawValue)
        }
        let started = try transaction.append(Self.event(payload, patient: patient, occurredAt: when), author: author)
        openVisits[patient] = .some(started.id)
        return started
    }

    /// Ends the patient's open visit, now or — for a visit recorded afterwards — at `date`, which
    /// may not be before the visit started.
    @discardableResult
    public func endVisit(_ reference: IDReference, note: String? = nil, date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        let when = try date.map(input.occurredAt)
        let patient = try patient(reference)
        guard let open = try openVisit(of: patient) else { throw ClinicalError.noOpenVisit(patient: patient.rawValue) }
        if let when, let started = try transaction.event(open), when < started.occurredAt {
            throw ClinicalError.invalidField(field: "date", value: date?.typed ?? when.description,
                                             accepted: "a time at or after the visit's start (\(SiteClock(zone: input.timeZone).minuteWithOffset(started.occurredAt)))")
        }
        let ended = try transaction.append(Self.event(VisitEnded(visit: open, note: note), patient: patient, occurredAt: when), author: author)
        openVisits[patient] = .some(nil)
        return ended
    }

    /// The patient's open visit, remembered for the rest of this transaction.
    public func openVisit(of patient: PatientID) throws -> EventID? {
        if let known = openVisits[patient] { return known }
        let open = try queries.openVisit(of: patient)
        openVisits[patient] = .some(open)
        return open
    }
}
