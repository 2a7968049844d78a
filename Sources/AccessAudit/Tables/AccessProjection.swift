import ClinicalEvents
import EventLog
import GRDB
import EventModel

/// The access log: every ``RecordAccessed`` event, one row per patient it names (one row with
/// no patient for an unscoped query), indexed by patient, by user and by time — what `myolog
/// audit` answers from without reading the log.
///
/// Kept in the appending transaction like the patient views, rebuilt from the log alone, and
/// compared with a replay by `verify`. Rows are keyed by the patient, the time and the event —
/// clustered by patient, the question asked most — never by a store's log position, so every
/// site that holds the same events holds the same rows.
public struct AccessProjection: LogProjection {
    public let name = "accesses"
    /// 2: rows clustered by patient (the primary key leads with it): `audit --patient` reads one
    ///    contiguous range instead of looking each row up from an index.
    public let version = 2

    public init() {}

    public var tables: [String] { ["access_log"] }

    public func drop(in db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS access_log")
    }

    public func create(in db: Database) throws {
        // `patient` is '' (not NULL) for an unscoped access, so that it can be part of the key.
        try db.execute(sql: """
            CREATE TABLE access_log (
                event TEXT NOT NULL,
                patient TEXT NOT NULL,
                at TEXT NOT NULL,
                user TEXT NOT NULL,
                origin TEXT NOT NULL,
                action TEXT NOT NULL,
                command TEXT NOT NULL,
                purpose TEXT NOT NULL,
                outcome TEXT NOT NULL,
                patientCount INTEGER NOT NULL,
                detail TEXT,
                statement TEXT,
                rowCount INTEGER,
                peer TEXT,
                PRIMARY KEY (patient, at, event)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX access_log_by_user ON access_log(user, at, event);
            CREATE INDEX access_log_by_time ON access_log(at, event);
            """)
    }

    public func apply(_ events: [EventEnvelope], in transaction: ProjectionTransaction) throws {
        for event in events where event.type == RecordAccessed.eventType { try insert(event, in: transaction.db) }
    }

    public func rebuild(in transaction: ProjectionTransaction) throws {
        try transaction.reader.forEachEvent(types: [RecordAccessed.eventType]) { try insert($0, in: transaction.db) }
    }

    /// Access records are never sealed: a key arriving changes nothing here.
    public func refold(_ patients: [PatientID], in transaction: ProjectionTransaction) throws {}

    private func insert(_ event: EventEnvelope, in db: Database) throws {
        let access = try RecordAccessed(json: event.payloadValue())
        let statement = try db.cachedStatement(sql: """
            INSERT INTO access_log (event, patient, at, user, origin, action, command, purpose, outcome, patientCount, detail, statement, rowCount, peer)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for patient in access.patients.isEmpty ? [""] : access.patients.map(\.rawValue) {
            try statement.execute(arguments: [
                event.id.rawValue, patient, event.recordedAt.description, event.author, event.origin.rawValue,
                access.action.rawValue, access.command, access.purpose.rawValue, access.outcome.rawValue, access.patients.count,
                access.detail, access.statement, access.rows, access.peer?.rawValue,
            ])
        }
    }
}
