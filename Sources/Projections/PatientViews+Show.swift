import ClinicalEvents
import EventLog
import GRDB

extension PatientViews {
    /// One entry row read back: its `show --json` member and the keys the views sort it by.
    struct StoredEntry {
        var json: JSONValue
        var eventID: String
        var occurredAt: String
        var position: CausalPosition
        var fields: [String: JSONValue]
        /// The table's derived column (`active`, `ended`), where it has one.
        var flag: Bool?

        /// Clinical time, then causal order: ``PatientRecord/clinicalTime(_:_:)`` on rows.
        static func clinicalTime(_ a: StoredEntry, _ b: StoredEntry) -> Bool {
            a.occurredAt != b.occurredAt ? a.occurredAt < b.occurredAt : a.position < b.position
        }
    }

    /// The rows of one entry table for `patient`, read by column name.
    func entries(_ table: EntryTable, of patient: PatientID) throws -> [StoredEntry] {
        try Row.fetchAll(reader.database.cachedStatement(sql: "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) WHERE patient = ?"),
                         arguments: [patient.rawValue]).map { row in
            let fields = table.members(of: row)
            var members = fields
            let eventID: String = row["event"], occurredAt: String = row[table.timeColumn]
            members["eventId"] = .string(eventID)
            members["occurredAt"] = .string(occurredAt)
            members["author"] = .string(row["author"])
            if let corrections: String = row["correctedBy"] { members["correctedBy"] = try JSONParser.parse(corrections) }
            return StoredEntry(json: .object(members), eventID: eventID, occurredAt: occurredAt,
                               position: CausalPosition(lamport: row["lamport"], origin: row["origin"], sequence: row["sequence"]), fields: fields,
                               flag: table.flag.map { row[$0.column] })
        }
    }

    /// The `show --json` document of one patient, from the stored rows: the same document
    /// ``PatientRecord/json`` gives for the fold of the patient's events (tests hold them equal).
    func storedShow(_ patient: PatientID) throws -> JSONValue? {
        let db = reader.database
        guard let summary = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM patient_summary WHERE patient = ?"), arguments: [patient.rawValue]) else {
            return nil
        }
        var details: [String: JSONValue] = [:]
        for field in PatientDetailsChanged.fields { if let value: String = summary[field] { details[field] = .string(value) } }
        let conflicts = try Row.fetchAll(db.cachedStatement(sql: "SELECT field, shown, candidates FROM field_conflicts WHERE patient = ?"), arguments: [patient.rawValue])
            .sorted { PatientDetailsChanged.fields.firstIndex(of: $0["field"]) ?? 0 < PatientDetailsChanged.fields.firstIndex(of: $1["field"]) ?? 0 }
            .map { row -> JSONValue in
                ["field": .string(row["field"]), "shown": (row["shown"] as String?).map(JSONValue.string) ?? .null,
                 "values": try JSONParser.parse(row["candidates"] as String)]
            }
        var history: [String: JSONValue] = [:]
        let recorded = try entries(.history, of: patient).sorted { $0.position < $1.position }
        for term in Vocabularies.historyKinds.terms {
            history[term.id] = .array(recorded.filter { $0.fields["kind"] == .string(term.id) }.map(\.json))
        }
        // Present: found and not resolved (retracted ones have no row).
        let triggerPoints = try entries(.triggerPoints, of: patient).filter { $0.flag == true }.sorted {
            ($0.fields["muscle"]?.stringValue ?? "", $0.fields["side"]?.stringValue ?? "", $0.occurredAt, $0.eventID)
                < ($1.fields["muscle"]?.stringValue ?? "", $1.fields["side"]?.stringValue ?? "", $1.occurredAt, $1.eventID)
        }
        let visits = try entries(.visits, of: patient).sorted(by: StoredEntry.clinicalTime)
        let painScores = try entries(.painScores, of: patient).sorted(by: StoredEntry.clinicalTime)
        let techniques = try entries(.techniques, of: patient).sorted(by: StoredEntry.clinicalTime).reversed()
        let trend = PainTrend(scores: painScores.compactMap { $0.fields["score"]?.intValue })
        return [
            "patientId": .string(patient.rawValue),
            "details": .object(details),
            "conflicts": .array(conflicts),
            "history": .object(history),
            "activeTriggerPoints": .array(triggerPoints.filter { $0.fields["status"] != .string("latent") }.map(\.json)),
            "latentTriggerPoints": .array(triggerPoints.filter { $0.fields["status"] == .string("latent") }.map(\.json)),
            "techniques": .array(techniques.map(\.json)),
            "visits": .array(visits.map(\.json)),
            "lastVisit": visits.last.map { .string($0.occurredAt) } ?? .null,
            "painScores": .array(painScores.map(\.json)),
            "painTrend": trend?.json ?? .null,
            "eventCount": .int(summary["eventCount"]),
        ]
    }
}
