import ClinicalEvents
import ClinicalFold
import EventLog
import GRDB
import EventModel

/// One projection table of clinical entries: the event type whose entries it holds, one column
/// per payload member (same name), and the columns every entry table has.
///
/// The one place an entry's row is written (``insert(_:patient:flag:in:)``) and read back for a
/// view (``PatientViews``), so the rows an in-place update writes are the rows a rebuild writes.
/// The payload itself is bound and read member by member by its ``EntryRow`` conformance.
struct EntryTable: Sendable {
    let name: String
    /// The event type whose entries it holds: its payload type's, never said twice.
    var type: String { rowType.eventType }
    /// The column holding the entry's `occurredAt`.
    let timeColumn: String
    /// The payload members, each stored in the column of the same name (text, or integer for
    /// ``integerFields``), NULL when absent.
    let fields: [String]
    /// The payload members an entry may lack (NULL columns); the others are NOT NULL.
    let optional: Set<String>
    /// A derived 0/1 column (`active`, `ended`) and its value for a new entry, if the table has one.
    let flag: (column: String, initial: Bool)?
    /// The column after `patient` in the table's per-patient index, if any.
    let indexedBy: String?
    /// The payload a row holds.
    let rowType: any EntryRow.Type

    static let integerFields: Set<String> = ["score", "minutes", "needles", "depthMm", "twitch", "version"]

    static let painScores = EntryTable(name: "pain_scores", timeColumn: "occurredAt",
                                       fields: ["score", "region", "context", "visit"], optional: ["visit"], flag: nil, indexedBy: "occurredAt", rowType: PainScoreRecorded.self)
    static let triggerPoints = EntryTable(name: "trigger_points", timeColumn: "foundAt",
                                          fields: ["muscle", "side", "status", "referral", "note", "visit"], optional: ["referral", "note", "visit"],
                                          flag: ("active", true), indexedBy: nil, rowType: TriggerPointFound.self)
    static let techniques = EntryTable(name: "techniques", timeColumn: "occurredAt",
                                       fields: ["technique", "region", "minutes", "note", "visit", "needles", "gauge", "depthMm", "twitch", "acknowledgedPrecautions"],
                                       optional: ["minutes", "note", "visit", "needles", "gauge", "depthMm", "twitch", "acknowledgedPrecautions"],
                                       flag: nil, indexedBy: "occurredAt", rowType: TechniqueApplied.self)
    static let history = EntryTable(name: "history_entries", timeColumn: "occurredAt",
                                    fields: ["kind", "text", "date", "ergonomics"], optional: ["date", "ergonomics"], flag: nil, indexedBy: "kind",
                                    rowType: HistoryEntryRecorded.self)
    static let visits = EntryTable(name: "visits", timeColumn: "startedAt", fields: ["reason"], optional: ["reason"],
                                   flag: ("ended", false), indexedBy: "startedAt", rowType: VisitStarted.self)

    /// A visit's end (its closing note), kept only while its visit has a row: `show` groups it
    /// under the visit (``VisitSummary``).
    static let visitEnds = EntryTable(name: "visit_ends", timeColumn: "endedAt", fields: ["visit", "note"], optional: ["note"],
                                      flag: nil, indexedBy: nil, rowType: VisitEnded.self)
    /// A trigger point's resolution (its note), kept only while its trigger point has a row.
    static let resolutions = EntryTable(name: "trigger_point_resolutions", timeColumn: "resolvedAt", fields: ["finding", "note", "visit"],
                                        optional: ["note", "visit"], flag: nil, indexedBy: nil, rowType: TriggerPointResolved.self)

