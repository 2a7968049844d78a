import Foundation
import GRDB

/// Runs one SQL statement for scripts and reports on a connection that cannot write.
///
/// The connection is opened read-only (`SQLITE_OPEN_READONLY`) with `PRAGMA query_only`, so no
/// statement — `INSERT`, `DROP`, `PRAGMA writable_schema`, `ATTACH` and write — can change the
/// store; and exactly one statement is accepted, so nothing can ride along after a `SELECT`.
public struct ReadOnlyQuery {
    /// Why a query was refused, in one line.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public var reason: String
        public var description: String { "query: \(reason)" }
    }

    /// One result: column names, then rows of SQLite values.
    public struct Result {
        public var columns: [String]
        public var rows: [[DatabaseValue]]
    }

    let databaseURL: URL

    public init(store directory: URL) {
        databaseURL = directory.appendingPathComponent(EventStore.databaseFileName)
    }

    public func run(_ sql: String, limit: Int = 1_000_000) throws -> Result {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = ON") }
        let database: DatabaseQueue
        do {
            database = try DatabaseQueue(path: databaseURL.path, configuration: configuration)
        } catch {
            throw Refusal(reason: "cannot open \(databaseURL.path) read-only")
        }
        return try database.read { db in
            let statement: Statement
            do {
                statement = try db.makeStatement(sql: sql)
            } catch let error as DatabaseError {
                throw Refusal(reason: Self.oneLine(error))
            }
            guard statement.isReadonly else { throw Refusal(reason: "only a read-only statement (SELECT, WITH …, EXPLAIN) is accepted; the store is unchanged") }
            var result = Result(columns: statement.columnNames, rows: [])
            do {
                let cursor = try Row.fetchCursor(statement)
                while let row = try cursor.next() {
                    guard result.rows.count < limit else { throw Refusal(reason: "more than \(limit) rows; add a LIMIT") }
                    result.rows.append(row.databaseValues.map { $0 })
                }
            } catch let error as DatabaseError {
                throw Refusal(reason: Self.oneLine(error))
            }
            return result
        }
    }

    static func oneLine(_ error: DatabaseError) -> String {
        let message = error.message ?? "\(error.resultCode)"
        if message.contains("Multiple statements") { return "exactly one statement is accepted; the store is unchanged" }
        return message.replacingOccurrences(of: "\n", with: " ")
    }
}
