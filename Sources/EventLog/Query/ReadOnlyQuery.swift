import Foundation
import GRDB
import GRDBSQLite
import EventModel

/// Runs one SQL statement for scripts and reports on a connection that cannot write.
///
/// The connection is opened read-only (`SQLITE_OPEN_READONLY`) with `PRAGMA query_only`, so no
/// statement — `INSERT`, `DROP`, `PRAGMA writable_schema`, `ATTACH` and write — can change the
/// store; and exactly one statement is accepted, so nothing can ride along after a `SELECT`.
public struct ReadOnlyQuery {
    /// Why a query was refused, in one line.
    public struct Refusal: CodedError, Sendable {
        /// Why. Codes are stable: scripts and tests match them, so one is never renamed nor
        /// reused for another meaning.
        public enum Code: String, Sendable, Hashable, CaseIterable {
            /// The database cannot be opened read-only.
            case cannotOpen
            /// Not one read-only statement SQLite compiles (its words are the reason).
            case invalidStatement
            /// A statement that could write.
            case notReadOnly
            /// Stopped at the time limit.
            case timedOut
            /// Stopped at the memory limit.
            case outOfMemory
            /// A value beyond the size limit.
            case valueTooLarge
            /// More rows than the limit.
            case tooManyRows
            /// A result beyond the memory limit.
            case resultTooLarge
        }

        public var code: Code
        public var reason: String
        public var description: String { "query: \(reason)" }
    }

    /// One result: column names, then rows of SQLite values, and what the statement read.
    public struct Result {
        public var columns: [String]
        public var rows: [[Value]]
        /// What SQLite's authorizer saw while compiling the statement.
        public var reads: Reads = Reads()
        /// For each column, the table and column it is taken from unchanged, or nil for an
        /// expression (SQLite's column metadata: an alias does not change it).
        public var origins: [Origin?] = []
    }

    /// A result column read straight from a table's column.
    public struct Origin: Sendable, Equatable {
        public var table: String
        public var column: String
    }

    /// Everything a statement reads, as SQLite's authorizer reports it while compiling: this,
    /// not the statement's text, says whose data a query could have shown.
    public struct Reads: Sendable, Equatable {
        /// Tables read (lower-cased), with the columns read of each.
        public var tables: [String: Set<String>] = [:]
        /// SELECTs compiled: 1 for a plain query, more for every subquery, CTE or compound part.
        public var selects = 0
        /// Functions called (lower-cased): aggregates and window functions among them.
        public var functions: Set<String> = []
        /// A recursive CTE.
        public var recursive = false
        /// Scans and searches of tables in the statement's query plan: one per table reference,
        /// so a table joined with itself counts twice (the authorizer names it once).
        public var tableReferences = 0
    }

    /// Collects the authorizer's reports; it denies nothing (query_only and the read-only
    /// connection already refuse every write).
    final class ReadsCollector {
        var reads = Reads()
    }

    /// One cell of a result, as SQLite holds it.
    public enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob(Data)

        init(_ value: DatabaseValue) {
            switch value.storage {
            case .null: self = .null
            case .int64(let int): self = .integer(int)
            case .double(let double): self = .real(double)
            case .string(let string): self = .text(string)
            case .blob(let data): self = .blob(data)
            }
        }