    // The records of care (issue 30).
    static let treatmentNotes = EntryTable(name: "treatment_notes", timeColumn: "occurredAt",
                                           fields: ["subjective", "objective", "assessment", "plan", "visit"], optional: ["subjective", "objective", "assessment", "plan", "visit"],
                                           flag: nil, indexedBy: "occurredAt", rowType: TreatmentNoteRecorded.self)
    /// Every consent decision not retracted, given and withdrawn alike: the one that stands per
    /// technique is the latest in causal order.
    static let consents = EntryTable(name: "consents", timeColumn: "occurredAt",
                                     fields: ["technique", "decision", "form", "risks", "note", "visit"], optional: ["form", "risks", "note", "visit"],
                                     flag: nil, indexedBy: "technique", rowType: ConsentRecorded.self)
    static let precautions = EntryTable(name: "precautions", timeColumn: "recordedAt", fields: ["kind", "note", "visit"], optional: ["note", "visit"],
                                        flag: ("active", true), indexedBy: nil, rowType: PrecautionRecorded.self)
    static let adverseEvents = EntryTable(name: "adverse_events", timeColumn: "occurredAt",
                                          fields: ["kind", "severity", "after", "note", "visit"], optional: ["note", "visit"],
                                          flag: nil, indexedBy: "occurredAt", rowType: AdverseEventRecorded.self)
    static let measurements = EntryTable(name: "measurements", timeColumn: "occurredAt",
                                         fields: ["test", "side", "value", "unit", "result", "note", "visit"], optional: ["side", "value", "unit", "result", "note", "visit"],
                                         flag: nil, indexedBy: "occurredAt", rowType: MeasurementRecorded.self)

    /// Outcome measures' answer sets (issue 34), by instrument: the scores are derived at read time.
    static let outcomes = EntryTable(name: "outcomes", timeColumn: "occurredAt",
                                     fields: ["instrument", "version", "answers", "activities", "context", "note", "visit"], optional: ["activities", "note", "visit"],
                                     flag: nil, indexedBy: "instrument", rowType: OutcomeRecorded.self)

    static let all = [painScores, triggerPoints, techniques, history, visits, visitEnds, resolutions, treatmentNotes, consents, precautions, adverseEvents, measurements,
                      outcomes]
    static let byType: [String: EntryTable] = Dictionary(uniqueKeysWithValues: all.map { ($0.type, $0) })

    /// Columns after the payload's: who wrote the entry, the corrections applied to it (a JSON
    /// array of event ids, NULL when none), its ``CausalPosition`` for the views' ordering; when
    /// it was written (`writtenAt`, its `recordedAt`: `precautions.recordedAt` is the time of
    /// care, as every table's time column is; late entries are judged from it at read time, by the store's current
    /// rule), the role it was written in, the sign-off and co-signature covering it (event ids,
    /// NULL when none) and the addenda written after the sign-off (a JSON array, NULL when none).
    static let provenanceColumns = ["author", "correctedBy", "lamport", "origin", "sequence", "writtenAt", "authorRole", "signedOffBy", "coSignedBy", "addenda"]

    let columns: [String]
    /// Built once: a write inserts thousands of rows through the cached statement it names.
    let insertSQL: String

    init(name: String, timeColumn: String, fields: [String], optional: Set<String>, flag: (column: String, initial: Bool)?, indexedBy: String?,
         rowType: any EntryRow.Type) {
        (self.name, self.timeColumn, self.fields, self.optional, self.flag, self.indexedBy) = (name, timeColumn, fields, optional, flag, indexedBy)
        self.rowType = rowType
        columns = ["event", "patient", timeColumn] + fields + (flag.map { [$0.column] } ?? []) + Self.provenanceColumns
        insertSQL = "INSERT INTO \(name) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
    }

    /// The table and its per-patient index, as `PatientProjection.create(in:)` makes them: keyed by
    /// the event alone (`WITHOUT ROWID`: a row is one B-tree insert), STRICT.
    var createSQL: String {
        var definitions = ["event TEXT PRIMARY KEY NOT NULL", "patient TEXT NOT NULL", "\(timeColumn) TEXT NOT NULL"]
        definitions += fields.map { "\($0) \(Self.integerFields.contains($0) ? "INTEGER" : "TEXT")\(optional.contains($0) ? "" : " NOT NULL")" }
        if let flag { definitions.append("\(flag.column) INTEGER NOT NULL") }
        definitions += ["author TEXT NOT NULL", "correctedBy TEXT", "lamport INTEGER NOT NULL", "origin TEXT NOT NULL", "sequence INTEGER NOT NULL",
                        "writtenAt TEXT NOT NULL", "authorRole TEXT", "signedOffBy TEXT", "coSignedBy TEXT", "addenda TEXT"]
        return """
            CREATE TABLE \(name) (\n    \(definitions.joined(separator: ",\n    "))\n) STRICT, WITHOUT ROWID;
            CREATE INDEX \(name)_by_patient ON \(name)(\((["patient"] + (indexedBy.map { [$0] } ?? [])).joined(separator: ", ")));
            CREATE INDEX \(name)_awaiting ON \(name)(writtenAt) WHERE authorRole = '\(EntryCoSigned.studentRole)' AND coSignedBy IS NULL;
            """
    }

