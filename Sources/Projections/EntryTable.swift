import ClinicalEvents
import EventLog
import GRDB

/// One projection table of clinical entries: the event type whose entries it holds, one column
/// per payload member (same name), and the columns every entry table has.
///
/// The one place an entry's row is written (``insert(_:patient:flag:in:)``) and read back for a
/// view (``PatientViews``), so the rows an in-place update writes are the rows a rebuild writes.
struct EntryTable: Sendable {
    let name: String
    let type: String
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

    static let integerFields: Set<String> = ["score", "minutes"]

    static let painScores = EntryTable(name: "pain_scores", type: PainScoreRecorded.eventType, timeColumn: "occurredAt",
                                       fields: ["score", "region", "context", "visit"], optional: ["visit"], flag: nil, indexedBy: "occurredAt")
    static let triggerPoints = EntryTable(name: "trigger_points", type: TriggerPointFound.eventType, timeColumn: "foundAt",
                                          fields: ["muscle", "side", "status", "referral", "note", "visit"], optional: ["referral", "note", "visit"],
                                          flag: ("active", true), indexedBy: nil)
    static let techniques = EntryTable(name: "techniques", type: TechniqueApplied.eventType, timeColumn: "occurredAt",
                                       fields: ["technique", "region", "minutes", "note", "visit"], optional: ["minutes", "note", "visit"],
                                       flag: nil, indexedBy: "occurredAt")
    static let history = EntryTable(name: "history_entries", type: HistoryEntryRecorded.eventType, timeColumn: "occurredAt",
                                    fields: ["kind", "text", "date", "ergonomics"], optional: ["date", "ergonomics"], flag: nil, indexedBy: "kind")
    static let visits = EntryTable(name: "visits", type: VisitStarted.eventType, timeColumn: "startedAt", fields: ["reason"], optional: ["reason"],
                                   flag: ("ended", false), indexedBy: "startedAt")

    static let all = [painScores, triggerPoints, techniques, history, visits]
    static let byType: [String: EntryTable] = Dictionary(uniqueKeysWithValues: all.map { ($0.type, $0) })

    /// Columns after the payload's: who wrote the entry, the corrections applied to it (a JSON
    /// array of event ids, NULL when none), and its ``CausalPosition`` for the views' ordering.
    static let provenanceColumns = ["author", "correctedBy", "lamport", "origin", "sequence"]

    let columns: [String]
    /// Built once: a write inserts thousands of rows through the cached statement it names.
    let insertSQL: String

    init(name: String, type: String, timeColumn: String, fields: [String], optional: Set<String>, flag: (column: String, initial: Bool)?, indexedBy: String?) {
        (self.name, self.type, self.timeColumn, self.fields, self.optional, self.flag, self.indexedBy) = (name, type, timeColumn, fields, optional, flag, indexedBy)
        columns = ["event", "patient", timeColumn] + fields + (flag.map { [$0.column] } ?? []) + Self.provenanceColumns
        insertSQL = "INSERT INTO \(name) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
    }

    /// The table and its per-patient index, as `PatientProjection.create(in:)` makes them: keyed by
    /// the event alone (`WITHOUT ROWID`: a row is one B-tree insert), STRICT.
    var createSQL: String {
        var definitions = ["event TEXT PRIMARY KEY NOT NULL", "patient TEXT NOT NULL", "\(timeColumn) TEXT NOT NULL"]
        definitions += fields.map { "\($0) \(Self.integerFields.contains($0) ? "INTEGER" : "TEXT")\(optional.contains($0) ? "" : " NOT NULL")" }
        if let flag { definitions.append("\(flag.column) INTEGER NOT NULL") }
        definitions += ["author TEXT NOT NULL", "correctedBy TEXT", "lamport INTEGER NOT NULL", "origin TEXT NOT NULL", "sequence INTEGER NOT NULL"]
        return """
            CREATE TABLE \(name) (\n    \(definitions.joined(separator: ",\n    "))\n) STRICT, WITHOUT ROWID;
            CREATE INDEX \(name)_by_patient ON \(name)(\((["patient"] + (indexedBy.map { [$0] } ?? [])).joined(separator: ", ")));
            """
    }

    /// Writes `entry`'s row; `flag` is the value of the table's derived column, if it has one.
    func insert(_ entry: ClinicalEntry, patient: PatientID, flag value: Bool?, in db: Database) throws {
        let corrections = entry.corrections.isEmpty ? nil : JSONValue.array(entry.corrections.map { .string($0.id.rawValue) }).canonicalString
        try BoundStatement(db, sql: insertSQL).run { row in
            row.text(entry.event.id.rawValue); row.text(patient.rawValue); row.text(entry.event.occurredAt.description)
            for field in fields { row.member(entry.fields[field]) }
            if flag != nil { row.integer((value ?? false) ? 1 : 0) }
            row.text(entry.event.author); row.text(corrections); row.integer(entry.event.lamport); row.text(entry.event.origin.rawValue)
            row.integer(entry.event.sequence)
        }
    }

    /// The payload members `event`'s row holds now (its entry with every correction so far), or
    /// nil when `patient` has no such row (retracted, another patient's, not an entry of this table).
    func fields(of event: EventID, patient: PatientID, in db: Database) throws -> (fields: [String: JSONValue], correctedBy: String?)? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(fields.joined(separator: ", ")), correctedBy FROM \(name) WHERE event = ? AND patient = ?"),
                                         arguments: [event.rawValue, patient.rawValue])
        else { return nil }
        return (members(of: row), row["correctedBy"])
    }

    /// Rewrites `event`'s payload columns to `fields` and appends `correction` to its `correctedBy`.
    func correct(_ event: EventID, patient: PatientID, to fields: [String: JSONValue], correctedBy earlier: String?, adding correction: EventID,
                 in db: Database) throws {
        var corrections = (try earlier.map { try JSONParser.parse($0).arrayValue ?? [] }) ?? []
        corrections.append(.string(correction.rawValue))
        let assignments = (self.fields + ["correctedBy"]).map { "\($0) = ?" }.joined(separator: ", ")
        try BoundStatement(db, sql: "UPDATE \(name) SET \(assignments) WHERE event = ? AND patient = ?").run { row in
            for field in self.fields { row.member(fields[field]) }
            row.text(JSONValue.array(corrections).canonicalString)
            row.text(event.rawValue)
            row.text(patient.rawValue)
        }
    }

    /// The payload members a row of this table holds: text or integer columns, absent when NULL.
    func members(of row: Row) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        for field in fields {
            switch (row[field] as DatabaseValue).storage {
            case .int64(let number): members[field] = .int(Int(number))
            case .string(let text): members[field] = .string(text)
            default: break
            }
        }
        return members
    }
}

extension BoundStatement.Values {
    /// Binds one payload member as its column holds it: text, integer, or NULL when absent
    /// (entries are valid payloads, so a member is never another kind).
    mutating func member(_ value: JSONValue?) {
        switch value {
        case .string(let string)?: text(string)
        case .int(let number)?: integer(number)
        default: null()
        }
    }
}
