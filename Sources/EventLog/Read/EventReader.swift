import Crypto
import GRDB
import EventModel
import EventCrypto

/// Read access to the log inside one SQLite transaction: every read sees the same snapshot.
///
/// Handed out by ``EventStore/read(_:)``, and by ``EventStore/write(_:)`` as part of an
/// ``AppendTransaction``, so that checks made before an append see exactly what it appends to.
public class EventReader {
    let db: Database
    /// The patients' data keys: what opens sealed payloads in this transaction.
    let keys: PatientKeyRing
    /// What checks the trust list's signatures: nil for a reader made outside a store (a
    /// projection's rebuild), whose trust questions are then refused, never answered unchecked.
    let trustKeeper: TrustKeeper?
    /// The trust list as checked in this transaction (it reads one snapshot); forgotten when
    /// this transaction changes it.
    var checkedTrustList: TrustListCheck?

    init(db: Database, storeKey: SymmetricKey?, trustKeeper: TrustKeeper? = nil) {
        self.db = db
        self.keys = PatientKeyRing(db: db, storeKey: storeKey)
        self.trustKeeper = trustKeeper
    }

    /// The SQLite connection inside this transaction, for read models that keep their tables in
    /// the store's file (projections). Writing to `events` through it is refused by the triggers.
    /// The connection, for the modules of this package that own tables (projections): users of
    /// the libraries read through the typed methods, never through SQL on the log.
    package var database: Database { db }

    /// SQLite's own check of the database file (`PRAGMA integrity_check`): `["ok"]` when sound,
    /// else what it found, one line each.
    public func integrityCheck() throws -> [String] {
        try String.fetchAll(db, sql: "PRAGMA integrity_check")
    }

    static let columns = EventColumn.selection
    static let signedColumns = EventColumn.signedSelection

