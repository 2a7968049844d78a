import Crypto
import Foundation
import PostgresNIO
import ClinicalFold
import EventModel
import EventCrypto
import EventSync

/// Receiving a batch: load what the rules read, run them (``ReceiveLedger``), write what they
/// decided, refold the touched patients' views — one transaction.
extension Hub {
    /// Offers `batch` and `keys` (sealed to this node) in one transaction: every event stored,
    /// held back or quarantined, or the first malformed one refused (``EventProblem``)
    /// and nothing of the batch written.
    public func receive(_ batch: [EventEnvelope], keys sealedKeys: [SealedPatientKey]) async throws -> ReceiveSummary {
        let (summary, acknowledged) = try await withConnection { try await commit(batch, keys: sealedKeys, on: $0) }
        // The acknowledgements it appended in the store directory reach PostgreSQL with the hub's chain.
        if acknowledged { try await catchUpOwnChain() }
        return summary
    }

    /// The batch's transaction, then what follows its commit in the store directory's SQLite:
    /// the erased patients' keys destroyed, and the hub's acknowledgements of erasures from other
    /// nodes appended (`acknowledged`: some were, and the hub's chain in PostgreSQL lacks them).
    func commit(_ batch: [EventEnvelope], keys sealedKeys: [SealedPatientKey], on connection: HubConnection) async throws
        -> (summary: ReceiveSummary, acknowledged: Bool) {
        let identity = store.identity
        let trustList = try store.trust(of: Set(batch.map(\.origin)))
        let (summary, erasures, acknowledge) = try await transaction(on: connection) { () -> (ReceiveSummary, [PatientID: EventID], [(PatientID, EventEnvelope)]) in
            // Shared: batches run at once, each taking the turns of its origins and patients
            // (``load(_:for:keys:on:)``); a migration or a reconciliation takes it alone.
            try await connection.queryOrClosed("SELECT pg_advisory_xact_lock_shared(\(Self.writerLock))", logger: self.logger)
            // Every read of a batch is a lookup by key (ids, origins, patients), each served by an
            // index. A table filling faster than autovacuum analyses it has no statistics, and
            // without them the planner guesses that a list of a few thousand keys matches most of
            // the table and scans it whole: measured, an initial sync's id and patient lookups
            // then scanned the growing log at every batch (half the server's time). The indexes
            // are always the right plan here.
            try await connection.queryOrClosed("SET LOCAL enable_seqscan = off", logger: self.logger)
            let ledger = HubBatch(identity: identity, now: Timestamp.now().description)
            ledger.trustByNode = trustList
            try await self.load(ledger, for: batch, keys: sealedKeys, on: connection)
            // The rules run a piece of the batch at a time (``HubBatch/pieceEnd(of:from:)``), and
            // the events each piece stored stream to the server while the next is checked: one
            // core checks, the other stores.
            var summary = try await connection.copyOrClosed(into: "events", columns: Self.eventColumns, logger: self.logger) { send in
                var summary = ReceiveSummary(), start = 0, sent = 0
                while start < batch.count {
                    let end = ledger.pieceEnd(of: batch, from: start)
                    summary.add(try ledger.receiveAll(Array(batch[start..<end])))
                    start = end
                    var rows = CopyRows()
                    for event in ledger.newEvents[sent...] { rows.event(event) }
                    sent = ledger.newEvents.count
                    try await send(rows)
                }
                return summary
            }
            summary.keys = try ledger.receiveKeys(sealedKeys)
            // The touched patients are folded on another thread while the batch's rows go to the
            // server: both cores work (the fold needs nothing the flush writes).
            let sources = try await self.viewSources(of: ledger, on: connection)
            let folding = Task.detached(priority: .userInitiated) { try sources.registeredRecords() }
            do {
                try await self.flush(ledger, on: connection)
            } catch {
                _ = await folding.result
                throw Self.reusedID(error, in: ledger) ?? error
            }
            try await self.replaceViews(of: sources.patients, with: try await folding.value, on: connection)
            // Erasures from other nodes applied by this batch: the hub says so in its own chain.
            let received = ledger.newErasures.compactMap { patient, id -> (PatientID, EventEnvelope)? in
                guard let event = try? ledger.storedEvent(id), event.origin != identity.nodeID else { return nil }
                return (patient, event)
            }.sorted { $0.0 < $1.0 }
            return (summary, ledger.erasures, received)
        }
        // The erasures are committed in PostgreSQL: now destroy the keys in SQLite (every erased
        // patient the batch named, so one a crash left keyed is destroyed by the next batch too;
        // every open reconciles them all). Two databases cannot commit as one: in this order a
        // crash never loses an erasure.
        try store.destroyKeptKeys(erasures)
        // Its acknowledgements (EventStore+ErasureRelay.swift), so that stores trusting the hub but
        // not the node that erased apply the erasure too: appended in the store directory, then
        // copied into PostgreSQL like the rest of its chain (by the caller).
        if !acknowledge.isEmpty {
            try store.acknowledgeErasures(acknowledge)
        }
        return (summary, !acknowledge.isEmpty)
    }

