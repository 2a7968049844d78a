import GRDB
import GRDBSQLite

/// A statement that writes rows (an INSERT or an UPDATE, returning none), prepared once and run
/// many times with its values bound straight through the SQLite C API: no `StatementArguments`,
/// no existential boxes, no per-row arrays.
///
/// The paths that write a row per event (the log's append and receive, the views' rows in a
/// rebuild or a fold) spent a fifth of their time in argument packaging before this. Use it only
/// inside a transaction the caller holds: it steps the statement itself, so GRDB's execution
/// hooks (transaction observers, which Myolog does not use) do not see it.
package struct BoundStatement {
    private let statement: Statement

    /// The cached statement for `sql` on `db`.
    package init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
    }

    /// Binds the values `bind` gives, in parameter order, and runs the statement once. Throws
    /// the `DatabaseError` SQLite reports (a constraint, a trigger's refusal), with the SQL.
    package func run(_ bind: (inout Values) -> Void) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var values = Values(handle: handle)
        bind(&values)
        precondition(values.index - 1 == Int32(sqlite3_bind_parameter_count(handle)), "BoundStatement: \(values.index - 1) values for \(statement.sql)")
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        sqlite3_reset(handle)
    }

    /// The next parameter to bind.
    package struct Values {
        fileprivate let handle: OpaquePointer
        fileprivate var index: Int32 = 1

        package mutating func text(_ value: String) {
            var value = value
            value.withUTF8 { bytes in
                _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
            }
            index += 1
        }

        package mutating func text(_ value: String?) {
            if let value { text(value) } else { null() }
        }

        package mutating func integer(_ value: Int) {
            sqlite3_bind_int64(handle, index, Int64(value))
            index += 1
        }

        package mutating func integer(_ value: Int?) {
            if let value { integer(value) } else { null() }
        }

        package mutating func null() {
            sqlite3_bind_null(handle, index)
            index += 1
        }

        /// SQLite copies the bytes: the Swift string's storage need not outlive the call.
        private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }
}