        /// Bytes it holds, for the result's memory limit.
        var size: Int {
            switch self {
            case .text(let text): text.utf8.count
            case .blob(let data): data.count
            default: 8
            }
        }
    }

    let databaseURL: URL

    public init(store directory: URL) {
        databaseURL = directory.appendingPathComponent(EventStore.databaseFileName)
    }

    /// Bounds on one query's resources: a runaway statement (an endless recursive CTE, a
    /// gigabyte string) is refused, never allowed to hang the machine or exhaust its memory.
    public struct Limits: Sendable {
        /// The most rows returned.
        public var rows = 1_000_000
        /// Wall-clock seconds before the statement is interrupted.
        public var seconds = 5.0
        /// The largest string or blob any expression may build (SQLite's SQLITE_LIMIT_LENGTH).
        public var valueBytes = 16 << 20
        /// SQLite's heap, and the result gathered, may not grow beyond this.
        public var memoryBytes = 256 << 20
        public init() {}
    }

    public func run(_ sql: String, limits: Limits = Limits()) throws -> Result {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA query_only = ON")
            sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, Int32(clamping: limits.valueBytes))
        }
        let database: DatabaseQueue
        do {
            database = try DatabaseQueue(path: databaseURL.path, configuration: configuration)
        } catch {
            throw Refusal(code: .cannotOpen, reason: "cannot open \(databaseURL.path) read-only")
        }
        // Process-wide in SQLite, so restored afterwards; the CLI runs one query per process.
        let previousHeapLimit = sqlite3_hard_heap_limit64(Int64(limits.memoryBytes))
        defer { sqlite3_hard_heap_limit64(previousHeapLimit) }
        let deadline = DispatchWorkItem { database.interrupt() }
        DispatchQueue.global().asyncAfter(deadline: .now() + limits.seconds, execute: deadline)
        defer { deadline.cancel() }
        func refusal(_ error: DatabaseError) -> Refusal {
            switch error.resultCode {
            case .SQLITE_INTERRUPT: Refusal(code: .timedOut, reason: "the statement ran longer than \(limits.seconds) s and was stopped (--timeout); the store is unchanged")
            case .SQLITE_NOMEM: Refusal(code: .outOfMemory, reason: "the statement needed more than \(limits.memoryBytes >> 20) MiB of memory and was stopped; the store is unchanged")
            case .SQLITE_TOOBIG: Refusal(code: .valueTooLarge, reason: "a value larger than \(limits.valueBytes >> 20) MiB was refused; the store is unchanged")
            default: Refusal(code: .invalidStatement, reason: Self.oneLine(error))
            }
        }
        return try database.read { db in
            let statement: Statement
            // This connection is used for this one statement: GRDB's own authorizer (it tracks
            // what observed regions a statement touches) is not needed here and is replaced.
            let collector = ReadsCollector()
            let context = Unmanaged.passRetained(collector)
            defer { context.release() }
            sqlite3_set_authorizer(db.sqliteConnection, { context, action, first, second, _, _ in
                guard let context else { return SQLITE_OK }
                let collector = Unmanaged<ReadsCollector>.fromOpaque(context).takeUnretainedValue()
                switch action {
                case SQLITE_READ:
                    if let first {
                        let table = String(cString: first).lowercased()
                        collector.reads.tables[table, default: []].insert(second.map { String(cString: $0).lowercased() } ?? "")
                    }
                case SQLITE_SELECT: collector.reads.selects += 1
                case SQLITE_FUNCTION: if let second { collector.reads.functions.insert(String(cString: second).lowercased()) }
                case SQLITE_RECURSIVE: collector.reads.recursive = true
                default: break
                }
                return SQLITE_OK
            }, context.toOpaque())
            defer { sqlite3_set_authorizer(db.sqliteConnection, nil, nil) }
            do {
                statement = try db.makeStatement(sql: sql)
            } catch let error as DatabaseError {
                throw refusal(error)
            }
            guard statement.isReadonly else { throw Refusal(code: .notReadOnly, reason: "only a read-only statement (SELECT, WITH …, EXPLAIN) is accepted; the store is unchanged") }
            var result = Result(columns: statement.columnNames, rows: [], reads: collector.reads)
            // A statement whose plan cannot be asked for (an `EXPLAIN …` itself) is one whose rows
            // are not proved one patient's each: counted as scanning without bound.
            do {
                result.reads.tableReferences = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).filter { row in
                    let detail: String = row["detail"] ?? ""
                    return detail.hasPrefix("SCAN ") || detail.hasPrefix("SEARCH ")
                }.count
            } catch is DatabaseError {
                result.reads.tableReferences = Int.max
            }
            result.origins = (0..<Int32(statement.columnCount)).map { index in
                guard let table = sqlite3_column_table_name(statement.sqliteStatement, index),
                      let column = sqlite3_column_origin_name(statement.sqliteStatement, index) else { return nil }
                return Origin(table: String(cString: table).lowercased(), column: String(cString: column).lowercased())
            }
            var bytes = 0
            do {
                let cursor = try Row.fetchCursor(statement)
                while let row = try cursor.next() {
                    guard result.rows.count < limits.rows else { throw Refusal(code: .tooManyRows, reason: "more than \(limits.rows) rows; add a LIMIT") }
                    let values = Array(row.databaseValues.map(Value.init))
                    for value in values { bytes += value.size }
                    guard bytes <= limits.memoryBytes else { throw Refusal(code: .resultTooLarge, reason: "the result is larger than \(limits.memoryBytes >> 20) MiB; add a LIMIT or select fewer columns") }
                    result.rows.append(values)
                }
            } catch let error as DatabaseError {
                throw refusal(error)
            }
            return result
        }
    }

    /// The names a statement's shape may keep (``StatementShape``): the store's tables, views
    /// and their columns, and SQLite's functions.
    public func schemaNames() throws -> Set<String> {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: databaseURL.path, configuration: configuration)
        return try database.read { db in
            var names = Set<String>()
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')") {
                names.insert(table)
                names.formUnion(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]))
            }
            names.formUnion(try String.fetchAll(db, sql: "SELECT name FROM pragma_function_list"))
            return names
        }
    }

    static func oneLine(_ error: DatabaseError) -> String {
        let message = error.message ?? "\(error.resultCode)"
        if message.contains("Multiple statements") { return "exactly one statement is accepted; the store is unchanged" }
        return message.replacingOccurrences(of: "\n", with: " ")
    }
}