    /// The refusal of the event whose id another batch stored while this one ran (the
    /// `event_ids` primary key refused it: two batches of different origins run at once, and
    /// neither saw the other's id when it loaded), in the words of the receive rules; nil for any
    /// other error.
    static func reusedID(_ error: any Error, in ledger: HubBatch) -> EventProblem? {
        guard let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505", error.serverInfo?[.constraintName] == "event_ids_pkey" else { return nil }
        // "Key (id)=(…) already exists."
        let detail = error.serverInfo?[.detail] ?? ""
        // Only the event the server named: a guess would name an unrelated one, and the server's
        // own error (thrown instead) still refuses the whole batch.
        return ledger.newEvents.first { detail.contains("(\($0.id.rawValue))") }.map(ledger.duplicateID)
    }

    /// Waits for, then holds until the transaction ends, the turn of each of `keys` in
    /// `myolog.<table>` (`origin_turns` or `patient_turns`): rows added when new, then locked in
    /// the database's order. Every batch takes its origins' turns before its patients', each
    /// set in one order, so two batches never wait for each other in a circle; batches with no
    /// origin and no patient in common run at once.
    func takeTurns(_ table: String, keys: [String], on connection: HubConnection) async throws {
        guard !keys.isEmpty else { return }
        let column = table == "origin_turns" ? "origin" : "patient"
        try await connection.queryOrClosed("""
            INSERT INTO myolog.\(unescaped: table) SELECT k FROM unnest(\(keys.sorted())::text[]) AS u(k) ON CONFLICT DO NOTHING
            """, logger: logger)
        for try await _ in try await connection.queryOrClosed("""
            SELECT \(unescaped: column) FROM myolog.\(unescaped: table) WHERE \(unescaped: column) = ANY(\(keys)) ORDER BY 1 FOR UPDATE
            """, logger: logger) {}
    }

