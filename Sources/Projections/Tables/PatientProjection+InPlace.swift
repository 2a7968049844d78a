import ClinicalEvents
import ClinicalFold
import EventLog
import GRDB
import EventModel

extension PatientProjection {
    /// What one event does to a patient's stored rows when it sorts after everything folded.
    private enum RowChange {
        case insert(EntryTable, ClinicalEntry)
        case endVisit(ClinicalEntry, visit: EventID)
        case resolveTriggerPoint(ClinicalEntry, finding: EventID)
        case resolvePrecaution(EventID)
        case delete(EntryTable, EventID)
        case correct(EntryTable, EventID, by: EntryCorrected, EventID)
        /// A clinical event that changes no row (retracting what has none, ending what is not a visit).
        case countOnly
    }

    /// Applies `events` (one patient's, in causal order) to that patient's stored rows in place,
    /// if every one of them sorts after what was folded and can be applied so; returns false —
    /// having written nothing — when the patient must be re-folded instead.
    ///
    /// Each change is what ``PatientFold`` does to the record for an event folded last: an entry
    /// appended; a visit end or a resolution acting on its target if folded; a retraction removing
    /// its target's row; a correction rewriting its target's row by ``ClinicalEvent/corrected(_:by:)``
    /// (the row holds the entry as corrected so far). Registrations and changes of details re-fold:
    /// which value shows, and whether it conflicts, depends on every earlier write of the field.
    func applyInPlace(_ events: [EventEnvelope], of patient: PatientID, in transaction: ProjectionTransaction) throws -> Bool {
        let db = transaction.db
        guard let first = events.first,
              let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT foldedLamport, foldedOrigin, foldedSequence FROM patient_summary WHERE patient = ?"),
                                         arguments: [patient.rawValue]),
              CausalPosition(lamport: row[0], origin: row[1], sequence: row[2]) < CausalPosition(first)
        else { return false }
        var changes: [RowChange] = []
        // Whether a student's row is added or removed: the summary's count of entries awaiting a
        // co-signature is then counted again from the rows.
        var recountAwaiting = false
        for event in events {
            guard let clinical = try ClinicalEvent.decode(event) else { continue }
            // A student's entry, end or resolution may add a row awaiting a co-signature.
            recountAwaiting = recountAwaiting || event.authorRole == EntryCoSigned.studentRole
            switch clinical {
            case .patientRegistered, .patientDetailsChanged:
                return false
            case .entryCorrected(let correction):
                // Only an entry with a row shows a correction; the rest count only, as in the fold.
                guard let target = try transaction.reader.event(correction.target), target.patient == patient, let table = EntryTable.byType[target.type] else {
                    changes.append(.countOnly)
                    continue
                }
                // A signed entry keeps its text: the correction becomes an addendum (a re-fold).
                if try table.isSignedOff(target.id, patient: patient, in: db) { return false }
                changes.append(.correct(table, target.id, by: correction, event.id))
            case .visitEnded(let ended):
                changes.append(.endVisit(ClinicalEntry(event: event, current: clinical), visit: ended.visit))
            case .triggerPointResolved(let resolution):
                changes.append(.resolveTriggerPoint(ClinicalEntry(event: event, current: clinical), finding: resolution.finding))
            case .precautionResolved(let resolution):
                changes.append(.resolvePrecaution(resolution.precaution))
            case .entryRetracted(let retraction):
                // The target's type says which row it has. Retracting a visit's end or a
                // resolution re-derives the visit or the trigger point from every other one, and
                // retracting a registration may withdraw the patient: a re-fold.
                guard let target = try transaction.reader.event(retraction.target), target.patient == patient else {
                    changes.append(.countOnly)
                    continue
                }
                if [VisitEnded.eventType, TriggerPointResolved.eventType, PrecautionResolved.eventType, PatientRegistered.eventType].contains(target.type) {
                    return false
                } else if let table = EntryTable.byType[target.type] {
                    // A signed entry stays shown, the retraction an addendum beside it (a re-fold).
                    if try table.isSignedOff(target.id, patient: patient, in: db) { return false }
                    // A retracted visit or trigger point takes its ends or resolutions with it.
                    recountAwaiting = recountAwaiting || target.authorRole == EntryCoSigned.studentRole || [VisitStarted.eventType, TriggerPointFound.eventType].contains(target.type)
                    changes.append(.delete(table, target.id))
                } else {
                    changes.append(.countOnly)
                }
            default:
                // Sign-offs and co-signatures re-fold: they mark entries already folded.
                guard let table = EntryTable.byType[event.type] else { return false }
                changes.append(.insert(table, ClinicalEntry(event: event, current: clinical)))
            }
        }
        for change in changes {
            switch change {
            case .insert(let table, let entry):
                try table.insert(entry, patient: patient, flag: table.flag?.initial, in: db)
            case .endVisit(let entry, let visit):
                // The end's row (its closing note) is kept while the visit has a row, as a rebuild keeps it.
                try db.cachedStatement(sql: "UPDATE visits SET ended = 1 WHERE event = ? AND patient = ?").execute(arguments: [visit.rawValue, patient.rawValue])
                if db.changesCount > 0 { try EntryTable.visitEnds.insert(entry, patient: patient, flag: nil, in: db) }
            case .resolveTriggerPoint(let entry, let finding):
                try db.cachedStatement(sql: "UPDATE trigger_points SET active = 0 WHERE event = ? AND patient = ?").execute(arguments: [finding.rawValue, patient.rawValue])
                if db.changesCount > 0 { try EntryTable.resolutions.insert(entry, patient: patient, flag: nil, in: db) }
            case .resolvePrecaution(let precaution):
                try db.cachedStatement(sql: "UPDATE precautions SET active = 0 WHERE event = ? AND patient = ?").execute(arguments: [precaution.rawValue, patient.rawValue])
            case .delete(let table, let target):
                try db.cachedStatement(sql: "DELETE FROM \(table.name) WHERE event = ? AND patient = ?").execute(arguments: [target.rawValue, patient.rawValue])
                // A retracted visit's ends and a retracted trigger point's resolutions go with it.
                if table.name == EntryTable.visits.name {
                    try db.cachedStatement(sql: "DELETE FROM visit_ends WHERE visit = ? AND patient = ?").execute(arguments: [target.rawValue, patient.rawValue])
                } else if table.name == EntryTable.triggerPoints.name {
                    try db.cachedStatement(sql: "DELETE FROM trigger_point_resolutions WHERE finding = ? AND patient = ?")
                        .execute(arguments: [target.rawValue, patient.rawValue])
                }
            case .correct(let table, let target, let correction, let id):
                // The row holds the entry as the fold has it so far; a correction the fold would
                // refuse (a field not correctable, an invalid result) changes nothing.
                guard let (current, correctedBy) = try table.current(of: target, patient: patient, in: db),
                      let corrected = ClinicalEvent.corrected(current, by: correction)
                else { break }
                try table.correct(target, patient: patient, to: corrected, correctedBy: correctedBy + [id], in: db)
            case .countOnly:
                break
            }
        }
        let last = CausalPosition(events.last!)
        // The summary's derived columns, from the rows as they now stand: the same values the
        // fold derives (latest pain score by clinical time, then causal order).
        try db.cachedStatement(sql: """
            UPDATE patient_summary SET
              lastVisit = (SELECT max(startedAt) FROM visits WHERE patient = ?1),
              latestPainScore = (SELECT score FROM pain_scores WHERE patient = ?1 ORDER BY occurredAt DESC, lamport DESC, origin DESC, sequence DESC LIMIT 1),
              activeTriggerPoints = (SELECT count(*) FROM trigger_points WHERE patient = ?1 AND active = 1 AND status <> 'latent'),
              latentTriggerPoints = (SELECT count(*) FROM trigger_points WHERE patient = ?1 AND active = 1 AND status = 'latent'),
              adverseEvents = (SELECT count(*) FROM adverse_events WHERE patient = ?1),
              eventCount = eventCount + ?2,
              foldedLamport = ?3, foldedOrigin = ?4, foldedSequence = ?5
            WHERE patient = ?1
            """).execute(arguments: [patient.rawValue, changes.count, last.lamport, last.origin, last.sequence])
        if recountAwaiting { try Self.recountAwaitingCoSignature(patient, in: db) }
        return true
    }
}

extension PatientProjection {
    /// Counts `patient`'s rows written in the student role and not co-signed into the summary:
    /// what ``PatientRecord/awaitingCoSignature`` counts in the fold, since the rows are the
    /// entries the views show.
    static func recountAwaitingCoSignature(_ patient: PatientID, in db: Database) throws {
        try db.cachedStatement(sql: recountAwaitingSQL).execute(arguments: [patient.rawValue, EntryCoSigned.studentRole])
    }

    private static let recountAwaitingSQL = """
        UPDATE patient_summary SET awaitingCoSignature = (SELECT count(*) FROM (
        \(EntryTable.all.map { "SELECT 1 FROM \($0.name) WHERE patient = ?1 AND authorRole = ?2 AND coSignedBy IS NULL" }.joined(separator: "\nUNION ALL\n"))
        )) WHERE patient = ?1
        """
}