    /// The number of events in the log.
    public func eventCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0
    }

    /// The event with exactly this id.
    public func event(_ id: EventID) throws -> EventEnvelope? {
        // Cached statements on the per-event paths (sync checks every received event): preparing
        // SQL costs more than running these index lookups.
        try EventEnvelope.fetchOne(db.cachedStatement(sql: "SELECT \(Self.signedColumns) FROM events WHERE id = ?"), arguments: [id.rawValue]).map(keys.opened)
    }

    /// The event whose id is `text`, ends with it (its last 12 hex digits: the random part, unique
    /// in practice), or starts with it (at least `IDReference.minimumPrefixLength` characters).
    public func resolveEvent(_ reference: IDReference) throws -> EventEnvelope {
        let prefix = reference.text, text = reference.text
        if let id = EventID(prefix) {
            guard let event = try event(id) else { throw EventLogError.unknownEvent(text) }
            return event
        }
        if prefix.utf8.count == IDReference.tailLength, prefix.utf8.allSatisfy(Hex.isDigit) {
            // A scan of the id index (no index of its own: one more random-keyed B-tree on every
            // insert made every append slower; a lookup by tail is a person typing, ≈ 0.1 s at
            // a million events).
            let found = try EventEnvelope.fetchAll(db, sql: "SELECT \(Self.signedColumns) FROM events WHERE substr(id, 25) = ? LIMIT 4", arguments: [prefix])
            if found.count == 1 { return try keys.opened(found[0]) }
            if found.count > 1 { throw EventLogError.ambiguousEvent(prefix: text, count: found.count, matches: found.map(\.id)) }
        }
        let range: [any DatabaseValueConvertible] = [prefix, prefix + "g"]
        let found = try EventEnvelope.fetchAll(db, sql: "SELECT \(Self.signedColumns) FROM events WHERE id >= ? AND id < ? ORDER BY id LIMIT 3", arguments: StatementArguments(range))
        switch found.count {
        case 0: throw EventLogError.unknownEvent(text)
        case 1: return try keys.opened(found[0])
        default:
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE id >= ? AND id < ?", arguments: StatementArguments(range)) ?? found.count
            throw EventLogError.ambiguousEvent(prefix: text, count: count, matches: found.map(\.id))
        }
    }


    /// Distinct patient ids that appear in the log and start with `prefix` (up to `limit`).
    public func patientIDs(withPrefix reference: IDReference, limit: Int = 4) throws -> [PatientID] {
        let prefix = reference.text
        if let id = PatientID(prefix) {
            let found = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events WHERE patient = ?)", arguments: [id.rawValue]) ?? false
            return found ? [id] : []
        }
        var ids: [PatientID] = []
        var lower = prefix
        // Skip from one patient to the next instead of walking every event of each (index seek per id).
        while ids.count < limit,
            let next = try String.fetchOne(db, sql: "SELECT patient FROM events WHERE patient > ? AND patient < ? ORDER BY patient LIMIT 1",
                                           arguments: [lower, prefix + "g"])
        {
            if let id = PatientID(next) { ids.append(id) }
            lower = next
        }
        return ids
    }

    /// Whether `author` wrote any event about `patient` of a type other than `type`.
    public func hasEvent(about patient: PatientID, by author: String, otherThan type: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events WHERE patient = ? AND author = ? AND type <> ?)",
                          arguments: [patient.rawValue, author, type]) ?? false
    }

    /// The events of one patient, in log order, optionally of the given types only.
    public func events(patient: PatientID, types: Set<String>? = nil) throws -> [EventEnvelope] {
        var result: [EventEnvelope] = []
        try forEachEvent(patient: patient, types: types) { result.append($0) }
        return result
    }

    /// Streams events in log order (one row in memory at a time), optionally filtered.
    public func forEachEvent(patient: PatientID? = nil, types: Set<String>? = nil, _ body: (EventEnvelope) throws -> Void) throws {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let patient {
            clauses.append("patient = ?")
            arguments += [patient.rawValue]
        }
        if let types {
            clauses.append(Self.typeClause(types))
            arguments += StatementArguments(types.sorted())
        }
        try forEachEvent(where: clauses, arguments, body)
    }

    /// Streams the store-wide events (about no patient: the site's zone, the retention policy,
    /// trust changes) of the given types, in log order.
    ///
    /// Through `events_store_wide`, a partial index holding only these few events: the answer
    /// costs the same in a store of a hundred events or of a million (every command that shows a
    /// time asks for the site's zone), and a patient's event costs that index nothing on append.
    public func forEachStoreWideEvent(types: Set<String>, _ body: (EventEnvelope) throws -> Void) throws {
        try forEachEvent(where: ["patient IS NULL", Self.typeClause(types)], StatementArguments(types.sorted()), body)
    }

    /// `type IN (?, …)` for `types`, whose arguments are `types.sorted()`.
    private static func typeClause(_ types: Set<String>) -> String {
        "type IN (\(Array(repeating: "?", count: types.count).joined(separator: ",")))"
    }

    /// The events matching every one of `clauses`, opened, in log order.
    private func forEachEvent(where clauses: [String], _ arguments: StatementArguments, _ body: (EventEnvelope) throws -> Void) throws {
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        // Cached: the clinical checks ask the same few questions on every write.
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: "SELECT \(Self.signedColumns) FROM events \(whereClause) ORDER BY position"), arguments: arguments)
        while let row = try cursor.next() {
            try body(try keys.opened(Self.envelope(row)))
        }
    }

    /// The patients with events in the log (of these types, if given), in id order: whose data a
    /// whole-log listing shows.
    public func patients(withEventsOf types: Set<String>? = nil) throws -> [PatientID] {
        var sql = "SELECT DISTINCT patient FROM events WHERE patient IS NOT NULL", arguments: StatementArguments = []
        if let types {
            sql += " AND " + Self.typeClause(types)
            arguments += StatementArguments(types.sorted())
        }
        return try String.fetchAll(db, sql: sql + " ORDER BY patient", arguments: arguments).compactMap(PatientID.init)
    }

    /// Streams every patient's events, one patient at a time (patients in id order, each
    /// patient's events in log order), through the patient index: what a rebuild or a whole-store
    /// export folds, with one patient's events in memory at once.
    public func forEachPatient(_ body: (PatientID, [EventEnvelope]) throws -> Void) throws {
        try forEachPatientRows { patient, key, rows in try body(patient, rows.map { SealedPayload.opened(try $0.envelope(), key: key) }) }
    }

    /// The one walk of the patient index behind ``forEachPatient(_:)`` and
    /// ``forEachPatientPipelined(batchSize:transform:consume:)``: each patient's rows, copied out
    /// of SQLite but not yet parsed, patients in id order, rows in log order.
    /// `body` gets the patient's key too (nil when not held), so the rows can be opened on any thread.
    func forEachPatientRows(_ body: (PatientID, SymmetricKey?, [StoredEventRow]) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(Self.columns) FROM events WHERE patient IS NOT NULL ORDER BY patient, position")
        var current: (patient: String, rows: [StoredEventRow])?
        func flush() throws {
            guard let current else { return }
            guard let id = PatientID(current.patient) else { throw EventLogError.corruptEvent(position: current.rows[0].position, reason: "patient is not a UUID") }
            try body(id, try keys.key(for: id), current.rows)
        }
        while let row = try cursor.next() {
            let stored = StoredEventRow(selected: row)
            guard let patient = stored.patient else { continue }
            if patient != current?.patient {
                try flush()
                current = (patient, [])
            }
            current!.rows.append(stored)
        }
        try flush()
    }

    /// Events of `patient` of type `type` whose payload member `member` equals `value`:
    /// "the corrections of this entry", "the retraction of that one". Payloads are sealed, so the
    /// patient's events of that type are opened and compared here, not by SQL.
    public func events(patient: PatientID, type: String, payloadMember member: String, equals value: String) throws -> [EventEnvelope] {
        try events(patient: patient, types: [type]).filter { event in
            guard case .object(let members)? = try? event.payloadValue() else { return false }
            return members[member]?.stringValue == value
        }
    }

    /// The next events of one origin's chain after `sequence`, in order, at most `limit`: what a
    /// peer lacks, read through the (origin, sequence) index — never a scan of the log.
    public func events(origin: NodeID, after sequence: Int, limit: Int) throws -> [EventEnvelope] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.signedColumns) FROM events WHERE origin = ? AND sequence > ? ORDER BY sequence LIMIT ?"),
                         arguments: [origin.rawValue, sequence, limit]).map(Self.envelope)
    }

    /// The hash of `origin`'s event at `sequence`, if held.
    public func hash(origin: NodeID, sequence: Int) throws -> EventHash? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM events WHERE origin = ? AND sequence = ?"), arguments: [origin.rawValue, sequence]).flatMap(EventHash.init)
    }

    /// This store's vector clock: for each known node, the highest sequence held.
    public func clock() throws -> VectorClock {
        var clock = VectorClock()
        for nodeID in try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM nodes")) {
            // One index seek per node, never a scan of the log.
            let top = try Int.fetchOne(db.cachedStatement(sql: "SELECT max(sequence) FROM events WHERE origin = ?"), arguments: [nodeID]) ?? 0
            if let node = NodeID(nodeID) { clock[node] = top }
        }
        return clock
    }

    /// The highest Lamport timestamp in the log (0 when empty).
    public func maximumLamport() throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT max(lamport) FROM events")) ?? 0
    }

    /// The last event of `origin`'s chain: its sequence and hash.
    public func head(of origin: NodeID) throws -> ChainHead? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT sequence, hash FROM events WHERE origin = ? ORDER BY sequence DESC LIMIT 1"),
                                         arguments: [origin.rawValue])
        else { return nil }
        guard let hash = EventHash(row["hash"]) else { throw EventLogError.corruptEvent(position: -1, reason: "head hash of \(origin) is not a SHA-256 hex digest") }
        return ChainHead(sequence: row["sequence"], hash: hash)
    }

    /// A row selected as ``EventColumn/selection`` (or ``EventColumn/signedSelection``) lists them.
    static func envelope(_ row: Row) throws -> EventEnvelope {
        try StoredEventRow(selected: row).envelope()
    }
}
