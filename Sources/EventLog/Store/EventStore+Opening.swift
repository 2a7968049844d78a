import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto

extension EventStore {
    /// Opens the store in `directory`, migrating its schema forward if this build is newer.
    ///
    /// Says what is wrong in one line, and writes nothing, when the directory is not a store (no
    /// such directory, permission denied, a database file missing beside its key, a file that is
    /// empty, not SQLite, damaged, or someone else's SQLite database). A store whose database
    /// cannot be written here (a backup, a read-only mount) opens read-only (``isReadOnly``); one
    /// whose `node.key` is missing opens without it: both can be read and verified, not written.
    ///
    /// `concurrentReads` (for a server): reads run on their own connections beside the writer
    /// (a GRDB `DatabasePool` over the WAL), so a peer's summary or page never waits for another
    /// peer's commit. A command that does one thing keeps the single connection: it opens faster.
    public static func open(at directory: URL, projections: [any LogProjection] = [], wallClock: WallClock = .system,
                            concurrentReads: Bool = false) throws -> EventStore {
        let databaseURL = directory.appendingPathComponent(databaseFileName)
        let keyURL = directory.appendingPathComponent(keyFileName)
        try checkIsStore(directory)
        var status = stat()
        if stat(directory.path, &status) == 0, status.st_mode & 0o077 != 0 {
            throw EventLogError.insecureStoreDirectory(path: directory.path, mode: UInt16(status.st_mode & 0o777))
        }
        let privateKey = FileManager.default.fileExists(atPath: keyURL.path) ? try NodeIdentity.readPrivateKey(from: keyURL) : nil
        let readOnly = access(databaseURL.path, W_OK) != 0 || access(directory.path, W_OK) != 0
        let database: DatabaseQueue
        let local: Row?
        do {
            // The key's identity signs what an upgrade must sign (the trust list's existing rows);
            // its site is not needed for that, and is read from the database below.
            let upgrader = privateKey.map { NodeIdentity(privateKey: $0, site: "", keyPath: keyURL.path) }
            database = try openDatabase(databaseURL, readOnly: readOnly, creating: false, upgrader: upgrader)
            local = try database.read { db in
                guard try db.tableExists("grdb_migrations"), try db.tableExists("nodes") else {
                    throw EventLogError.notAStore(path: databaseURL.path, reason: "a SQLite database, but not a Myolog store's")
                }
                return try Row.fetchOne(db, sql: "SELECT id, site, publicKey FROM nodes WHERE isLocal = 1")
            }
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            throw EventLogError.notAStore(path: databaseURL.path, reason: "SQLite reports it damaged (\(error.message ?? "\(error.resultCode)"))")
        }
        guard let local, let localID = local["id"] as String?, let site = local["site"] as String?,
            let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: local["publicKey"] as Data? ?? Data())
        else { throw EventLogError.damagedStore(path: directory.path, reason: "the database names no local node") }
        let identity = privateKey.map { NodeIdentity(privateKey: $0, site: site, keyPath: keyURL.path) }
            ?? NodeIdentity(publicKey: publicKey, site: site, keyPath: keyURL.path)
        guard identity.nodeID.rawValue == localID, identity.publicKey.rawRepresentation == publicKey.rawRepresentation else {
            throw EventLogError.damagedStore(path: directory.path, reason: "node.key belongs to node \(identity.nodeID), the database to \(localID)")
        }
        // A projection built by another version of its fold is rebuilt before anyone reads it.
        // Checked with a read first, so opening an up-to-date store takes no write lock.
        func outdated(_ db: Database) throws -> [any LogProjection] {
            try projections.filter { projection in
                try Int.fetchOne(db, sql: "SELECT version FROM projection_versions WHERE name = ?", arguments: [projection.name]) != projection.version
            }
        }
        var rebuilt: [String] = []
        if try !database.read(outdated).isEmpty {
            guard !readOnly else {
                throw EventLogError.damagedStore(path: directory.path, reason: "its views were built by another version of Myolog and it is read-only here: open a writable copy")
            }
            try database.writeWithoutTransaction { db in try db.inTransaction(.immediate) {
                for projection in try outdated(db) {
                    try install(projection, in: db)
                    try projection.rebuild(in: ProjectionTransaction(db: db, storeKey: identity.storeKey))
                    rebuilt.append(projection.name)
                }
                return .commit
            } }
        }
        // Checked and migrated through the one connection above; a server then reads through a pool.
        let writer: any DatabaseWriter = concurrentReads && !readOnly
            ? try DatabasePool(path: databaseURL.path, configuration: configuration(readOnly: false)) : database
        let store = EventStore(directory: directory, identity: identity, database: writer, projections: projections, rebuiltOnOpen: rebuilt,
                               wallClock: wallClock, isReadOnly: readOnly)
        // An erasure whose checkpoint could not finish (a reader held the WAL) is retried at
        // every open: erased text leaves the WAL as soon as nobody holds it.
        store.completeErasureCheckpoint()
        // An erasure applied while this node could not append (or a crash) is acknowledged now.
        store.acknowledgeMissedErasures()
        // A backup killed mid-copy left a plaintext copy of the store here, which an erasure
        // would not reach: gone at the next open that may write (one directory listing).
        if !readOnly { store.removeStaleSnapshots() }
        return store
    }

    /// Refuses, naming what it found, a directory that does not hold a store's database file.
    private static func checkIsStore(_ directory: URL) throws {
        let databaseURL = directory.appendingPathComponent(databaseFileName)
        var status = stat()
        guard stat(directory.path, &status) == 0 else {
            if errno == ENOENT { throw EventLogError.noStore(path: directory.path) }
            throw EventLogError.storeInaccessible(path: directory.path, reason: String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw EventLogError.notAStore(path: directory.path, reason: "a store is a directory; this is a file")
        }
        guard access(directory.path, R_OK | X_OK) == 0 else {
            throw EventLogError.storeInaccessible(path: directory.path, reason: String(cString: strerror(errno)))
        }
        guard stat(databaseURL.path, &status) == 0 else {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(keyFileName).path) {
                throw EventLogError.damagedStore(path: directory.path, reason: "\(databaseFileName) is missing beside node.key (deleted?): restore it from a backup")
            }
            if (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.isEmpty ?? true {
                throw EventLogError.noStore(path: directory.path)
            }
            throw EventLogError.notAStore(path: directory.path, reason: "the directory holds no \(databaseFileName)")
        }
        guard access(databaseURL.path, R_OK) == 0 else {
            throw EventLogError.storeInaccessible(path: databaseURL.path, reason: String(cString: strerror(errno)))
        }
        guard status.st_size > 0 else { throw EventLogError.notAStore(path: databaseURL.path, reason: "it is an empty file") }
        // Never hand SQLite a file that is not a database: it would write a schema into it.
        let header = FileHandle(forReadingAtPath: databaseURL.path).flatMap { handle in
            defer { try? handle.close() }
            return try? handle.read(upToCount: 16)
        }
        guard header == Data("SQLite format 3\u{0}".utf8) else {
            throw EventLogError.notAStore(path: databaseURL.path, reason: "it is not a SQLite database")
        }
    }

    /// How every connection to a store's database is configured.
    static func configuration(readOnly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.readonly = readOnly
        configuration.prepareDatabase { db in
            guard !readOnly else { return }
            // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and a
            // clinician who saw "recorded" must be able to rely on it. The cost is one fsync per
            // transaction (measured in the benchmarks), which is why bulk writes batch.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // 32 MiB of page cache (SQLite's default is 2 MiB), taken only as pages are touched:
            // a rebuild or a large sync batch otherwise spills dirty pages to the WAL mid-transaction
            // and reads them back (measured: ≈ 5 % of a rebuild).
            try db.execute(sql: "PRAGMA cache_size = -32768")
            // Deleted content is overwritten with zeros, at once: the plaintext of a view row an
            // erasure deletes (or an update replaced) never lingers in a free page.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // Checkpoint every ≈ 32 MiB of WAL, not SQLite's 4 MiB: the pages every append
            // touches (index leaves, the views' summaries) are copied into the database once per
            // checkpoint, not once per 4 MiB (measured, issue 32: `demo generate` 2,000 × 50,
            // 7.6 → 6.9 s). An erasure still checkpoints and truncates the WAL itself
            // (EventStore+ErasureCheckpoint), so erased text does not wait for this.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8000")
        }
        return configuration
    }

    /// Opens the database file; an existing store's (`creating` false) must already carry
    /// Myolog's schema — migrations never run on someone else's SQLite file.
    static func openDatabase(_ url: URL, readOnly: Bool, creating: Bool, upgrader: NodeIdentity?) throws -> DatabaseQueue {
        let configuration = configuration(readOnly: readOnly)
        let migrator = StoreSchema.migrator(upgrading: StoreSchema.Upgrade(directory: url.deletingLastPathComponent(), identity: upgrader))
        guard !readOnly else {
            // A read-only WAL database can be opened only where its -shm file exists or can be
            // made; elsewhere (a read-only backup directory) it is opened as immutable: nobody can
            // be writing it there.
            var database: DatabaseQueue
            do {
                database = try DatabaseQueue(path: url.path, configuration: configuration)
                _ = try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
            } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode) {
                var components = URLComponents()
                components.scheme = "file"
                components.path = url.path
                components.queryItems = [URLQueryItem(name: "immutable", value: "1")]
                database = try DatabaseQueue(path: components.string ?? url.path, configuration: configuration)
            }
            try database.read { db in
                if try db.tableExists("grdb_migrations"), try !migrator.hasCompletedMigrations(db) {
                    throw EventLogError.damagedStore(path: url.deletingLastPathComponent().path,
                                                     reason: "it was written by an older Myolog and needs an upgrade, but it is read-only here: open a writable copy")
                }
            }
            return database
        }
        let database = try DatabaseQueue(path: url.path, configuration: configuration)
        try database.writeWithoutTransaction { db in
            guard try creating || db.tableExists("grdb_migrations") else {
                throw EventLogError.notAStore(path: url.path, reason: "a SQLite database, but not a Myolog store's")
            }
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            if try migrator.hasBeenSuperseded(db) {
                let known = Set(migrator.migrations)
                let unknown = try migrator.appliedIdentifiers(db).first { !known.contains($0) } ?? "?"
                throw EventLogError.unknownMigration(unknown)
            }
        }
        do {
            try migrator.migrate(database)
        } catch EventLogError.plaintextStore {
            throw EventLogError.plaintextStore(path: url.deletingLastPathComponent().path)
        }
        return database
    }
}
