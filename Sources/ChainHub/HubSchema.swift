/// The hub's PostgreSQL schema (`myolog`), as named, append-only migrations: a released
/// migration is never edited; a change is a new one appended below. A database holding a
/// migration this build does not know is refused (``HubError/unknownMigration(server:name:)``).
///
/// Partitioning: `events` is hash-partitioned by origin (16 partitions). Every read the sync
/// protocol makes is per origin (heads, "events of origin after sequence"), and so is the chain
/// check: each prunes to one partition, and one site's chain grows its partition's index only.
/// By time would spread each chain over every partition and make per-origin paging touch them
/// all, and events are never deleted (erasure destroys keys, not rows), so dropping old
/// partitions — time partitioning's usual gain — does not apply. Hashing (not one list
/// partition per site) needs no DDL when a site enrols. Per-patient reads use a patient index
/// on each partition (16 index probes); a lookup by id goes through `event_ids` (one probe).
enum HubSchema {
    static let partitions = 16

    static let migrations: [(name: String, sql: [String])] = [
        ("v1 hub log", [
            "CREATE SCHEMA myolog",
            "CREATE TABLE myolog.migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            // The node this database is the log of: one row, written by `hub init`.
            "CREATE TABLE myolog.hub (node text PRIMARY KEY, site text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE myolog.nodes (id text PRIMARY KEY, site text NOT NULL, public_key bytea NOT NULL, agreement_key bytea)",
            """
            CREATE TABLE myolog.events (
                origin text NOT NULL,
                sequence bigint NOT NULL CHECK (sequence >= 1),
                id text NOT NULL,
                clock text NOT NULL,
                lamport bigint NOT NULL CHECK (lamport >= 1),
                recorded_at text NOT NULL,
                occurred_at text NOT NULL,
                author text NOT NULL,
                patient text,
                type text NOT NULL,
                schema_version integer NOT NULL CHECK (schema_version >= 1),
                payload text NOT NULL,
                prev_hash text,
                hash text NOT NULL,
                PRIMARY KEY (origin, sequence)
            ) PARTITION BY HASH (origin)
            """,
        ] + (0..<partitions).map {
            "CREATE TABLE myolog.events_p\($0) PARTITION OF myolog.events FOR VALUES WITH (MODULUS \(partitions), REMAINDER \($0))"
        } + [
            // Ids are unique across partitions by the receive check (one writer at a time, under
            // the hub's advisory lock): a unique index must include the partition key.
            "CREATE INDEX events_by_id ON myolog.events (id)",
            "CREATE INDEX events_by_patient ON myolog.events (patient, lamport, origin, sequence) WHERE patient IS NOT NULL",
            """
            CREATE FUNCTION myolog.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP; END $$
            """,
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON myolog.events FOR EACH ROW EXECUTE FUNCTION myolog.refuse_change()",
            "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON myolog.events FOR EACH STATEMENT EXECUTE FUNCTION myolog.refuse_change()",
            // Each origin's last event: the sync summary reads it, the chain check compares it.
            "CREATE TABLE myolog.chain_heads (origin text PRIMARY KEY, sequence bigint NOT NULL, hash text NOT NULL)",
            "CREATE TABLE myolog.chain_signatures (origin text NOT NULL, sequence bigint NOT NULL CHECK (sequence >= 1), signature text NOT NULL, PRIMARY KEY (origin, sequence))",
            "CREATE TRIGGER chain_signatures_append_only BEFORE UPDATE OR DELETE ON myolog.chain_signatures FOR EACH ROW EXECUTE FUNCTION myolog.refuse_change()",
            "CREATE TABLE myolog.held_events (origin text NOT NULL, sequence bigint NOT NULL CHECK (sequence >= 1), envelope text NOT NULL, held_at text NOT NULL, PRIMARY KEY (origin, sequence))",
            """
            CREATE TABLE myolog.quarantined_events (origin text NOT NULL, sequence bigint NOT NULL CHECK (sequence >= 1), hash text NOT NULL,
                envelope text NOT NULL, reason text NOT NULL, detected_at text NOT NULL, PRIMARY KEY (origin, sequence, hash))
            """,
            "CREATE TRIGGER quarantined_events_append_only BEFORE UPDATE OR DELETE ON myolog.quarantined_events FOR EACH ROW EXECUTE FUNCTION myolog.refuse_change()",
            // Each patient's data key, wrapped under the hub node's store key (derived from its
            // node.key, which stays in the hub's store directory): the database alone opens nothing.
            "CREATE TABLE myolog.patient_keys (patient text PRIMARY KEY, wrapped bytea NOT NULL)",
            "CREATE TABLE myolog.erased_patients (patient text PRIMARY KEY, event text NOT NULL)",
            "CREATE TRIGGER erased_patients_append_only BEFORE UPDATE OR DELETE ON myolog.erased_patients FOR EACH ROW EXECUTE FUNCTION myolog.refuse_change()",
        ]),
        ("v2 patient views", [
            // The patient views as relational tables a BI tool joins: rebuilt per patient from the
            // fold, in the transaction that stores the patient's events. Sites by `origin`
            // (join myolog.nodes for the site name).
            """
            CREATE TABLE myolog.patients (patient text PRIMARY KEY, name text, date_of_birth text, registered_by text,
                last_visit timestamptz, latest_pain_score integer, active_trigger_points integer NOT NULL,
                latent_trigger_points integer NOT NULL, event_count integer NOT NULL)
            """,
            """
            CREATE TABLE myolog.pain_scores (patient text NOT NULL, event text PRIMARY KEY, origin text NOT NULL, occurred_at timestamptz NOT NULL,
                score integer NOT NULL CHECK (score BETWEEN 0 AND 10), region text NOT NULL, context text NOT NULL, visit text)
            """,
            "CREATE INDEX pain_scores_by_patient ON myolog.pain_scores (patient, occurred_at)",
            """
            CREATE TABLE myolog.trigger_points (patient text NOT NULL, event text PRIMARY KEY, origin text NOT NULL, found_at timestamptz NOT NULL,
                muscle text NOT NULL, side text NOT NULL, status text NOT NULL, resolved boolean NOT NULL, referral text, visit text)
            """,
            "CREATE INDEX trigger_points_by_patient ON myolog.trigger_points (patient)",
            """
            CREATE TABLE myolog.techniques (patient text NOT NULL, event text PRIMARY KEY, origin text NOT NULL, occurred_at timestamptz NOT NULL,
                technique text NOT NULL, region text NOT NULL, minutes integer, visit text)
            """,
            "CREATE INDEX techniques_by_patient ON myolog.techniques (patient)",
            """
            CREATE TABLE myolog.visits (patient text NOT NULL, event text PRIMARY KEY, origin text NOT NULL, started_at timestamptz NOT NULL,
                ended boolean NOT NULL, reason text)
            """,
            "CREATE INDEX visits_by_patient ON myolog.visits (patient)",
            "CREATE TABLE myolog.conflicts (patient text NOT NULL, field text NOT NULL, shown text, writes integer NOT NULL, PRIMARY KEY (patient, field))",
        ]),
        // Every sync asks which patients the hub holds events of without their key: read from
        // this table (kept in step in each batch's transaction), not by scanning the log.
        ("v3 keyless patients", [
            "CREATE TABLE myolog.keyless_patients (patient text PRIMARY KEY)",
            """
            INSERT INTO myolog.keyless_patients SELECT DISTINCT e.patient FROM myolog.events e WHERE e.patient IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM myolog.patient_keys k WHERE k.patient = e.patient)
            AND NOT EXISTS (SELECT 1 FROM myolog.erased_patients x WHERE x.patient = e.patient)
            """,
        ]),
        // Issue 29: the hub never writes identifying plaintext into PostgreSQL. A deleted or
        // updated row's bytes stay in heap files and pg_wal (VACUUM does not scrub them), so
        // nothing an erasure must destroy may be written here at all:
        // - patient keys move to the hub's store directory (SQLite, `secure_delete`, checkpointed
        //   on erasure); `Hub.migrate()` copies the wrapped keys there before these statements run,
        //   and DROP TABLE unlinks the old table's files;
        // - the views holding identifying text (patients: name, date of birth; visits: reason;
        //   conflicts: the values shown) are dropped (ALTER TABLE DROP COLUMN would leave the bytes)
        //   and made again de-identified: ids, birth year, counts, scores, vocabulary terms, dates.
        //   `Hub.migrate()` folds them again from the sealed log after the last migration that
        //   changes the views (``viewsFolded``).
        // `hub show` and `hub patients` decrypt from the sealed events on demand.
        (deidentifying, [
            "DROP TABLE myolog.patient_keys",
            "DROP TABLE myolog.patients",
            """
            CREATE TABLE myolog.patients (patient text PRIMARY KEY, birth_year integer, registered_by text,
                last_visit timestamptz, latest_pain_score integer, active_trigger_points integer NOT NULL,
                latent_trigger_points integer NOT NULL, event_count integer NOT NULL)
            """,
            "DROP TABLE myolog.visits",
            "CREATE TABLE myolog.visits (patient text NOT NULL, event text PRIMARY KEY, origin text NOT NULL, started_at timestamptz NOT NULL, ended boolean NOT NULL)",
            "CREATE INDEX visits_by_patient ON myolog.visits (patient)",
            "DROP TABLE myolog.conflicts",
            "CREATE TABLE myolog.conflicts (patient text NOT NULL, field text NOT NULL, writes integer NOT NULL, PRIMARY KEY (patient, field))",
        ]),
        // Issue 30: adverse events after treatment, de-identified (terms and ids, never the
        // note), and their chain-wide rate per technique. `Hub.migrate()` folds every view again
        // after the last migration that changes them (``viewsFolded``), so a hub upgraded with
        // patients fills the new table.
        (adverseEvents, [
            """
            CREATE TABLE myolog.adverse_events (patient text NOT NULL, event text PRIMARY KEY, origin text NOT NULL, occurred_at timestamptz NOT NULL,
                kind text NOT NULL, severity text NOT NULL, after text NOT NULL, technique text)
            """,
            "CREATE INDEX adverse_events_by_patient ON myolog.adverse_events (patient)",
            """
            CREATE VIEW myolog.adverse_event_rates AS
            SELECT t.technique, count(DISTINCT t.event) AS applied, count(a.event) AS adverse_events,
                round(count(a.event)::numeric / count(DISTINCT t.event), 4) AS rate
            FROM myolog.techniques t LEFT JOIN myolog.adverse_events a ON a.after = t.event
            GROUP BY t.technique
            """,
        ]),
        // Issue 32: batches load faster, and several sites at once.
        // - `event_ids`: every event's id, its primary key the database's own refusal of a reused
        //   id (a unique index on the partitioned `events` must include the partition key, so
        //   `events_by_id` could not be unique, and a lookup probed all 16 partitions). The hub
        //   writes an event's id row in the statement after its event, in the same transaction;
        //   `hub verify` checks that the two tables name the same events. Append-only, as `events`.
        // - `origin_turns`, `patient_turns`: one row per origin and per patient, locked (`FOR
        //   UPDATE`) by the batch that writes their rows, in sorted order, so batches of different
        //   sites run at once on several backends, and two batches touching one chain or one
        //   patient's views take turns (``Hub/takeTurns(_:keys:on:)``).
        (eventIDs, [
            "CREATE TABLE myolog.event_ids (id text PRIMARY KEY, origin text NOT NULL, sequence bigint NOT NULL)",
            "INSERT INTO myolog.event_ids (id, origin, sequence) SELECT id, origin, sequence FROM myolog.events",
            "CREATE TRIGGER event_ids_append_only BEFORE UPDATE OR DELETE ON myolog.event_ids FOR EACH ROW EXECUTE FUNCTION myolog.refuse_change()",
            "CREATE TRIGGER event_ids_no_truncate BEFORE TRUNCATE ON myolog.event_ids FOR EACH STATEMENT EXECUTE FUNCTION myolog.refuse_change()",
            "DROP INDEX myolog.events_by_id",
            "CREATE TABLE myolog.origin_turns (origin text PRIMARY KEY)",
            "CREATE TABLE myolog.patient_turns (patient text PRIMARY KEY)",
        ]),
        // The role each event's author wrote it in (hashed with the event) and the author's
        // signature over their run of events ending there (not hashed: it signs the hash), as the
        // sites store them (issue 33). Null on older events, which stay as they were.
        ("v7 people: author roles and signatures", [
            "ALTER TABLE myolog.events ADD COLUMN author_role text",
            "ALTER TABLE myolog.events ADD COLUMN author_signature text",
            // The receive rules read the user events and each origin's first signed run per batch.
            "CREATE INDEX events_people ON myolog.events (type) WHERE patient IS NULL",
            "CREATE INDEX events_author_signed ON myolog.events (origin, sequence) WHERE author_signature IS NOT NULL",
        ]),
        // Issue 34: outcome measures, de-identified (``OutcomeRow``): one row per scored answer
        // set of a known instrument version — who recorded it, where, on which day, its score,
        // its change from its episode's baseline and whether that reaches the instrument's MCID,
        // the techniques applied since the baseline — never the answers, the activities' names
        // or the note. `Hub.migrate()` folds every view again after these statements
        // (``viewsFolded``), so a hub upgraded with outcome entries in its log fills the table.
        (outcomeScores, [
            """
            CREATE TABLE myolog.outcome_scores (patient text NOT NULL, event text PRIMARY KEY, origin text NOT NULL, therapist text NOT NULL,
                instrument text NOT NULL, version integer NOT NULL CHECK (version >= 1), context text NOT NULL, occurred_on date NOT NULL,
                score numeric, band text, baseline text NOT NULL, change numeric, mcid_reached boolean, episode_end boolean NOT NULL,
                techniques text[] NOT NULL)
            """,
            "CREATE INDEX outcome_scores_by_patient ON myolog.outcome_scores (patient)",
            // The instrument versions the rows were folded knowing: an answer set of a version
            // this Myolog does not know has no row until a Myolog that knows it folds it again
            // (`Hub.refoldForNewInstruments(on:)`, at every open).
            "CREATE TABLE myolog.outcome_instruments (instrument text NOT NULL, version integer NOT NULL, PRIMARY KEY (instrument, version))",
        ]),
    ]

    /// The name of the migration that moves the keys out and de-identifies the views.
    static let deidentifying = "v4 keys in the store, views de-identified"
    /// The name of the migration that adds the adverse events view.
    static let adverseEvents = "v5 adverse events"
    /// The name of the migration that adds the event id table and the writers' turns.
    static let eventIDs = "v6 event ids and writer turns"
    /// The name of the migration that adds the outcome scores view.
    static let outcomeScores = "v8 outcome scores"
    /// The migration after which every view is folded again from the log: the last one that
    /// adds or remakes a view table (a hub coming from any older schema folds once, there).
    static let viewsFolded = outcomeScores

    /// The oldest server release supported: the oldest the PostgreSQL project still supports
    /// (14 reached its end of life on 2026-11-12).
    static let minimumServerVersion = 150000

    /// Whether `versionNumber` (`server_version_num`) is supported.
    static func supports(versionNumber: Int) -> Bool { versionNumber >= minimumServerVersion }
}
