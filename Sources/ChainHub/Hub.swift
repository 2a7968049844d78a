import ClinicalEvents
import Crypto
import Foundation
import Logging
import PostgresNIO
import EventModel
import EventCrypto
import EventSync

/// A node whose log and views live in PostgreSQL: the chain-wide hub.
///
/// Its identity (node key, site, trust list) and its patients' keys are an ordinary store
/// directory — `store` — and its log and de-identified patient views are the `myolog` schema of
/// one PostgreSQL database. It is a ``LogPeer`` like any store, so `LogExchange` syncs a site
/// with it, and a batch it receives goes through the same rules (``ReceiveLedger``) as a SQLite
/// store's.
///
/// Guarantees: PostgreSQL never receives identifying plaintext or a patient key — the log is
/// sealed as at a site, the views are de-identified (``ViewRows``), the keys are kept in the
/// store directory's SQLite (`secure_delete`, checkpointed after an erasure), so an erasure
/// leaves nothing readable of the patient in PostgreSQL's files, `pg_wal` included. One batch is
/// one PostgreSQL transaction — events, signatures, held and quarantined events, erasures and
/// the patient views commit together or not at all; the keys it received reach SQLite before
/// that commit, and an erasure's key is destroyed in SQLite after it (a crash in between is
/// reconciled at the next open: ``reconcile(on:)``);
/// a batch takes the turns of its origins and patients (rows of `origin_turns` and
/// `patient_turns` locked until it commits), so what the rules read cannot change before the
/// batch commits, while batches of other sites and patients run at once on other backends; the
/// `event_ids` primary key refuses an id another batch stored meanwhile. A lost connection rolls
/// the batch back; a re-run resumes from the stored heads.
public actor Hub: LocalLog {
    public nonisolated let store: any NodeHome
    public nonisolated let server: HubServer
    /// The one connection: only ``withConnection(_:)`` lends it (and ``close()`` closes it).
    private var connection: HubConnection
    let logger: Logger
    private let turns = HubTurns()

    /// Runs `body` with the hub's connection, as its one user (``HubTurns``): every public entry
    /// point takes one turn, and the helpers it calls are given the connection (the shape of
    /// PostgresNIO's `PostgresClient.withConnection`; ``HubTurns`` says why not that client).
    /// A connection lost since the last turn (the server restarted, or failed over) is opened
    /// again first, so a long-running `hub serve` outlives its server's restarts; the turn that
    /// lost it failed and rolled back.
    func withConnection<T>(_ body: (HubConnection) async throws -> T) async throws -> T {
        await turns.take()
        do {
            if connection.isClosed {
                // It was open before: a server gone since (stopped, crashed, failing over) is a
                // lost connection — what committed stays, a re-run resumes — not a server that
                // was never reachable.
                let reopened: HubConnection
                do {
                    reopened = try await server.connect(logger: logger)
                } catch {
                    let hubError: HubError = error
                    if case .unreachable(_, let reason) = hubError {
                        throw HubError.connectionLost(reason: "it closed, and opening it again failed: \(reason)")
                    }
                    throw hubError
                }
                connection = reopened
            }
            let value = try await body(connection)
            await turns.give()
            return value
        } catch {
            await turns.give()
            // The server's own errors say what failed in the hub's words (and never the password).
            if error is PSQLError || error is PostgresDecodingError { throw HubError(working: error) }
            throw error
        }
    }

    /// The advisory lock every writer takes first (any constant shared by all hub processes):
    /// shared by batches (which then take their turns), exclusive for a migration or a reconciliation.
    static let writerLock: Int64 = 0x6d796f6c6f67  // "myolog"

    init(store: any NodeHome, server: HubServer, connection: HubConnection, logger: Logger) {
        self.store = store
        self.server = server
        self.connection = connection
        self.logger = logger
    }

    static func quietLogger() -> Logger {
        var logger = Logger(label: "myolog.hub")
        logger.logLevel = .critical
        return logger
    }

    /// Makes the hub's schema in the database `server` names (or finds it made for this node),
    /// then copies the store's own chain (its enrolment) into it.
    public static func initialise(store: any NodeHome, server: HubServer) async throws(HubError) -> Hub {
        try await connect(store: store, server: server, makingSchema: true)
    }

    /// Opens the hub of `store` in the database `server` names: it must have been made by
    /// ``initialise(store:server:)`` for this store's node.
    public static func open(store: any NodeHome, server: HubServer) async throws(HubError) -> Hub {
        try await connect(store: store, server: server, makingSchema: false)
    }

    /// Checks, before anything is made, that a new node can make its hub in the database `server`
    /// names: reachable, logged in, a supported version, and no `myolog` schema there already.
    public static func checkFree(server: HubServer) async throws(HubError) {
        let logger = quietLogger()
        let connection = try await server.connect(logger: logger)
        do {
            try await checkServerVersion(connection, server: server, logger: logger)
            if let node = try await existingHub(connection, server: server, logger: logger) {
                throw HubError.otherHub(server: server.description, node: node, expected: "a new node")
            }
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw HubError(working: error)
        }
    }

    /// One connection for `store`'s hub: the server's version checked, the schema made
    /// (`makingSchema`) or checked, the store's own chain copied in — or the connection closed
    /// and the failure said in the hub's words.
    static func connect(store: any NodeHome, server: HubServer, makingSchema: Bool) async throws(HubError) -> Hub {
        let logger = quietLogger()
        let connection = try await server.connect(logger: logger)
        let hub = Hub(store: store, server: server, connection: connection, logger: logger)
        do {
            try await hub.prepare(makingSchema: makingSchema)
            try await hub.catchUpOwnChain()
        } catch {
            await hub.close()
            throw HubError(working: error)
        }
        return hub
    }

    public func close() async {
        guard !connection.isClosed else { return }
        try? await connection.close()
    }

    // MARK: Schema

    /// The server's version checked, the schema made or checked (and brought forward), the
    /// store directory's keys reconciled with the log (``reconcile(on:)``), and the outcome rows
    /// of instrument versions this Myolog has learnt since they were folded made
    /// (``refoldForNewInstruments(on:)``).
    func prepare(makingSchema: Bool) async throws {
        try await withConnection { connection in
            try await Self.checkServerVersion(connection, server: server, logger: logger)
            if makingSchema { try await migrate(on: connection) } else { try await checkSchema(on: connection) }
            try await reconcile(on: connection)
            try await refoldForNewInstruments(on: connection)
        }
    }

    static func checkServerVersion(_ connection: HubConnection, server: HubServer, logger: Logger) async throws {
        var text = ""
        for try await (value,) in try await connection.queryOrClosed("SHOW server_version_num", logger: logger).decode((String,).self) { text = value }
        guard let number = Int(text), HubSchema.supports(versionNumber: number) else {
            throw HubError.serverTooOld(server: server.description, version: Self.versionName(text),
                                        minimum: Self.versionName(String(HubSchema.minimumServerVersion)))
        }
    }

    static func versionName(_ number: String) -> String {
        guard let value = Int(number) else { return number }
        return value >= 100000 ? "\(value / 10000).\(value % 10000)" : "\(value / 10000).\(value / 100 % 100)"
    }

    /// The migrations applied here, or nil when the database has no `myolog` schema; refuses a
    /// `myolog` schema that is not a hub's, or another node's hub.
    func appliedMigrations(on connection: HubConnection) async throws -> [String]? {
        guard let node = try await Self.existingHub(connection, server: server, logger: logger) else { return nil }
        guard node == store.identity.nodeID.rawValue else {
            throw HubError.otherHub(server: server.description, node: node, expected: store.identity.nodeID.rawValue)
        }
        var applied: [String] = []
        for try await (name,) in try await connection.queryOrClosed("SELECT name FROM myolog.migrations ORDER BY name", logger: logger).decode((String,).self) {
            applied.append(name)
        }
        let known = Set(HubSchema.migrations.map(\.name))
        if let unknown = applied.first(where: { !known.contains($0) }) { throw HubError.unknownMigration(server: server.description, name: unknown) }
        return applied
    }

    /// The node whose hub the database holds, or nil when it has no `myolog` schema; refuses a
    /// `myolog` schema that is not a hub's.
    static func existingHub(_ connection: HubConnection, server: HubServer, logger: Logger) async throws -> String? {
        var tables: [String] = []
        for try await (name,) in try await connection.queryOrClosed(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'myolog' ORDER BY table_name", logger: logger).decode((String,).self) {
            tables.append(name)
        }
        var schemaExists = false
        for try await (_,) in try await connection.queryOrClosed("SELECT nspname::text FROM pg_namespace WHERE nspname = 'myolog'", logger: logger).decode((String,).self) {
            schemaExists = true
        }
        guard schemaExists else { return nil }
        guard tables.contains("migrations"), tables.contains("hub") else {
            throw HubError.foreignSchema(server: server.description, found: tables.isEmpty ? "an empty schema" : "tables " + tables.prefix(5).joined(separator: ", "))
        }
        var node: String?
        for try await (id,) in try await connection.queryOrClosed("SELECT node FROM myolog.hub", logger: logger).decode((String,).self) { node = id }
        guard let node else { throw HubError.foreignSchema(server: server.description, found: "a hub table naming no node") }
        return node
    }

    /// Applies the migrations not applied yet, each in its own transaction.
    func migrate(on connection: HubConnection) async throws {
        let applied = Set(try await appliedMigrations(on: connection) ?? [])
        for migration in HubSchema.migrations where !applied.contains(migration.name) {
            try await transaction(on: connection) {
                try await connection.queryOrClosed("SELECT pg_advisory_xact_lock(\(Self.writerLock))", logger: self.logger)
                if migration.name == HubSchema.deidentifying { try await self.moveKeysToStore(on: connection) }
                for statement in migration.sql { try await connection.queryOrClosed(PostgresQuery(unsafeSQL: statement), logger: self.logger) }
                // The views are folded once, after the last migration that changes them (before
                // it, a table the fold fills may not exist yet): a hub coming from any older
                // schema refolds there.
                if migration.name == HubSchema.viewsFolded {
                    try await self.refoldAllViews(on: connection)
                    try await self.recordFoldedInstruments(Instruments.all, on: connection)
                }
                try await connection.queryOrClosed("INSERT INTO myolog.migrations (name) VALUES (\(migration.name))", logger: self.logger)
                if migration.name == HubSchema.migrations[0].name {
                    let node = self.store.identity.nodeID.rawValue, site = self.store.identity.site
                    try await connection.queryOrClosed("INSERT INTO myolog.hub (node, site) VALUES (\(node), \(site))", logger: self.logger)
                }
            }
        }
    }

    /// Copies every wrapped key of `myolog.patient_keys` (not an erased patient's) into the store
    /// directory's SQLite, as wrapped (the same store key): run before the migration drops the
    /// table, in its transaction — if it rolls back, the keys in SQLite are merely early.
    func moveKeysToStore(on connection: HubConnection) async throws {
        var wrapped: [(PatientID, Data)] = []
        for try await (patient, bytes) in try await connection.queryOrClosed("""
            SELECT k.patient, k.wrapped FROM myolog.patient_keys k WHERE NOT EXISTS (SELECT 1 FROM myolog.erased_patients x WHERE x.patient = k.patient)
            """, logger: logger).decode((String, Data).self) {
            if let id = PatientID(patient) { wrapped.append((id, bytes)) }
        }
        try store.keepWrappedKeys(wrapped)
    }

    /// Folds every patient's views again from the log (the de-identified tables, just made).
    func refoldAllViews(on connection: HubConnection) async throws {
        var patients: [PatientID] = []
        for try await (patient,) in try await connection.queryOrClosed("SELECT DISTINCT patient FROM myolog.events WHERE patient IS NOT NULL ORDER BY 1", logger: logger)
            .decode((String,).self) {
            if let id = PatientID(patient) { patients.append(id) }
        }
        for chunk in stride(from: 0, to: patients.count, by: 500).map({ Array(patients[$0..<min($0 + 500, patients.count)]) }) {
            try await replaceViews(of: chunk, with: try await records(of: chunk, on: connection).filter(\.isRegistered), on: connection)
        }
    }

    /// Refuses a database without this node's hub, or with migrations this build lacks.
    func checkSchema(on connection: HubConnection) async throws {
        guard let applied = try await appliedMigrations(on: connection) else { throw HubError.notInitialised(server: server.description) }
        guard Set(applied) == Set(HubSchema.migrations.map(\.name)) else {
            // Older schema: bring it forward (append-only migrations).
            try await migrate(on: connection)
            return
        }
    }

    /// Runs `body` in one transaction on `connection`: committed if it returns, rolled back if it
    /// throws. Its `search_path` is the hub's schema (then the catalog), so that `COPY`, whose
    /// table PostgresNIO names unqualified, writes the hub's tables (``HubConnection/copyOrClosed(into:columns:rows:logger:)``).
    func transaction<T>(on connection: HubConnection, _ body: () async throws -> T) async throws -> T {
        try await connection.queryOrClosed("BEGIN", logger: logger)
        do {
            try await connection.queryOrClosed("SET LOCAL search_path TO myolog, pg_catalog", logger: logger)
            let value = try await body()
            try await connection.queryOrClosed("COMMIT", logger: logger)
            return value
        } catch {
            // A lost connection rolled the transaction back on the server already.
            if !connection.isClosed { _ = try? await connection.queryOrClosed("ROLLBACK", logger: logger) }
            throw error
        }
    }

    /// Copies the store directory's own chain (its enrolment, and anything it wrote) into the
    /// hub's log: the hub node's events live in PostgreSQL like everyone's.
    public func catchUpOwnChain() async throws {
        try await withConnection { connection in
            let me = store.identity.nodeID
            var after = try await heads(on: connection)[me]?.sequence ?? 0
            while true {
                let page = try store.ownEvents(after: after, limit: 1000)
                guard let last = page.last else { break }
                // The hub's own events: never an erasure from another node, so nothing to acknowledge.
                _ = try await commit(page, keys: [], on: connection)
                after = last.sequence
            }
        }
    }

    // MARK: LocalLog

    public nonisolated var identity: NodeIdentity { store.identity }
    public nonisolated var directory: URL { store.directory }
    public nonisolated func accepts(_ node: NodeID) throws -> Bool { try store.accepts(node) }

    public func patientsLackingKeys(in events: [EventEnvelope]) async throws -> [PatientID] {
        var sealed: [PatientID] = [], seen: Set<PatientID> = []
        for event in events where event.isSealed {
            if let patient = event.patient, seen.insert(patient).inserted { sealed.append(patient) }
        }
        guard !sealed.isEmpty else { return [] }
        return try await withConnection { connection in
            // Keys live in the store directory's SQLite (never in PostgreSQL); erasures in both.
            var known = Set(try store.keptKeys(for: sealed).keys.map(\.rawValue))
            for try await (patient,) in try await connection.queryOrClosed(
                "SELECT patient FROM myolog.erased_patients WHERE patient = ANY(\(sealed.map(\.rawValue)))", logger: logger).decode((String,).self) { known.insert(patient) }
            return sealed.filter { !known.contains($0.rawValue) }
        }
    }

    // MARK: LogPeer

    public func summary() async throws -> PeerSummary {
        try await withConnection { PeerSummary(node: store.identity.nodeID, site: store.identity.site, heads: try await heads(on: $0)) }
    }

    func heads(on connection: HubConnection) async throws -> [NodeID: ChainHead] {
        var heads: [NodeID: ChainHead] = [:]
        for try await (origin, sequence, hash) in try await connection.queryOrClosed("SELECT origin, sequence, hash FROM myolog.chain_heads", logger: logger)
            .decode((String, Int, String).self) {
            guard let node = NodeID(origin), let hash = EventHash(hash) else { throw HubError.server("chain_heads holds a malformed row for \(origin)") }
            heads[node] = ChainHead(sequence: sequence, hash: hash)
        }
        return heads
    }

    static let columns = "e.id, e.origin, e.sequence, e.clock, e.lamport, e.recorded_at, e.occurred_at, e.author, e.patient, e.type, e.schema_version, e.payload, e.prev_hash, e.hash, e.author_role, e.author_signature"

    typealias EventRow = (String, String, Int, String, Int, String, String, String, String?, String, Int, String, String?, String, String?, String?, String?)

    static func envelope(_ row: EventRow) throws -> EventEnvelope {
        try StoredEventRow(id: row.0, origin: row.1, sequence: row.2, clock: row.3, lamport: row.4, recordedAt: row.5, occurredAt: row.6, author: row.7,
                           patient: row.8, type: row.9, schemaVersion: row.10, payload: row.11, prevHash: row.12, hash: row.13, signature: row.16,
                           authorRole: row.14, authorSignature: row.15).envelope()
    }

    /// Events with their signatures, from a query selecting ``columns`` and `s.signature`.
    func envelopes(_ query: PostgresQuery, on connection: HubConnection) async throws -> [EventEnvelope] {
        var events: [EventEnvelope] = []
        for try await row in try await connection.queryOrClosed(query, logger: logger).decode(EventRow.self) { events.append(try Self.envelope(row)) }
        return events
    }

    public func events(origin: NodeID, after sequence: Int, limit: Int) async throws -> [EventEnvelope] {
        try await withConnection { connection in
            try await envelopes("""
                SELECT \(unescaped: Self.columns), s.signature FROM myolog.events e
                LEFT JOIN myolog.chain_signatures s ON s.origin = e.origin AND s.sequence = e.sequence
                WHERE e.origin = \(origin.rawValue) AND e.sequence > \(sequence) ORDER BY e.sequence LIMIT \(limit)
                """, on: connection)
        }
    }

    public func receive(_ batch: [EventEnvelope]) async throws -> ReceiveSummary {
        try await receive(batch, keys: [])
    }

    public func patientsWithoutKeys() async throws -> [PatientID] {
        try await withConnection { connection in
            var patients: [PatientID] = []
            for try await (patient,) in try await connection.queryOrClosed("SELECT patient FROM myolog.keyless_patients ORDER BY 1", logger: logger).decode((String,).self) {
                if let id = PatientID(patient) { patients.append(id) }
            }
            return patients
        }
    }

    public func keys(for patients: [PatientID], to recipient: NodeID) async throws -> [SealedPatientKey] {
        try await withConnection { connection in
            guard try store.trust(of: [recipient])[recipient] == .trusted, !patients.isEmpty else { return [] }
            var agreementKey: Data?
            for try await (key,) in try await connection.queryOrClosed("SELECT agreement_key FROM myolog.nodes WHERE id = \(recipient.rawValue)", logger: logger)
                .decode((Data?,).self) { agreementKey = key }
            guard let agreementKey else { return [] }
            let held = try await usableKeys(patients, on: connection)
            return try WrappedPatientKey.seal(patients.compactMap { patient in held[patient].map { (patient, $0) } }, to: recipient, agreementKey: agreementKey)
        }
    }

    public func receiveKeys(_ keys: [SealedPatientKey]) async throws -> KeyReceipt {
        guard !keys.isEmpty else { return KeyReceipt() }
        return try await receive([], keys: keys).keys
    }

    /// The keys held for `patients`: in the hub's store directory (SQLite, `patient_keys`),
    /// unwrapped under the hub node's store key. PostgreSQL never holds a patient key.
    func heldKeys(_ patients: [PatientID]) async throws -> [PatientID: SymmetricKey] {
        try store.keptKeys(for: patients)
    }

    /// ``heldKeys(_:)`` less those of patients erased in the hub's log: never a key of an erased
    /// patient, even one whose SQLite row a crash between the two commits left (reconciled at open).
    func usableKeys(_ patients: [PatientID], on connection: HubConnection) async throws -> [PatientID: SymmetricKey] {
        var held = try await heldKeys(patients)
        guard !held.isEmpty else { return held }
        for try await (patient,) in try await connection.queryOrClosed(
            "SELECT patient FROM myolog.erased_patients WHERE patient = ANY(\(held.keys.map(\.rawValue)))", logger: logger).decode((String,).self) {
            if let id = PatientID(patient) { held[id] = nil }
        }
        return held
    }

    /// Brings SQLite (the keys) and PostgreSQL (the log) back in step after a crash between their
    /// commits: destroys the key of every patient erased in the log, and deletes the
    /// `keyless_patients` row of every patient keyed in SQLite. Run at every open.
    func reconcile(on connection: HubConnection) async throws {
        let keyed = try store.patientsWithKeptKeys()
        var erased: [PatientID: EventID] = [:]
        if !keyed.isEmpty {
            for try await (patient, event) in try await connection.queryOrClosed(
                "SELECT patient, event FROM myolog.erased_patients WHERE patient = ANY(\(keyed.map(\.rawValue).sorted()))", logger: logger).decode((String, String).self) {
                if let id = PatientID(patient), let event = EventID(event) { erased[id] = event }
            }
            var stale: [String] = []
            for try await (patient,) in try await connection.queryOrClosed(
                "SELECT patient FROM myolog.keyless_patients WHERE patient = ANY(\(keyed.map(\.rawValue).sorted()))", logger: logger).decode((String,).self) { stale.append(patient) }
            if !stale.isEmpty {
                try await transaction(on: connection) {
                    try await connection.queryOrClosed("SELECT pg_advisory_xact_lock(\(Self.writerLock))", logger: self.logger)
                    try await connection.queryOrClosed("DELETE FROM myolog.keyless_patients WHERE patient = ANY(\(stale))", logger: self.logger)
                }
            }
        }
        try store.destroyKeptKeys(erased)
    }
}
