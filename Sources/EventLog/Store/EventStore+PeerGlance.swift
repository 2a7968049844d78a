import Foundation
import GRDB
import GRDBSQLite
import EventModel
import EventSync

extension EventStore {
    /// What the store in `directory` would present at the first stage of a sync — its node, its
    /// site and the head of every chain it holds — read without opening it as a store: one
    /// read-only SQLite connection, one read transaction, then closed. What `status` compares
    /// with this store's own heads to say what each side lacks without moving anything.
    ///
    /// Guarantees: nothing of that store changes. Opening it as a store would not promise that
    /// (a migration, a projection rebuild, an erasure's checkpoint retried, a missed
    /// acknowledgement appended); this does none of them, and never reads its `node.key`. SQLite
    /// may create the database's `-shm` index file beside it, as any reader of a WAL database
    /// does; no row, no other file. A directory whose `-shm` cannot be made is read as an
    /// immutable file, as a read-only backup is (a snapshot that may lag a writer there).
    ///
    /// - Parameter directory: The other store's directory.
    /// - Returns: Its summary, as its `summary()` would give it.
    /// - Throws: ``EventLogError`` naming what is there instead of a store.
    public static func summary(ofStoreAt directory: URL) throws -> PeerSummary {
        let url = directory.appendingPathComponent(databaseFileName)
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            if errno == ENOENT { throw EventLogError.noStore(path: directory.path) }
            throw EventLogError.storeInaccessible(path: url.path, reason: String(cString: strerror(errno)))
        }
        guard access(url.path, R_OK) == 0 else { throw EventLogError.storeInaccessible(path: url.path, reason: String(cString: strerror(errno))) }
        let database = try openDatabase(url, readOnly: true, creating: false, upgrader: nil)
        defer { try? database.close() }
        let notAStore = EventLogError.notAStore(path: url.path, reason: "a SQLite database, but not a Myolog store's as Myolog writes one")
        return try database.read { db in
            // The directory may be anyone's, its file crafted: no value over 64 KiB is built (a
            // computed column cannot make status allocate without bound), every value is typed
            // by SQL before Swift decodes it, and the summary passes the same checks as one that
            // arrives over the network (site a visible line, sequences ≥ 1, hashes SHA-256 hex).
            sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, 65_536)
            guard try db.tableExists("nodes"), try db.tableExists("events"),
                let row = try Row.fetchOne(db, sql: "SELECT id, site FROM nodes WHERE isLocal = 1 AND typeof(id) = 'text' AND typeof(site) = 'text'")
            else { throw notAStore }
            let heads = try Row.fetchAll(db, sql: """
                SELECT origin, sequence, hash FROM events
                WHERE (origin, sequence) IN (SELECT origin, max(sequence) FROM events GROUP BY origin)
                  AND typeof(origin) = 'text' AND typeof(sequence) = 'integer' AND typeof(hash) = 'text'
                LIMIT 100000
                """)
            let json = JSONValue.object([
                "node": .string(row[0]), "site": .string(row[1]),
                "heads": .object(Dictionary(heads.map { head in
                    (head[0] as String, JSONValue.object(["sequence": .int(head[1]), "hash": .string(head[2])]))
                }, uniquingKeysWith: { first, _ in first })),
            ])
            do { return try PeerSummary(json: json) } catch { throw EventLogError.notAStore(path: url.path, reason: "its summary is not as Myolog writes one: \(error)") }
        }
    }
}
