import ClinicalEvents
import EventLog
import GRDB

/// The patient views, as tables in the store's database (documented in Schemas/projections.md).
///
/// Every write re-folds each patient it touched from that patient's events (an index seek), so
/// an event that arrives "in the past" — sorting before events already folded — costs one
/// patient's re-fold, never the whole store's. `rebuild` folds every patient from the log.
public struct PatientProjection: LogProjection {
    public let name = "patients"
    /// Bump when the tables or the fold change: every store rebuilds on open.
    /// 2: active and latent trigger points counted apart (latent ones were counted as active).
    public let version = 2

    public init() {}

    public var tables: [String] { Self.tables }
    static let tables = ["patient_summary", "field_conflicts", "pain_scores", "trigger_points", "techniques", "history_entries", "visits"]

    public func drop(in db: Database) throws {
        for table in Self.tables { try db.execute(sql: "DROP TABLE IF EXISTS \(table)") }
    }

    public func create(in db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE patient_summary (
                patient TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                dateOfBirth TEXT NOT NULL,
                phone TEXT,
                email TEXT,
                address TEXT,
                lastVisit TEXT,
                latestPainScore INTEGER,
                activeTriggerPoints INTEGER NOT NULL,
                latentTriggerPoints INTEGER NOT NULL,
                eventCount INTEGER NOT NULL,
                view TEXT NOT NULL
            ) STRICT;
            CREATE INDEX patient_summary_by_name ON patient_summary(name COLLATE NOCASE, patient);
            CREATE TABLE field_conflicts (
                patient TEXT NOT NULL,
                field TEXT NOT NULL,
                shown TEXT,
                candidates TEXT NOT NULL,
                PRIMARY KEY (patient, field)
            ) STRICT;
            CREATE TABLE pain_scores (
                event TEXT PRIMARY KEY NOT NULL,
                patient TEXT NOT NULL,
                occurredAt TEXT NOT NULL,
                score INTEGER NOT NULL,
                region TEXT NOT NULL,
                context TEXT NOT NULL,
                visit TEXT
            ) STRICT;
            CREATE INDEX pain_scores_by_patient ON pain_scores(patient, occurredAt);
            CREATE TABLE trigger_points (
                event TEXT PRIMARY KEY NOT NULL,
                patient TEXT NOT NULL,
                foundAt TEXT NOT NULL,
                muscle TEXT NOT NULL,
                side TEXT NOT NULL,
                status TEXT NOT NULL,
                referral TEXT,
                active INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX trigger_points_by_patient ON trigger_points(patient);
            CREATE TABLE techniques (
                event TEXT PRIMARY KEY NOT NULL,
                patient TEXT NOT NULL,
                occurredAt TEXT NOT NULL,
                technique TEXT NOT NULL,
                region TEXT NOT NULL,
                minutes INTEGER
            ) STRICT;
            CREATE INDEX techniques_by_patient ON techniques(patient, occurredAt);
            CREATE TABLE history_entries (
                event TEXT PRIMARY KEY NOT NULL,
                patient TEXT NOT NULL,
                kind TEXT NOT NULL,
                text TEXT NOT NULL,
                date TEXT,
                ergonomics TEXT
            ) STRICT;
            CREATE INDEX history_entries_by_patient ON history_entries(patient, kind);
            CREATE TABLE visits (
                event TEXT PRIMARY KEY NOT NULL,
                patient TEXT NOT NULL,
                startedAt TEXT NOT NULL,
                reason TEXT,
                ended INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX visits_by_patient ON visits(patient, startedAt);
            """)
    }

    public func apply(_ events: [EventEnvelope], in transaction: ProjectionTransaction) throws {
        var touched: [PatientID] = []
        for event in events { if let patient = event.patient, !touched.contains(patient) { touched.append(patient) } }
        for patient in touched {
            try store(try PatientFold.fold(patient, events: transaction.reader.events(patient: patient)), in: transaction.db, replacing: true)
        }
    }

    public func rebuild(in transaction: ProjectionTransaction) throws {
        try transaction.reader.forEachPatient { patient, events in
            try store(try PatientFold.fold(patient, events: events), in: transaction.db, replacing: false)
        }
    }

    /// Writes one patient's rows from the folded record, replacing the rows it had (unless the
    /// tables are freshly created, as in a rebuild).
    func store(_ record: PatientRecord, in db: Database, replacing: Bool) throws {
        let patient = record.patient.rawValue
        if replacing {
            for table in Self.tables { try db.cachedStatement(sql: "DELETE FROM \(table) WHERE patient = ?").execute(arguments: [patient]) }
        }
        guard record.isRegistered else { return }
        let details = record.details
        try db.cachedStatement(sql: """
            INSERT INTO patient_summary (patient, name, dateOfBirth, phone, email, address, lastVisit, latestPainScore, activeTriggerPoints, latentTriggerPoints, eventCount, view)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                patient, details["name"]?.stringValue, details["dateOfBirth"]?.stringValue, details["phone"]?.stringValue,
                details["email"]?.stringValue, details["address"]?.stringValue, record.lastVisit?.description,
                record.painScores.last?.fields["score"]?.intValue, record.activeTriggerPoints.count, record.latentTriggerPoints.count, record.eventCount,
                record.json.canonicalString,
            ])
        for conflict in record.conflicts {
            try db.cachedStatement(sql: "INSERT INTO field_conflicts (patient, field, shown, candidates) VALUES (?, ?, ?, ?)").execute(
                           arguments: [patient, conflict.field, conflict.writes.last!.value.stringValue, JSONValue.array(conflict.writes.map(\.json)).canonicalString])
        }
        for entry in record.painScores {
            try db.cachedStatement(sql: "INSERT INTO pain_scores (event, patient, occurredAt, score, region, context, visit) VALUES (?, ?, ?, ?, ?, ?, ?)").execute(
                           arguments: [entry.event.id.rawValue, patient, entry.event.occurredAt.description, entry.fields["score"]?.intValue,
                                       entry.string("region"), entry.string("context"), entry.string("visit")])
        }
        // `active` in this table means still present (not resolved), active or latent alike.
        let active = Set((record.activeTriggerPoints + record.latentTriggerPoints).map(\.event.id))
        for entry in record.triggerPoints {
            try db.cachedStatement(sql: "INSERT INTO trigger_points (event, patient, foundAt, muscle, side, status, referral, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").execute(
                           arguments: [entry.event.id.rawValue, patient, entry.event.occurredAt.description, entry.string("muscle"),
                                       entry.string("side"), entry.string("status"), entry.string("referral"), active.contains(entry.event.id)])
        }
        for entry in record.techniques {
            try db.cachedStatement(sql: "INSERT INTO techniques (event, patient, occurredAt, technique, region, minutes) VALUES (?, ?, ?, ?, ?, ?)").execute(
                           arguments: [entry.event.id.rawValue, patient, entry.event.occurredAt.description, entry.string("technique"),
                                       entry.string("region"), entry.fields["minutes"]?.intValue])
        }
        for entry in Vocabularies.historyKinds.terms.flatMap({ record.history($0.id) }) {
            try db.cachedStatement(sql: "INSERT INTO history_entries (event, patient, kind, text, date, ergonomics) VALUES (?, ?, ?, ?, ?, ?)").execute(
                           arguments: [entry.event.id.rawValue, patient, entry.string("kind"), entry.string("text"), entry.string("date"), entry.string("ergonomics")])
        }
        for entry in record.visits {
            try db.cachedStatement(sql: "INSERT INTO visits (event, patient, startedAt, reason, ended) VALUES (?, ?, ?, ?, ?)").execute(
                           arguments: [entry.event.id.rawValue, patient, entry.event.occurredAt.description, entry.string("reason"), record.endedVisits.contains(entry.event.id.rawValue)])
        }
    }
}
