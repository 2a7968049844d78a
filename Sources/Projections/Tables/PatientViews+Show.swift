import ClinicalEvents
import ClinicalFold
import EventLog
import GRDB
import EventModel

extension PatientViews {
    /// One entry row read back, with the ``CausalPosition`` views order it by.
    struct StoredEntry<Payload: EntryRow> {
        var view: EntryView<Payload>
        var position: CausalPosition
        /// The table's derived column (`active`, `ended`), where it has one.
        var flag: Bool?

        /// Clinical time, then causal order: ``PatientRecord/clinicalTime(_:_:)`` on rows.
        static func clinicalTime(_ a: Self, _ b: Self) -> Bool {
            a.view.occurredAt != b.view.occurredAt ? a.view.occurredAt < b.view.occurredAt : a.position < b.position
        }
    }

    /// The rows of `Payload`'s entry table for `patient`, read by column name.
    func entries<Payload: EntryRow>(_ type: Payload.Type, of patient: PatientID, judgedBy lateEntries: LateEntryPolicy) throws -> [StoredEntry<Payload>] {
        let table = Payload.table
        return try Row.fetchAll(reader.database.cachedStatement(sql: "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) WHERE patient = ?"),
                                arguments: [patient.rawValue]).map { row in
            let time = try timestamp(row, table.timeColumn, in: table), recordedAt = try timestamp(row, "writtenAt", in: table)
            var view = EntryView(payload: Payload(row: row), eventId: row["event"], occurredAt: time, author: row["author"],
                                 corrections: try corrections(EntryTable.correctedBy(row["correctedBy"] as String?), in: table))
            let origin: NodeID = row["origin"]
            view.authorRole = row["authorRole"]
            view.signOff = try (row["signedOffBy"] as EventID?).map { try attestation($0, column: "signedOffBy", in: table) }
            view.coSignature = try (row["coSignedBy"] as EventID?).map { try attestation($0, column: "coSignedBy", in: table) }
            view.addenda = try addenda(EntryTable.correctedBy(row["addenda"] as String?), in: table)
            view.lateEntry = lateEntries.mark(recordedAt: recordedAt, occurredAt: time, origin: origin)
            return StoredEntry(view: view, position: CausalPosition(lamport: row["lamport"], origin: origin.rawValue, sequence: row["sequence"]),
                               flag: table.flag.map { row[$0.column] })
        }
    }

