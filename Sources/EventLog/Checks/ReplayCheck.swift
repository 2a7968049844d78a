import Crypto
import GRDB
import EventModel

/// Where a stored view first differs from a fresh replay of the log: evidence that the log or
/// the views were altered outside Myolog (or a fold changed without a projection version bump).
public struct ViewDifference: Sendable, Equatable, CustomStringConvertible {
    /// The projection table.
    public var table: String
    /// The first differing row's primary key, as `column=value` pairs.
    public var key: String
    /// The patient the row belongs to, where the table has a `patient` column.
    public var patient: String?
    /// The columns whose values differ (every column when a row is only on one side).
    public var columns: [String]
    /// The stored row's values of ``columns``, or nil when the replay has a row the store lacks.
    public var stored: [String]?
    /// The replayed row's values of ``columns``, or nil when the store has a row the replay lacks.
    public var replayed: [String]?

    /// The table, the patient, the row and the columns that differ — never their values: those
    /// are patient data, shown only by ``valuesDescription`` to a named reader (`verify
    /// --show-values`, an access record first).
    public var description: String { describe(values: false) }

    /// ``description`` with each differing column's stored and replayed values.
    public var valuesDescription: String { describe(values: true) }

    func describe(values: Bool) -> String {
        var text = "\(table)"
        if let patient { text += ", patient \(patient)" }
        if key != "patient=\(patient ?? "")" { text += " (\(key))" }
        switch (stored, replayed) {
        case (_?, _?) where !values:
            text += ": " + columns.map { "\($0) differs from the replay" }.joined(separator: "; ") + " (values: `verify --show-values`)"
        case (let stored?, let replayed?):
            func short(_ value: String) -> String { VisibleText.escaped(value.count > 60 ? "\(value.prefix(60))…" : value) }
            text += ": " + zip(columns, zip(stored, replayed)).map { "\($0) is \(short($1.0)) in the view but \(short($1.1)) in the replay" }.joined(separator: "; ")
        case (nil, _): text += ": a row the replay folds is missing from the view"
        case (_, nil): text += ": a row in the view that the log does not fold"
        }
        return text
    }
}

extension EventStore {
    /// For each projection table whose rows differ from what a fresh replay of the log folds, the
    /// first difference; empty when the views are exactly the log's. The replay runs inside a
    /// transaction that is always rolled back, so the check changes nothing — but it holds the
    /// write lock for a rebuild's time.
    public func viewsDifferingFromReplay() throws -> [ViewDifference] {
        // First by digest, keeping nothing: the common answer is "equal". Only tables found
        // differing are then read row by row, in a second replay.
        let differing = try replayed { db, stored in
            try stored.filter { table, digest in try Self.digest(of: table, in: db) != digest }.map(\.0)
        }
        guard !differing.isEmpty else { return [] }
        var before: [String: [String: Row]] = [:]
        try database.read { db in
            for table in differing { before[table] = try Self.rowsByKey(table, in: db) }
        }
        return try replayed { db, _ in
            try differing.compactMap { table in
                try Self.firstDifference(table, stored: before[table] ?? [:], replayed: Self.rowsByKey(table, in: db))
            }
        }
    }

    /// Runs `compare` after a fresh replay of every projection, with each table's digest from
    /// before it, inside a transaction that is rolled back.
    ///
    /// A read-only store (a backup) replays into an in-memory copy of itself instead.
    private func replayed<T>(_ compare: (Database, [(String, String)]) throws -> T) throws -> T {
        var result: T?
        var target: any DatabaseWriter = database
        if isReadOnly {
            let copy = try DatabaseQueue()
            try database.backup(to: copy)
            target = copy
        }
        try target.writeWithoutTransaction { db in try db.inTransaction(.immediate) {
            let stored = try projections.flatMap(\.tables).map { ($0, try Self.digest(of: $0, in: db)) }
            for projection in projections {
                try projection.drop(in: db)
                try projection.create(in: db)
                try projection.rebuild(in: ProjectionTransaction(db: db, storeKey: identity.storeKey))
            }
            result = try compare(db, stored)
            return .rollback
        } }
        return result!
    }

    private static func rowsByKey(_ table: String, in db: Database) throws -> [String: Row] {
        let key = try db.primaryKey(table).columns
        var rows: [String: Row] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") {
            rows[key.map { "\($0)=\(text(row[$0]))" }.joined(separator: ", ")] = row
        }
        return rows
    }

    private static func firstDifference(_ table: String, stored: [String: Row], replayed: [String: Row]) -> ViewDifference? {
        for key in Set(stored.keys).union(replayed.keys).sorted() where stored[key] != replayed[key] {
            let row = stored[key] ?? replayed[key]!
            let patient: String? = row.hasColumn("patient") ? text(row["patient"]) : nil
            let columns = Array(row.columnNames)
            func values(_ row: Row, _ names: [String]) -> [String] { names.map { text(row[$0]) } }
            guard let old = stored[key], let new = replayed[key] else {
                return ViewDifference(table: table, key: key, patient: patient, columns: columns,
                                      stored: stored[key].map { values($0, columns) }, replayed: replayed[key].map { values($0, columns) })
            }
            let differing = columns.filter { (old[$0] as DatabaseValue) != (new[$0] as DatabaseValue) }
            return ViewDifference(table: table, key: key, patient: patient, columns: differing, stored: values(old, differing), replayed: values(new, differing))
        }
        return nil
    }

    /// A value as an operator reads it: text as it is, NULL as `null`.
    private static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .string(let string): string
        case .null: "null"
        default: value.description
        }
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