    /// Reads, for the batch's origins, ids and patients, everything the rules will ask — each
    /// origin's and patient's state after taking its turn, so it cannot change before the commit.
    func load(_ ledger: HubBatch, for batch: [EventEnvelope], keys sealedKeys: [SealedPatientKey], on connection: HubConnection) async throws {
        let origins = Array(Set(batch.map(\.origin.rawValue)))
        try await takeTurns("origin_turns", keys: origins, on: connection)
        if !origins.isEmpty {
            for try await (origin, sequence, hash) in try await connection.queryOrClosed(
                "SELECT origin, sequence, hash FROM myolog.chain_heads WHERE origin = ANY(\(origins))", logger: logger).decode((String, Int, String).self) {
                if let node = NodeID(origin), let hash = EventHash(hash) { ledger.heads[node] = ChainHead(sequence: sequence, hash: hash) }
            }
            for try await (id, key) in try await connection.queryOrClosed(
                "SELECT id, public_key FROM myolog.nodes WHERE id = ANY(\(origins))", logger: logger).decode((String, Data).self) {
                if let node = NodeID(id) { ledger.enrolledKeys[node] = key }
            }
            for try await (origin, sequence) in try await connection.queryOrClosed("""
                SELECT origin, min(sequence) FROM myolog.events WHERE author_signature IS NOT NULL AND origin = ANY(\(origins)) GROUP BY origin
                """, logger: logger).decode((String, Int).self) {
                if let node = NodeID(origin) { ledger.authorSigningStarts[node] = sequence }
            }
            for try await (envelope,) in try await connection.queryOrClosed(
                "SELECT envelope FROM myolog.held_events WHERE origin = ANY(\(origins))", logger: logger).decode((String,).self) {
                let event = try EventEnvelope(canonicalLine: Array(envelope.utf8))
                ledger.held[ChainPlace(origin: event.origin, sequence: event.sequence)] = event
            }
            // Every id of the batch, whatever its place: a duplicate, a fork, or a forged reuse
            // (one probe of `event_ids` each); the rare events found are then read from their
            // origins' partitions.
            var found: [String: [Int]] = [:]
            for try await (origin, sequence) in try await connection.queryOrClosed(
                "SELECT origin, sequence FROM myolog.event_ids WHERE id = ANY(\(batch.map(\.id.rawValue)))", logger: logger).decode((String, Int).self) {
                found[origin, default: []].append(sequence)
            }
            for (origin, sequences) in found {
                for event in try await envelopes("""
                    SELECT \(unescaped: Self.columns), NULL::text FROM myolog.events e WHERE e.origin = \(origin) AND e.sequence = ANY(\(sequences))
                    """, on: connection) {
                    ledger.storedByID[event.id] = event
                }
            }
        }
        // The store's people: the receive rules check every person's event against them.
        ledger.userEvents = try await userEvents(on: connection)
        // The patients the batch can store events of: its own events' and those of the held-back
        // events it may release (loaded above, for its origins).
        let eventPatients = Set(batch.compactMap(\.patient) + ledger.held.values.compactMap(\.patient))
        let patients = Array(Set(eventPatients.map(\.rawValue) + sealedKeys.map(\.patient.rawValue)))
        guard !patients.isEmpty else { return }
        try await takeTurns("patient_turns", keys: patients, on: connection)
        for try await (patient, event) in try await connection.queryOrClosed(
            "SELECT patient, event FROM myolog.erased_patients WHERE patient = ANY(\(patients))", logger: logger).decode((String, String).self) {
            if let id = PatientID(patient), let event = EventID(event) { ledger.erasures[id] = event }
        }
        // The keys held of every patient the batch names or may release (the rules, the keyless
        // table and the refold read them), and the events stored of those patients so far: the refold folds those with
        // what the batch stores, without reading its own rows back.
        ledger.keys = try await heldKeys(patients.compactMap(PatientID.init))
        // An erased patient's key never opens anything, even one a crash left in SQLite (this
        // batch destroys it after commit).
        for patient in ledger.erasures.keys { ledger.keys[patient] = nil }
        // A patient keyed in SQLite is never keyless (a key kept by a batch that rolled back left
        // their row): deleting a row that is not there costs nothing.
        ledger.keylessRemoved.formUnion(ledger.keys.keys)
        let batchPatients = Array(eventPatients)
        ledger.patientEvents = try await storedEvents(of: batchPatients, on: connection)
        for patient in batchPatients where ledger.patientEvents[patient] == nil { ledger.patientEvents[patient] = [] }
        // What an offered key is tried on: the patient's first sealed events held here (three
        // per patient, in causal order). Those of the batch's patients are loaded already; the
        // others' are picked by the server (not the patients' whole records).
        var keyPatients: [PatientID] = []
        for patient in Set(sealedKeys.map(\.patient)).sorted() {
            guard let stored = ledger.patientEvents[patient] else { keyPatients.append(patient); continue }
            let sample = CausalOrder.sorted(stored.filter(\.isSealed)).prefix(3)
            if !sample.isEmpty { ledger.sealedSamples[patient] = Array(sample) }
        }
        guard !keyPatients.isEmpty else { return }
        let plaintext = SystemEventType.plaintext.sorted()
        for event in try await envelopes("""
            SELECT \(unescaped: Self.columns), NULL::text FROM (
                SELECT e.*, row_number() OVER (PARTITION BY e.patient ORDER BY e.lamport, e.origin, e.sequence) AS n FROM myolog.events e
                WHERE e.patient = ANY(\(keyPatients.map(\.rawValue))) AND e.type <> ALL(\(plaintext))
            ) AS e WHERE n <= 3
            """, on: connection) where event.isSealed {
            if let patient = event.patient { ledger.sealedSamples[patient, default: []].append(event) }
        }
    }

    /// Every stored user event: the hub's people, as the receive rules and `hub verify` check authors against them.
    func userEvents(on connection: HubConnection) async throws -> [EventEnvelope] {
        try await envelopes("""
            SELECT \(unescaped: Self.columns), NULL::text FROM myolog.events e WHERE e.patient IS NULL AND e.type = ANY(\(SystemEventType.people.sorted()))
            """, on: connection)
    }

    /// The columns of `myolog.events`, in the order ``CopyRows/event(_:)`` writes them.
    static let eventColumns = ["origin", "sequence", "id", "clock", "lamport", "recorded_at", "occurred_at", "author", "patient", "type", "schema_version",
                               "payload", "prev_hash", "hash", "author_role", "author_signature"]