    private func timestamp(_ row: Row, _ column: String, in table: EntryTable) throws -> Timestamp {
        let text: String = row[column]
        guard let time = Timestamp(rfc3339: text) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "\(table.name).\(column) \"\(text)\" is not a timestamp")
        }
        return time
    }

    /// The sign-off or co-signature `id` names, read from the log.
    func attestation(_ id: EventID, column: String, in table: EntryTable) throws -> Attestation {
        guard let event = try reader.event(id) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "\(table.name).\(column) names \(id), which is not in the log")
        }
        return Attestation(event)
    }

    /// The addenda `ids` name, read from the log.
    func addenda(_ ids: [EventID], in table: EntryTable) throws -> [EntryAddendum] {
        try ids.map { id in
            guard let event = try reader.event(id), let addendum = EntryAddendum(event) else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "\(table.name).addenda names \(id), which is not a correction or retraction in the log")
            }
            return addendum
        }
    }

    /// The corrections `ids` name, read from the log: who made each, when and why.
    func corrections(_ ids: [EventID], in table: EntryTable) throws -> [EntryCorrection] {
        try ids.map { id in
            guard let event = try reader.event(id), let correction = EntryCorrection(event) else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "\(table.name).correctedBy names \(id), which is not a correction in the log")
            }
            return correction
        }
    }

    /// One patient's view, from the stored rows: the view ``PatientRecord/view`` gives for the
    /// fold of the patient's events (tests hold them equal). Nil for a patient not registered.
    func storedShow(_ patient: PatientID) throws -> PatientView? {
        let db = reader.database
        let lateEntries = try LateEntryPolicy(reader)
        guard let summary = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM patient_summary WHERE patient = ?"), arguments: [patient.rawValue]) else {
            return nil
        }
        var details = PatientDetails()
        for field in PatientDetails.fields { details[field] = summary[field] }
        let conflicts = try Row.fetchAll(db.cachedStatement(sql: "SELECT field, candidates FROM field_conflicts WHERE patient = ?"), arguments: [patient.rawValue])
            .map { row -> FieldConflict in
                guard let values = FieldWrite.stored(row["candidates"]) else {
                    throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "field_conflicts.candidates of \(patient) is not a list of writes")
                }
                return FieldConflict(field: row["field"], values: values)
            }
            .sorted { PatientDetails.fields.firstIndex(of: $0.field) ?? 0 < PatientDetails.fields.firstIndex(of: $1.field) ?? 0 }
        let recorded = try entries(HistoryEntryRecorded.self, of: patient, judgedBy: lateEntries).sorted { $0.position < $1.position }.map(\.view)
        var history: [String: [EntryView<HistoryEntryRecorded>]] = [:]
        for term in Vocabularies.historyKinds.terms { history[term.id] = recorded.filter { $0.payload.kind == term.id } }
        // Present: found and not resolved (retracted ones have no row).
        let found = try entries(TriggerPointFound.self, of: patient, judgedBy: lateEntries)
        let triggerPoints = found.filter { $0.flag == true }.map(\.view).sorted(by: EntryView.byMuscle)
        let techniques = try entries(TechniqueApplied.self, of: patient, judgedBy: lateEntries).sorted(by: StoredEntry.clinicalTime).map(\.view)
        let visits = try entries(VisitStarted.self, of: patient, judgedBy: lateEntries).sorted(by: StoredEntry.clinicalTime).map(\.view)
        let painScores = try entries(PainScoreRecorded.self, of: patient, judgedBy: lateEntries).sorted(by: StoredEntry.clinicalTime).map(\.view)
        let care = try storedCare(patient, judgedBy: lateEntries)
        let visitSummaries = VisitSummary.group(
            visits: visits, ends: try entries(VisitEnded.self, of: patient, judgedBy: lateEntries).sorted { $0.position < $1.position }.map(\.view), techniques: techniques,
            triggerPoints: found.sorted(by: StoredEntry.clinicalTime).map(\.view),
            resolutions: try entries(TriggerPointResolved.self, of: patient, judgedBy: lateEntries).sorted { $0.position < $1.position }.map(\.view), painScores: painScores,
            treatmentNotes: care.treatmentNotes)
        return PatientView(
            patientId: patient, details: details, conflicts: conflicts, history: history,
            activeTriggerPoints: triggerPoints.filter { !$0.payload.isLatent }, latentTriggerPoints: triggerPoints.filter(\.payload.isLatent),
            techniques: techniques.reversed(), visits: visits, painScores: painScores, eventCount: summary["eventCount"], visitSummaries: visitSummaries, care: care)
    }

    /// The records of care from their rows, as ``PatientRecord`` derives them.
    func storedCare(_ patient: PatientID, judgedBy lateEntries: LateEntryPolicy) throws -> PatientView.Care {
        // The decision that stands per technique: the latest in causal order.
        var consents: [String: StoredEntry<ConsentRecorded>] = [:]
        for consent in try entries(ConsentRecorded.self, of: patient, judgedBy: lateEntries) {
            if let standing = consents[consent.view.payload.technique], consent.position < standing.position { continue }
            consents[consent.view.payload.technique] = consent
        }
        let techniques = Dictionary(uniqueKeysWithValues: try entries(TechniqueApplied.self, of: patient, judgedBy: lateEntries).map { ($0.view.eventId, $0.view) })
        return PatientView.Care(
            treatmentNotes: try entries(TreatmentNoteRecorded.self, of: patient, judgedBy: lateEntries).sorted(by: StoredEntry.clinicalTime).map(\.view),
            consents: consents.keys.sorted().compactMap { consents[$0]?.view },
            activePrecautions: try entries(PrecautionRecorded.self, of: patient, judgedBy: lateEntries).filter { $0.flag == true }
                .sorted { $0.view.payload.kind != $1.view.payload.kind ? $0.view.payload.kind < $1.view.payload.kind : StoredEntry.clinicalTime($0, $1) }.map(\.view),
            adverseEvents: try entries(AdverseEventRecorded.self, of: patient, judgedBy: lateEntries).sorted(by: StoredEntry.clinicalTime).map {
                AdverseEventView(event: $0.view, technique: techniques[$0.view.payload.after])
            },
            measurements: try entries(MeasurementRecorded.self, of: patient, judgedBy: lateEntries).sorted(by: StoredEntry.clinicalTime).map(\.view),
            outcomes: try entries(OutcomeRecorded.self, of: patient, judgedBy: lateEntries).sorted(by: StoredEntry.clinicalTime).map { OutcomeView(entry: $0.view) })
    }
}
