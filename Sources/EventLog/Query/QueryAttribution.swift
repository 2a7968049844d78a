import GRDB
import EventModel

/// Whose data a `query` could have shown, decided from what SQLite says the statement read —
/// never from the names its result columns carry, which an alias changes at will.
///
/// Guarantees: a query is recorded as a read of exactly the patients in its result only when
/// each row provably comes from one patient's row: one SELECT, no subquery, join (a table joined
/// with itself too: the query plan's scans are counted), compound or CTE, reading one patient table, calling no function that could bring other rows' values into
/// a row (aggregates, window functions), and returning that table's own `patient` column (by
/// SQLite's column metadata, so `SELECT name AS patient` is not it and `SELECT patient AS pid`
/// is). Any other query that read a table holding patient data is recorded as a read of every
/// patient whose data that table could hold: over-reporting, never under-reporting. A query that
/// read no such table names no patient.
public struct QueryAttribution: Sendable, Equatable {
    public enum Scope: Sendable, Equatable {
        /// The query read no table holding patient data.
        case none
        /// Each row is one patient's: the patients are those of the rows returned.
        case rows
        /// The rows cannot be attributed: every patient the tables read could hold.
        case everyPatient
    }

    public var scope: Scope
    public var patients: [PatientID]

    /// Scalar functions that compute from one row's values only: they cannot carry another
    /// row's data into a row, so a query using them can still be attributed row by row.
    static let rowFunctions: Set<String> = [
        "abs", "coalesce", "ifnull", "iif", "instr", "length", "lower", "ltrim", "nullif", "printf", "format", "replace",
        "round", "rtrim", "substr", "substring", "trim", "typeof", "upper", "date", "time", "datetime", "julianday",
        "strftime", "unixepoch", "like", "glob", "hex", "quote",
    ]

    /// Tables of the store that hold no patient data: what the nodes are, SQLite's schema, and the
    /// node's own record of its syncs and verify runs.
    static let tablesWithoutPatients: Set<String> = [
        "nodes", "sqlite_schema", "sqlite_master", "sqlite_sequence", "grdb_migrations", "sync_peers", "peer_rollbacks", "verify_runs",
    ]

    /// Decides for `result`, reading the store's list of patients through `reader` when the rows
    /// cannot be attributed.
    public init(_ result: ReadOnlyQuery.Result, in reader: EventReader) throws {
        let patientTables = result.reads.tables.keys.filter { !Self.tablesWithoutPatients.contains($0) }
        guard !patientTables.isEmpty else {
            (scope, patients) = (.none, [])
            return
        }
        if patientTables.count == 1, result.reads.tables.count == 1, let table = patientTables.first,
           result.reads.selects == 1, result.reads.tableReferences == 1, !result.reads.recursive,
           // min and max are aggregates with one argument: not in the list, the safe side.
           result.reads.functions.isSubset(of: Self.rowFunctions) {
            let columns = result.origins.indices.filter { result.origins[$0] == ReadOnlyQuery.Origin(table: table, column: "patient") }
            if !columns.isEmpty {
                var found = Set<PatientID>()
                var attributable = true
                for row in result.rows {
                    let ids = columns.compactMap { column -> PatientID? in
                        if case .text(let text) = row[column] { return PatientID(text) }
                        return nil
                    }
                    // A row whose patient cell is empty (NULL) cannot be attributed.
                    guard ids.count == columns.count else { attributable = false; break }
                    found.formUnion(ids)
                }
                if attributable {
                    (scope, patients) = (.rows, found.sorted())
                    return
                }
            }
        }
        scope = .everyPatient
        patients = try Self.everyPatient(of: patientTables, in: reader)
    }

    /// Every patient whose data `tables` could hold: those of their `patient` column; for a
    /// table without one, every patient the log names.
    static func everyPatient(of tables: some Collection<String>, in reader: EventReader) throws -> [PatientID] {
        var found = Set<PatientID>()
        for table in tables {
            let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let hasPatient = try Bool.fetchOne(reader.db, sql: "SELECT count(*) > 0 FROM pragma_table_info(?) WHERE name = 'patient'", arguments: [table]) ?? false
            let sql = hasPatient ? "SELECT DISTINCT patient FROM \(quoted) WHERE patient IS NOT NULL" : "SELECT DISTINCT patient FROM events WHERE patient IS NOT NULL"
            for text in try String.fetchAll(reader.db, sql: sql) { if let patient = PatientID(text) { found.insert(patient) } }
        }
        return found.sorted()
    }
}
