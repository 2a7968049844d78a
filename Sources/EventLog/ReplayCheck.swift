import Crypto
import GRDB

extension EventStore {
    /// The projection tables whose rows differ from what a fresh replay of the log folds; empty
    /// when the views are exactly the log's. The replay runs inside a transaction that is always
    /// rolled back, so the check changes nothing — but it holds the write lock for a rebuild's time.
    public func tablesDifferingFromReplay() throws -> [String] {
        var differing: [String] = []
        try database.inTransaction(.immediate) { db in
            let stored = try projections.flatMap(\.tables).map { ($0, try Self.digest(of: $0, in: db)) }
            for projection in projections {
                try projection.drop(in: db)
                try projection.create(in: db)
                try projection.rebuild(in: ProjectionTransaction(db: db))
            }
            for (table, digest) in stored where try Self.digest(of: table, in: db) != digest { differing.append(table) }
            return .rollback
        }
        return differing
    }

    /// A SHA-256 over every row of `table` in a total order (all columns), so equal tables give
    /// equal digests whatever order their rows were inserted in.
    private static func digest(of table: String, in db: Database) throws -> String {
        let columns = try db.columns(in: table).count
        let order = (1...max(columns, 1)).map(String.init).joined(separator: ", ")
        var hasher = SHA256()
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY \(order)")
        while let row = try cursor.next() {
            for value in row.databaseValues { hasher.update(data: Array("\(value)\u{1F}".utf8)) }
            hasher.update(data: [0x1E])
        }
        return Hex.encode(hasher.finalize())
    }
}
