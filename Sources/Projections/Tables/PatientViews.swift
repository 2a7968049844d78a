import ClinicalEvents
import ClinicalFold
import EventLog
import GRDB
import EventModel

/// Reads the patient views: from the projection tables for the present, folded on the fly (and
/// never stored) for an auditor's `--as-of` or `--at-clock`.
public struct PatientViews {
    let reader: EventReader

    public init(_ reader: EventReader) { self.reader = reader }

    /// One patient's view; nil when the patient is not registered (at that moment).
    public func show(_ patient: PatientID, _ travel: TimeTravel = .now) throws -> PatientView? {
        if travel == .now { return try storedShow(patient) }
        let record = try PatientFold.fold(patient, events: reader.events(patient: patient), covering: travel, lateEntries: LateEntryPolicy(reader, travel))
        return record.isRegistered ? record.view : nil
    }

    /// One row per registered patient, by name: the `patients` view.
    public func patients(search: String? = nil, _ travel: TimeTravel = .now) throws -> [PatientListing] {
        if travel == .now {
            let pattern = search.map { "%" + $0.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%" }
            let due = try reassessmentsDue()
            return try Row.fetchAll(reader.database, sql: """
                SELECT patient, name, dateOfBirth, lastVisit, latestPainScore, activeTriggerPoints, latentTriggerPoints, adverseEvents, awaitingCoSignature
                FROM patient_summary
                WHERE ?1 IS NULL OR name LIKE ?1 ESCAPE '\\' OR patient LIKE ?1 ESCAPE '\\'
                ORDER BY name COLLATE NOCASE, patient
                """, arguments: [pattern]).map { row in
                PatientListing(patientId: row["patient"], name: row["name"], dateOfBirth: row["dateOfBirth"],
                               lastVisit: (row["lastVisit"] as String?).flatMap(Timestamp.init(rfc3339:)), latestPainScore: row["latestPainScore"],
                               activeTriggerPoints: row["activeTriggerPoints"], latentTriggerPoints: row["latentTriggerPoints"], adverseEvents: row["adverseEvents"],
                               awaitingCoSignature: row["awaitingCoSignature"], reassessmentDue: due[row["patient"]])
            }
        }
        var records: [PatientRecord] = []
        try reader.forEachPatient { patient, events in
            let record = try PatientFold.fold(patient, events: events, covering: travel)
            let name = record.details.name ?? ""
            if record.isRegistered, search.map({ name.localizedCaseInsensitiveContains($0) || patient.rawValue.hasPrefix($0.lowercased()) }) ?? true {
                records.append(record)
            }
        }
        records.sort { ($0.details.name?.lowercased() ?? "", $0.patient) < ($1.details.name?.lowercased() ?? "", $1.patient) }
        return records.map(PatientListing.init(record:))
    }

    /// When each patient with answer sets is next due a reassessment (the earliest of their
    /// courses not closed by a discharge): from the same rows and the same ``OutcomeCourse`` rule
    /// as `show`, so the list and the record agree. Outcome rows are few (a handful per episode),
    /// and only patients who have any are read.
    func reassessmentsDue() throws -> [PatientID: Timestamp] {
        let lateEntries = try LateEntryPolicy(reader)
        var due: [PatientID: Timestamp] = [:]
        for row in try Row.fetchAll(reader.database, sql: "SELECT DISTINCT patient FROM outcomes") {
            let id: PatientID = row["patient"]
            let outcomes = try entries(OutcomeRecorded.self, of: id, judgedBy: lateEntries).sorted(by: StoredEntry.clinicalTime).map { OutcomeView(entry: $0.view) }
            due[id] = OutcomeCourse.courses(of: outcomes).compactMap(\.reassessmentDue).min()
        }
        return due
    }

    /// Every field two sites changed concurrently, with every candidate value and its author.
    public func conflicts() throws -> [ConflictListing] {
        try Row.fetchAll(reader.database, sql: """
            SELECT c.patient, s.name, c.field, c.candidates FROM field_conflicts c
            JOIN patient_summary s USING (patient) ORDER BY s.name COLLATE NOCASE, c.patient, c.field
            """).map { row in
            guard let values = FieldWrite.stored(row["candidates"]) else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "field_conflicts.candidates of \(row["patient"] as String) is not a list of writes")
            }
            return ConflictListing(patientId: row["patient"], name: row["name"], conflict: FieldConflict(field: row["field"], values: values))
        }
    }
}