    /// Writes `entry`'s row; `flag` is the value of the table's derived column, if it has one.
    func insert(_ entry: ClinicalEntry, patient: PatientID, flag value: Bool?, in db: Database) throws {
        guard let payload = entry.current.entryRow, Swift.type(of: payload).table.name == name else {
            preconditionFailure("\(entry.current.eventType) has no row in \(name)")
        }
        let corrections = entry.corrections.isEmpty ? nil : Self.correctedBy(entry.corrections.map(\.id))
        try BoundStatement(db, sql: insertSQL).run { row in
            row.text(entry.event.id.rawValue); row.text(patient.rawValue); row.text(entry.event.occurredAt.description)
            payload.bindMembers(&row)
            if flag != nil { row.integer((value ?? false) ? 1 : 0) }
            row.text(entry.event.author); row.text(corrections); row.integer(entry.event.lamport); row.text(entry.event.origin.rawValue)
            row.integer(entry.event.sequence)
            row.text(entry.event.recordedAt.description); row.text(entry.event.authorRole); row.text(entry.signOff?.id.rawValue)
            row.text(entry.coSignature?.id.rawValue); row.text(entry.addenda.isEmpty ? nil : Self.correctedBy(entry.addenda.map(\.id)))
        }
    }

    /// The entry `event`'s row holds now (its payload with every correction so far) and the
    /// corrections applied, or nil when `patient` has no such row (retracted, another patient's,
    /// not an entry of this table).
    func current(of event: EventID, patient: PatientID, in db: Database) throws -> (entry: ClinicalEvent, correctedBy: [EventID])? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(fields.joined(separator: ", ")), correctedBy FROM \(name) WHERE event = ? AND patient = ?"),
                                         arguments: [event.rawValue, patient.rawValue])
        else { return nil }
        return (ClinicalEvent(rowType.init(row: row)), Self.correctedBy(row["correctedBy"]))
    }

    /// Whether `event`'s row is covered by a sign-off (false when it has no row).
    func isSignedOff(_ event: EventID, patient: PatientID, in db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT signedOffBy IS NOT NULL FROM \(name) WHERE event = ? AND patient = ?"),
                          arguments: [event.rawValue, patient.rawValue]) ?? false
    }

        /// Rewrites `event`'s payload columns to `entry`'s members and records `correctedBy`.
    func correct(_ event: EventID, patient: PatientID, to entry: ClinicalEvent, correctedBy: [EventID], in db: Database) throws {
        guard let payload = entry.entryRow, Swift.type(of: payload).table.name == name else {
            preconditionFailure("\(entry.eventType) has no row in \(name)")
        }
        let assignments = (fields + ["correctedBy"]).map { "\($0) = ?" }.joined(separator: ", ")
        try BoundStatement(db, sql: "UPDATE \(name) SET \(assignments) WHERE event = ? AND patient = ?").run { row in
            payload.bindMembers(&row)
            row.text(Self.correctedBy(correctedBy))
            row.text(event.rawValue)
            row.text(patient.rawValue)
        }
    }

    /// The `correctedBy` column: a JSON array of event ids, so `myolog query` can `json_each` it.
    static func correctedBy(_ ids: [EventID]) -> String {
        JSONValue.array(ids.map { .string($0.rawValue) }).canonicalString
    }

    /// The ids a `correctedBy` column holds (none when NULL).
    static func correctedBy(_ text: String?) -> [EventID] {
        guard let text, case .array(let elements)? = try? JSONParser.parse(text) else { return [] }
        return elements.compactMap { $0.stringValue.flatMap(EventID.init) }
    }
}
