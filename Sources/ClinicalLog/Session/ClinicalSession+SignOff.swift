import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel

/// Sign-off and co-signature: each asks the fold of the patient's record as it stands in this
/// transaction (``ClinicalFold/PatientFold``), so it signs exactly the entries every view shows
/// and the fold will mark.
extension ClinicalSession {
    /// Signs off `visit`: its start, every entry recorded during it and its end, as they stand.
    /// Afterwards a correction or retraction of any of them is shown as an addendum.
    ///
    /// - Parameters:
    ///   - visit: The visit (its ``VisitStarted`` event).
    ///   - author: Who signs it off.
    /// - Returns: The ``VisitSignedOff`` event.
    /// - Throws: ``ClinicalError/signOffRefused(visit:reason:)`` for a visit with no entries
    ///   recorded during it, one still open, one already signed off with nothing since, or an
    ///   event that is not a visit.
    @discardableResult
    public func signOff(_ visit: IDReference, author: String) throws -> EventEnvelope {
        let started = try transaction.resolveEvent(visit)
        guard started.type == VisitStarted.eventType, let patient = started.patient else {
            throw ClinicalError.signOffRefused(visit: started.id.rawValue, reason: "it is a \(started.type), not a visit's start (give the visit's id, as `show` lists it)")
        }
        return try signOff(started.id, of: patient, author: author)
    }

    /// Signs off the visit `visit` of `patient` (``signOff(_:author:)``); `visit end --sign`
    /// calls it right after ending the visit, in the same transaction.
    @discardableResult
    public func signOff(_ visit: EventID, of patient: PatientID, author: String) throws -> EventEnvelope {
        let record = try PatientFold.fold(patient, events: transaction.events(patient: patient))
        guard let start = record.entries.first(where: { $0.event.id == visit }), !start.isRetracted else {
            throw ClinicalError.signOffRefused(visit: visit.rawValue, reason: "the visit was retracted")
        }
        if try openVisit(of: patient) == visit { throw ClinicalError.signOffRefused(visit: visit.rawValue, reason: "it is still open; end it with `visit end --sign`") }
        let entries = record.entries.filter { !$0.isRetracted && $0.belongs(to: visit) }
        guard entries.contains(where: { $0.event.id != visit && !Self.isEnd($0) }) else {
            throw ClinicalError.signOffRefused(visit: visit.rawValue, reason: "nothing was recorded during it (no entries to sign)")
        }
        let unsigned = entries.filter { $0.signOff == nil }
        guard !unsigned.isEmpty else {
            let by = start.signOff.map { " by \($0.author) (event \($0.id))" } ?? ""
            throw ClinicalError.signOffRefused(visit: visit.rawValue, reason: "it is already signed off\(by), and nothing was recorded since")
        }
        return try transaction.append(Self.event(VisitSignedOff(visit: visit, entries: unsigned.map(\.event.id)), patient: patient), author: author)
    }

    /// Co-signs the entries `reference` names that await a co-signature: one entry, or — for a
    /// visit — every entry of it written in the student role and not co-signed yet.
    ///
    /// - Parameters:
    ///   - reference: An entry, or a visit's start.
    ///   - author: Who co-signs; never the author of an entry co-signed.
    /// - Returns: The ``EntryCoSigned`` event.
    /// - Throws: ``ClinicalError/coSignatureRefused(event:reason:)`` for one's own entry, an
    ///   entry not written in the student role, one already co-signed or retracted, or a visit
    ///   with nothing awaiting.
    @discardableResult
    public func coSign(_ reference: IDReference, author: String) throws -> EventEnvelope {
        let target = try transaction.resolveEvent(reference)
        guard let patient = target.patient else {
            throw ClinicalError.coSignatureRefused(event: target.id.rawValue, reason: "it is a \(target.type), about no patient, not a clinical entry")
        }
        let record = try PatientFold.fold(patient, events: transaction.events(patient: patient))
        guard let entry = record.entries.first(where: { $0.event.id == target.id }) else {
            throw ClinicalError.coSignatureRefused(event: target.id.rawValue, reason: "it is a \(target.type), not a clinical entry")
        }
        let covered: [ClinicalEntry]
        if target.type == VisitStarted.eventType {
            covered = record.entries.filter { !$0.isRetracted && $0.isAwaitingCoSignature && $0.belongs(to: target.id) }
            guard !covered.isEmpty else {
                throw ClinicalError.coSignatureRefused(event: target.id.rawValue, reason: "nothing of this visit awaits a co-signature")
            }
        } else {
            if entry.isRetracted { throw ClinicalError.coSignatureRefused(event: target.id.rawValue, reason: "it was retracted") }
            if let coSignature = entry.coSignature {
                throw ClinicalError.coSignatureRefused(event: target.id.rawValue, reason: "it is already co-signed by \(coSignature.author) (event \(coSignature.id))")
            }
            guard entry.isAwaitingCoSignature else {
                throw ClinicalError.coSignatureRefused(event: target.id.rawValue, reason: "it was not written by a student (\(entry.event.author), \(entry.event.authorRole ?? "no role")), so it needs no co-signature")
            }
            covered = [entry]
        }
        if let own = covered.first(where: { $0.event.author == author }) {
            throw ClinicalError.coSignatureRefused(event: own.event.id.rawValue, reason: "it is \(author)'s own entry; a co-signature is another clinician's")
        }
        return try transaction.append(Self.event(EntryCoSigned(events: covered.map(\.event.id)), patient: patient), author: author)
    }

    /// Records `rule` as the store's late-entry rule: every site judges late entries by it.
    ///
    /// - Parameters:
    ///   - rule: As typed: `end-of-day`, `24h`, `2h`, `3d`.
    ///   - author: Who set it.
    /// - Returns: The ``LateEntryRuleSet`` event.
    /// - Throws: ``ClinicalError/invalidField(field:value:accepted:)`` naming `rule` when it does
    ///   not parse.
    @discardableResult
    public func setLateEntryRule(_ rule: String, author: String) throws -> EventEnvelope {
        guard let parsed = LateEntryRule(rule) else { throw LateEntryRuleSet.refusal(rule) }
        let payload = LateEntryRuleSet(rule: parsed)
        return try transaction.append(
            NewEvent(type: LateEntryRuleSet.eventType, schemaVersion: LateEntryRuleSet.schemaVersion, patient: nil, payload: payload.json), author: author)
    }

    static func isEnd(_ entry: ClinicalEntry) -> Bool {
        if case .visitEnded = entry.current { return true }
        return false
    }
}
