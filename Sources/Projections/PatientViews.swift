import ClinicalEvents
import EventLog
import GRDB

/// Reads the patient views: from the projection tables for the present, folded on the fly (and
/// never stored) for an auditor's `--as-of` or `--at-clock`.
public struct PatientViews {
    let reader: EventReader

    public init(_ reader: EventReader) { self.reader = reader }

    /// The `show --json` document of one patient.
    public func show(_ patient: PatientID, _ travel: TimeTravel = .now) throws -> JSONValue? {
        if travel == .now { return try storedShow(patient) }
        let record = try PatientFold.fold(patient, events: reader.events(patient: patient), covering: travel)
        return record.isRegistered ? record.json : nil
    }

    /// One row per registered patient, by name: the `patients` view.
    public func patients(search: String? = nil, _ travel: TimeTravel = .now) throws -> [JSONValue] {
        var rows: [JSONValue] = []
        if travel == .now {
            let pattern = search.map { "%" + $0.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%" }
            let cursor = try Row.fetchCursor(reader.database, sql: """
                SELECT patient, name, dateOfBirth, lastVisit, latestPainScore, activeTriggerPoints, latentTriggerPoints FROM patient_summary
                WHERE ?1 IS NULL OR name LIKE ?1 ESCAPE '\\' OR patient LIKE ?1 ESCAPE '\\'
                ORDER BY name COLLATE NOCASE, patient
                """, arguments: [pattern])
            while let row = try cursor.next() {
                rows.append(Self.summary(patient: row["patient"], name: row["name"], dateOfBirth: row["dateOfBirth"], lastVisit: row["lastVisit"],
                                         latestPain: row["latestPainScore"], activeTriggerPoints: row["activeTriggerPoints"],
                                         latentTriggerPoints: row["latentTriggerPoints"]))
            }
            return rows
        }
        var records: [PatientRecord] = []
        try reader.forEachPatient { patient, events in
            let record = try PatientFold.fold(patient, events: events, covering: travel)
            let name = record.details["name"]?.stringValue ?? ""
            if record.isRegistered, search.map({ name.localizedCaseInsensitiveContains($0) || patient.rawValue.hasPrefix($0.lowercased()) }) ?? true {
                records.append(record)
            }
        }
        records.sort { ($0.details["name"]?.stringValue?.lowercased() ?? "", $0.patient) < ($1.details["name"]?.stringValue?.lowercased() ?? "", $1.patient) }
        return records.map { record in
            Self.summary(patient: record.patient.rawValue, name: record.details["name"]?.stringValue ?? "", dateOfBirth: record.details["dateOfBirth"]?.stringValue ?? "",
                         lastVisit: record.lastVisit?.description, latestPain: record.painScores.last?.fields["score"]?.intValue,
                         activeTriggerPoints: record.activeTriggerPoints.count, latentTriggerPoints: record.latentTriggerPoints.count)
        }
    }

    static func summary(patient: String, name: String, dateOfBirth: String, lastVisit: String?, latestPain: Int?, activeTriggerPoints: Int, latentTriggerPoints: Int) -> JSONValue {
        ["patientId": .string(patient), "name": .string(name), "dateOfBirth": .string(dateOfBirth),
         "lastVisit": lastVisit.map(JSONValue.string) ?? .null, "latestPainScore": latestPain.map(JSONValue.int) ?? .null,
         "activeTriggerPoints": .int(activeTriggerPoints), "latentTriggerPoints": .int(latentTriggerPoints)]
    }

    /// Every field two sites changed concurrently, with every candidate value and its author.
    public func conflicts() throws -> [JSONValue] {
        try Row.fetchAll(reader.database, sql: """
            SELECT c.patient, s.name, c.field, c.shown, c.candidates FROM field_conflicts c
            JOIN patient_summary s USING (patient) ORDER BY s.name COLLATE NOCASE, c.patient, c.field
            """).map { row in
            ["patientId": .string(row["patient"]), "name": .string(row["name"]), "field": .string(row["field"]),
             "shown": (row["shown"] as String?).map(JSONValue.string) ?? .null,
             "values": try JSONParser.parse(row["candidates"] as String)]
        }
    }
}
