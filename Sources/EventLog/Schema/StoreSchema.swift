import Foundation
import GRDB
import EventModel
import EventCrypto

/// The store's SQLite schema, as named, append-only migrations.
///
/// A migration, once released, is never edited: a change is a new migration appended below.
/// A store that holds a migration this build does not know refuses to open (``EventLogError/unknownMigration(_:)``).
public enum StoreSchema {
    /// The migrations, for checking which a database has applied (and for stores being made).
    package static var migrator: DatabaseMigrator { migrator(upgrading: nil) }

    /// What an upgrade needs beyond the database: the store directory and, to sign the trust
    /// list's existing rows (v6), the node's identity with its private key.
    package struct Upgrade: Sendable {
        var directory: URL
        var identity: NodeIdentity?
    }

    /// The migrations; `upgrade` is what the opening store holds (nil: none may need it).
    package static func migrator(upgrading upgrade: Upgrade?) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 event log") { db in
            try db.execute(sql: """
                CREATE TABLE nodes (
                    id TEXT PRIMARY KEY NOT NULL,
                    site TEXT NOT NULL,
                    publicKey BLOB NOT NULL,
                    isLocal INTEGER NOT NULL DEFAULT 0 CHECK (isLocal IN (0, 1))
                ) STRICT;
                CREATE UNIQUE INDEX nodes_one_local ON nodes(isLocal) WHERE isLocal = 1;

                -- The log. `position` is this store's arrival order; (origin, sequence) is the
                -- event's place in its origin's hash chain; `payload` holds the canonical
                -- payload bytes exactly as hashed.
                CREATE TABLE events (
                    position INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    origin TEXT NOT NULL REFERENCES nodes(id),
                    sequence INTEGER NOT NULL CHECK (sequence >= 1),
                    clock TEXT NOT NULL,
                    lamport INTEGER NOT NULL CHECK (lamport >= 1),
                    recordedAt TEXT NOT NULL,
                    occurredAt TEXT NOT NULL,
                    author TEXT NOT NULL,
                    patient TEXT,
                    type TEXT NOT NULL,
                    schemaVersion INTEGER NOT NULL CHECK (schemaVersion >= 1),
                    payload TEXT NOT NULL,
                    prevHash TEXT,
                    hash TEXT NOT NULL,
                    UNIQUE (origin, sequence)
                ) STRICT;
                CREATE INDEX events_by_patient ON events(patient, position) WHERE patient IS NOT NULL;
                CREATE INDEX events_causal_order ON events(lamport, origin, sequence);

                -- History cannot be changed, not even from a plain sqlite3 session.
                CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE is refused'); END;
                CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE is refused'); END;
                -- INSERT OR REPLACE deletes the row it collides with without firing delete
                -- triggers (unless recursive_triggers is on), so refuse any colliding insert first.
                CREATE TRIGGER events_refuse_replace BEFORE INSERT ON events
                WHEN EXISTS (SELECT 1 FROM events WHERE position = NEW.position)
                  OR EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
                  OR EXISTS (SELECT 1 FROM events WHERE origin = NEW.origin AND sequence = NEW.sequence)
                BEGIN SELECT RAISE(ABORT, 'events are append-only: an insert that collides with a stored event is refused'); END;
                """)
        }
        migrator.registerMigration("v2 projection versions") { db in
            try db.execute(sql: """
                -- The version of each projection's fold the stored tables were built with.
                CREATE TABLE projection_versions (
                    name TEXT PRIMARY KEY NOT NULL,
                    version INTEGER NOT NULL
                ) STRICT;
                """)
        }
        migrator.registerMigration("v3 quarantine and held-back events") { db in
            try db.execute(sql: """
                -- Forks: a validly hashed event from a peer that differs from the event this
                -- store holds at the same (origin, sequence), or does not link to its head.
                -- Kept as evidence, never merged, never changed.
                CREATE TABLE quarantined_events (
                    origin TEXT NOT NULL,
                    sequence INTEGER NOT NULL CHECK (sequence >= 1),
                    hash TEXT NOT NULL,
                    envelope TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    detectedAt TEXT NOT NULL,
                    PRIMARY KEY (origin, sequence, hash)
                ) STRICT;
                CREATE TRIGGER quarantine_refuse_update BEFORE UPDATE ON quarantined_events
                BEGIN SELECT RAISE(ABORT, 'quarantined events are evidence: UPDATE is refused'); END;
                CREATE TRIGGER quarantine_refuse_delete BEFORE DELETE ON quarantined_events
                BEGIN SELECT RAISE(ABORT, 'quarantined events are evidence: DELETE is refused'); END;

                -- An operator's decision on a fork: who, when and why. Append-only.
                CREATE TABLE fork_decisions (
                    origin TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    decidedAt TEXT NOT NULL,
                    author TEXT NOT NULL,
                    note TEXT NOT NULL,
                    PRIMARY KEY (origin, sequence)
                ) STRICT;
                CREATE TRIGGER fork_decisions_refuse_update BEFORE UPDATE ON fork_decisions
                BEGIN SELECT RAISE(ABORT, 'fork decisions are append-only: UPDATE is refused'); END;
                CREATE TRIGGER fork_decisions_refuse_delete BEFORE DELETE ON fork_decisions
                BEGIN SELECT RAISE(ABORT, 'fork decisions are append-only: DELETE is refused'); END;

                -- Events received ahead of a gap in their origin's chain: a staging area, not the
                -- log. Each row moves into `events` (and is removed here) in the transaction that
                -- stores the event it follows; nothing here is ever shown or folded.
                CREATE TABLE held_events (
                    origin TEXT NOT NULL,
                    sequence INTEGER NOT NULL CHECK (sequence >= 2),
                    envelope TEXT NOT NULL,
                    heldAt TEXT NOT NULL,
                    PRIMARY KEY (origin, sequence)
                ) STRICT;
                """)
        }
        migrator.registerMigration("v4 chain signatures and the trust list") { db in
            try db.execute(sql: """
                -- Each origin's Ed25519 signatures over events of its chain (ChainSignature): the
                -- head of every commit at least. Kept beside the log, not in it, because a store
                -- knows which event ends a commit only when the commit ends — and the log's rows
                -- are never updated. Append-only, like the log.
                CREATE TABLE chain_signatures (
                    origin TEXT NOT NULL,
                    sequence INTEGER NOT NULL CHECK (sequence >= 1),
                    signature TEXT NOT NULL,
                    PRIMARY KEY (origin, sequence)
                ) STRICT, WITHOUT ROWID;
                CREATE TRIGGER chain_signatures_refuse_update BEFORE UPDATE ON chain_signatures
                BEGIN SELECT RAISE(ABORT, 'chain signatures are append-only: UPDATE is refused'); END;
                CREATE TRIGGER chain_signatures_refuse_delete BEFORE DELETE ON chain_signatures
                BEGIN SELECT RAISE(ABORT, 'chain signatures are append-only: DELETE is refused'); END;

                -- The nodes this store accepts events from, as a history of decisions: the
                -- latest row per node is in force. Local to this store; never synced.
                CREATE TABLE peer_trust (
                    change INTEGER PRIMARY KEY,
                    node TEXT NOT NULL,
                    name TEXT NOT NULL,
                    trusted INTEGER NOT NULL CHECK (trusted IN (0, 1)),
                    changedAt TEXT NOT NULL,
                    author TEXT NOT NULL
                ) STRICT;
                CREATE INDEX peer_trust_by_node ON peer_trust(node, change);
                CREATE TRIGGER peer_trust_refuse_update BEFORE UPDATE ON peer_trust
                BEGIN SELECT RAISE(ABORT, 'the trust list is append-only: UPDATE is refused'); END;
                CREATE TRIGGER peer_trust_refuse_delete BEFORE DELETE ON peer_trust
                BEGIN SELECT RAISE(ABORT, 'the trust list is append-only: DELETE is refused'); END;

                -- Events of a node not yet trusted wait here too, from its enrolment (sequence 1)
                -- on: the staging table is rebuilt without v3's `sequence >= 2`.
                CREATE TABLE held_events_v4 (
                    origin TEXT NOT NULL,
                    sequence INTEGER NOT NULL CHECK (sequence >= 1),
                    envelope TEXT NOT NULL,
                    heldAt TEXT NOT NULL,
                    PRIMARY KEY (origin, sequence)
                ) STRICT;
                INSERT INTO held_events_v4 SELECT origin, sequence, envelope, heldAt FROM held_events;
                DROP TABLE held_events;
                ALTER TABLE held_events_v4 RENAME TO held_events;

                -- A store written before trust existed already accepted its peers' events: it
                -- keeps accepting them, and the row says why.
                INSERT INTO peer_trust (node, name, trusted, changedAt, author)
                SELECT id, site, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'migration v4 (already syncing before trust lists)'
                FROM nodes WHERE isLocal = 0 ORDER BY id;
                """)
        }
        migrator.registerMigration("v5 sealed payloads and erasure") { db in
            // A log with patient events from before sealing holds plaintext that no erasure can
            // reach (events are never rewritten): such a store is refused, not migrated.
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events WHERE patient IS NOT NULL)") == true {
                throw EventLogError.plaintextStore(path: "")
            }
            try db.execute(sql: """
                -- Each patient's data key, wrapped under the store's key-encryption key (derived
                -- from node.key). Deleting the row destroys the key: crypto-shredding.
                CREATE TABLE patient_keys (
                    patient TEXT PRIMARY KEY NOT NULL,
                    wrapped BLOB NOT NULL
                ) STRICT, WITHOUT ROWID;

                -- Patients erased here, and the PatientErased event that did it: their keys are
                -- never accepted or made again. Append-only.
                CREATE TABLE erased_patients (
                    patient TEXT PRIMARY KEY NOT NULL,
                    event TEXT NOT NULL
                ) STRICT, WITHOUT ROWID;
                CREATE TRIGGER erased_patients_refuse_update BEFORE UPDATE ON erased_patients
                BEGIN SELECT RAISE(ABORT, 'erasures are final: UPDATE is refused'); END;
                CREATE TRIGGER erased_patients_refuse_delete BEFORE DELETE ON erased_patients
                BEGIN SELECT RAISE(ABORT, 'erasures are final: DELETE is refused'); END;

                -- Each node's X25519 public key for receiving patient keys (from its NodeEnrolled).
                ALTER TABLE nodes ADD COLUMN agreementKey BLOB;
                """)
        }
        migrator.registerMigration("v6 signed trust list") { db in
            try db.execute(sql: """
                -- Each trust change's Ed25519 signature by this store's node (TrustChange): a row
                -- is obeyed only if it verifies with this store's own key, so a row inserted or
                -- edited with plain sqlite3 is ignored, and `verify` names it.
                ALTER TABLE peer_trust ADD COLUMN signature BLOB;
                """)
            try signExistingTrustRows(db, upgrade: upgrade)
        }
        migrator.registerMigration("v7 store-wide events by type") { db in
            try db.execute(sql: """
                -- The few events about no patient (the site's zone, the retention policy), by
                -- type: every command that shows a time reads the site's zone, and without this
                -- it scanned the whole log (issue 32). Partial, so a patient's event — nearly
                -- every append — costs it nothing.
                CREATE INDEX events_store_wide ON events(type, position) WHERE patient IS NULL;
                """)
        }
        migrator.registerMigration("v8 people: author roles and signatures") { db in
            try db.execute(sql: """
                -- The role an event's author wrote it in: hashed with the event, null on events
                -- written before people had roles, which stay as they were (issue 33).
                ALTER TABLE events ADD COLUMN authorRole TEXT;

                -- Each author's Ed25519 signature over a run of their events in one origin's chain,
                -- kept at the run's last event (AuthorSignature). A run is signed when it ends — at
                -- a change of author, and where the node signs — so after its last event is
                -- inserted; hence a table beside the log, append-only like it (as chain_signatures).
                CREATE TABLE author_signatures (
                    origin TEXT NOT NULL,
                    sequence INTEGER NOT NULL CHECK (sequence >= 1),
                    signature TEXT NOT NULL,
                    PRIMARY KEY (origin, sequence),
                    FOREIGN KEY (origin, sequence) REFERENCES events(origin, sequence)
                ) STRICT, WITHOUT ROWID;
                CREATE TRIGGER author_signatures_refuse_update BEFORE UPDATE ON author_signatures
                BEGIN SELECT RAISE(ABORT, 'author signatures are append-only: UPDATE is refused'); END;
                CREATE TRIGGER author_signatures_refuse_delete BEFORE DELETE ON author_signatures
                BEGIN SELECT RAISE(ABORT, 'author signatures are append-only: DELETE is refused'); END;
                """)
        }
        migrator.registerMigration("v9 sync record and verify runs") { db in
            try db.execute(sql: """
                -- This node's own record of running a site (issue 35): never synced, never signed,
                -- nothing of a patient. What `status` reads. Whoever can write the file can edit it,
                -- so nothing here is evidence: a peer's rollback is found again from the log (the
                -- peer's own chain held here, signed by it) at every sync.

                -- The last sync with each peer address (a directory or https://HOST:PORT): when it
                -- last succeeded, when and why it last failed, how many failures in a row, and the
                -- peer's own chain head as this store held it after the last success (its
                -- signature is in chain_signatures).
                CREATE TABLE sync_peers (
                    address TEXT PRIMARY KEY NOT NULL,
                    node TEXT,
                    site TEXT,
                    lastAttemptAt TEXT NOT NULL,
                    lastSuccessAt TEXT,
                    lastFailureAt TEXT,
                    lastFailure TEXT,
                    failuresInARow INTEGER NOT NULL DEFAULT 0 CHECK (failuresInARow >= 0),
                    witnessedSequence INTEGER CHECK (witnessedSequence >= 1),
                    witnessedHash TEXT
                ) STRICT;

                -- Each time a node was seen holding less of its own chain than another store held
                -- of it: its store directory was put back to an older copy (records written there
                -- since and not synced are gone). Kept until an operator acknowledges it. While one
                -- is unacknowledged, a node's later sightings widen it (the pages and batches of
                -- one catch-up, a sync stopped and run again) rather than add rows.
                CREATE TABLE peer_rollbacks (
                    position INTEGER PRIMARY KEY,
                    node TEXT NOT NULL,
                    site TEXT NOT NULL,
                    address TEXT NOT NULL,
                    seenAt TEXT NOT NULL,
                    theirSequence INTEGER NOT NULL CHECK (theirSequence >= 0),
                    heldSequence INTEGER NOT NULL CHECK (heldSequence >= 1),
                    acknowledgedAt TEXT,
                    acknowledgedBy TEXT
                ) STRICT;

                -- Each `verify` run that could record itself: when, its exit status and one line.
                CREATE TABLE verify_runs (
                    position INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    exitStatus INTEGER NOT NULL,
                    summary TEXT NOT NULL
                ) STRICT;
                """)
        }
        return migrator
    }

    /// Signs, once, the rows an older Myolog wrote unsigned — trust on upgrade: that Myolog obeyed
    /// them, and this one would ignore them unsigned (stopping every sync). Only the store's own
    /// key can do it, so a store that holds rows upgrades only where its `node.key` is; then its
    /// newest row is recorded in `trust.head` (in the migration's transaction: if the commit fails,
    /// the migration runs again and rewrites it).
    private static func signExistingTrustRows(_ db: Database, upgrade: Upgrade?) throws {
        let rows = try TrustChange.readAll(db)
        guard !rows.isEmpty else { return }
        let path = upgrade?.directory.path ?? ""
        guard let upgrade, let identity = upgrade.identity, identity.canSign else {
            throw EventLogError.damagedStore(path: path, reason: "it was written by an older Myolog and its upgrade signs its trust list with node.key, which is missing here: restore node.key, then open it")
        }
        guard try Data.fetchOne(db, sql: "SELECT publicKey FROM nodes WHERE isLocal = 1") == identity.publicKey.rawRepresentation else {
            throw EventLogError.damagedStore(path: path, reason: "node.key is not the key of the node the database names")
        }
        try db.execute(sql: "DROP TRIGGER peer_trust_refuse_update")
        var previous: Data?
        var head: TrustHead.Link?
        for result in rows {
            guard case .success(let row) = result else {
                throw EventLogError.damagedStore(path: path, reason: "its trust list holds a row that is not as Myolog writes it: restore it from a backup before upgrading")
            }
            let signature = try identity.signature(for: row.signedBytes(store: identity.nodeID, previous: previous))
            try db.execute(sql: "UPDATE peer_trust SET signature = ? WHERE change = ?", arguments: [signature, row.change])
            previous = signature
            head = TrustHead.Link(change: row.change, signature: signature)
        }
        try db.execute(sql: """
            CREATE TRIGGER peer_trust_refuse_update BEFORE UPDATE ON peer_trust
            BEGIN SELECT RAISE(ABORT, 'the trust list is append-only: UPDATE is refused'); END;
            """)
        try TrustHead(signedBy: identity, head: head).write(in: upgrade.directory)
    }
}