    /// Writes what the rules decided, inside the batch's transaction, but the events (streamed as
    /// the rules ran): their ids and signatures with `COPY … FROM STDIN`, the few other rows as
    /// multi-row inserts (arrays bound as parameters).
    func flush(_ ledger: HubBatch, on connection: HubConnection) async throws {
        for node in ledger.enrolments {
            try await connection.queryOrClosed("""
                INSERT INTO myolog.nodes (id, site, public_key, agreement_key) VALUES (\(node.node.rawValue), \(node.site), \(node.publicKey), \(node.agreementKey))
                ON CONFLICT (id) DO NOTHING
                """, logger: logger)
        }
        let events = ledger.newEvents
        if !events.isEmpty {
            // The events themselves went to the server while the rules ran (``commit(_:keys:on:)``).
            var ids = CopyRows()
            for event in events {
                ids.text(event.id.rawValue); ids.text(event.origin.rawValue); ids.integer(event.sequence)
                ids.end()
            }
            // The primary key refuses an id stored before, by this batch or by one running at once.
            try await connection.copyOrClosed(into: "event_ids", columns: ["id", "origin", "sequence"], rows: ids, logger: logger)
            var heads: [NodeID: EventEnvelope] = [:]
            for event in events where (heads[event.origin]?.sequence ?? 0) < event.sequence { heads[event.origin] = event }
            let last = heads.values.sorted { $0.origin < $1.origin }
            try await connection.queryOrClosed("""
                INSERT INTO myolog.chain_heads (origin, sequence, hash) SELECT * FROM unnest(\(last.map(\.origin.rawValue)), \(last.map(\.sequence)), \(last.map(\.hash.rawValue)))
                ON CONFLICT (origin) DO UPDATE SET sequence = EXCLUDED.sequence, hash = EXCLUDED.hash
                """, logger: logger)
        }
        var signatures = CopyRows()
        for signature in ledger.signatures {
            signatures.text(signature.origin.rawValue); signatures.integer(signature.sequence); signatures.text(signature.signature.rawValue)
            signatures.end()
        }
        try await connection.copyOrClosed(into: "chain_signatures", columns: ["origin", "sequence", "signature"], rows: signatures, logger: logger)
        let held = ledger.heldInserts.values.sorted { ($0.origin, $0.sequence) < ($1.origin, $1.sequence) }
        if !held.isEmpty {
            try await connection.queryOrClosed("""
                INSERT INTO myolog.held_events (origin, sequence, envelope, held_at)
                SELECT o, s, e, \(ledger.now) FROM unnest(\(held.map(\.origin.rawValue)), \(held.map(\.sequence)), \(held.map(\.canonicalText))) AS u(o, s, e)
                ON CONFLICT (origin, sequence) DO NOTHING
                """, logger: logger)
        }
        for place in ledger.heldDeletes {
            try await connection.queryOrClosed("DELETE FROM myolog.held_events WHERE origin = \(place.origin.rawValue) AND sequence = \(place.sequence)", logger: logger)
        }
        for (event, reason) in ledger.quarantined {
            try await connection.queryOrClosed("""
                INSERT INTO myolog.quarantined_events (origin, sequence, hash, envelope, reason, detected_at)
                VALUES (\(event.origin.rawValue), \(event.sequence), \(event.hash.rawValue), \(event.canonicalText), \(reason), \(ledger.now))
                ON CONFLICT (origin, sequence, hash) DO NOTHING
                """, logger: logger)
        }
        // The erasure is recorded here; the key (in the store directory's SQLite, never here) is
        // destroyed right after this transaction commits — see ``commit(_:keys:on:)``.
        for (patient, event) in ledger.newErasures {
            try await connection.queryOrClosed("INSERT INTO myolog.erased_patients (patient, event) VALUES (\(patient.rawValue), \(event.rawValue)) ON CONFLICT DO NOTHING", logger: logger)
        }
        if !ledger.keylessRemoved.isEmpty {
            try await connection.queryOrClosed("DELETE FROM myolog.keyless_patients WHERE patient = ANY(\(ledger.keylessRemoved.map(\.rawValue).sorted()))", logger: logger)
        }
        if !ledger.keylessAdded.isEmpty {
            try await connection.queryOrClosed("""
                INSERT INTO myolog.keyless_patients SELECT * FROM unnest(\(ledger.keylessAdded.map(\.rawValue).sorted())) ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        // Keys go to the store directory's SQLite before this transaction commits: a commit never
        // names a key (keyless_patients row deleted) the hub lacks, and a key kept for a batch
        // that then rolls back is harmless — its patient's rows are reconciled (``reconcile(on:)``).
        try store.keepKeys(ledger.keptKeys)
    }
}
