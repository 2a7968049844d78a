import ClinicalEvents
import Crypto
import Foundation
import PostgresNIO
import ClinicalFold
import EventModel
import EventCrypto

/// The hub's patient views: folded by ``PatientFold`` — the fold every store uses, so the hub
/// shows what a site shows — and kept as de-identified relational tables (`myolog.patients`,
/// `pain_scores`, `trigger_points`, `techniques`, `visits`, `conflicts`, `adverse_events`,
/// `outcome_scores`, and the view `adverse_event_rates`: adverse events per technique applied,
/// chain-wide) for SQL and BI tools.
///
/// Guarantee: no identifying plaintext is written to PostgreSQL — no name, phone, e-mail,
/// address, date of birth (its year only) or free text (visit reasons, notes, history, the
/// values of conflicting fields, the names of PSFS activities); the tables hold patient ids,
/// birth years, counts, scores, vocabulary terms, dates, and the user name of the staff member
/// who recorded each outcome measure (``OutcomeRow`` says why each of its columns may be there).
/// `hub show` and `hub patients` open the sealed events on demand with the keys in the hub's
/// store directory.
extension Hub {
    /// Each of `patients`' events as stored (not opened), by patient.
    func storedEvents(of patients: [PatientID], on connection: HubConnection) async throws -> [PatientID: [EventEnvelope]] {
        guard !patients.isEmpty else { return [:] }
        var events: [PatientID: [EventEnvelope]] = [:]
        let rows = try await connection.queryOrClosed("""
            SELECT \(unescaped: Self.columns), NULL::text FROM myolog.events e WHERE e.patient = ANY(\(patients.map(\.rawValue)))
            """, logger: logger)
        for try await row in rows.decode(EventRow.self) {
            let event = try Self.envelope(row)
            guard let patient = event.patient else { continue }
            events[patient, default: []].append(event)
        }
        return events
    }

    /// The folded record of each of `patients` (registered or not), from their stored events
    /// opened with `keys` (the fold puts them in causal order itself).
    static func records(of patients: [PatientID], events: [PatientID: [EventEnvelope]], keys: [PatientID: SymmetricKey]) throws -> [PatientRecord] {
        try patients.sorted().map { patient in
            try PatientFold.fold(patient, events: (events[patient] ?? []).map { SealedPayload.opened($0, key: keys[patient]) })
        }
    }

    /// The folded record of each of `patients` (registered or not), read from the hub's log.
    func records(of patients: [PatientID], on connection: HubConnection) async throws -> [PatientRecord] {
        guard !patients.isEmpty else { return [] }
        return try Self.records(of: patients, events: try await storedEvents(of: patients, on: connection), keys: try await usableKeys(patients, on: connection))
    }

    /// What the views of the patients `batch` touched are folded from. The events of the
    /// batch's patients are in memory already (those stored before it, loaded with it, and those
    /// it stores): only patients touched otherwise (a key arrived for events held earlier) are
    /// read from the log.
    func viewSources(of batch: HubBatch, on connection: HubConnection) async throws -> ViewSources {
        let patients = batch.touchedPatients.sorted()
        var events = batch.patientEvents
        for event in batch.newEvents { if let patient = event.patient { events[patient, default: []].append(event) } }
        let elsewhere = patients.filter { batch.patientEvents[$0] == nil }
        var keys = batch.keys
        if !elsewhere.isEmpty {
            // Such a patient may also have events among the batch's (a held-back event of theirs
            // released by it): those are not in the log yet, so both lists are kept.
            events.merge(try await storedEvents(of: elsewhere, on: connection)) { released, stored in released + stored }
            keys.merge(try await heldKeys(elsewhere.filter { keys[$0] == nil })) { held, _ in held }
        }
        return ViewSources(patients: patients, events: events, keys: keys)
    }

    /// The de-identified view tables, each with a `patient` column.
    static let viewTables = ["patients", "pain_scores", "trigger_points", "techniques", "visits", "conflicts", "adverse_events", "outcome_scores"]

    /// Replaces the view rows of `patients` with those of `records` (the registered ones).
    func replaceViews(of patients: [PatientID], with records: [PatientRecord], on connection: HubConnection) async throws {
        guard !patients.isEmpty else { return }
        let ids = patients.map(\.rawValue)
        for table in Self.viewTables {
            try await connection.queryOrClosed("DELETE FROM myolog.\(unescaped: table) WHERE patient = ANY(\(ids))", logger: logger)
        }
        guard !records.isEmpty else { return }
        var rows = ViewRows()
        for record in records { rows.add(record) }
        try await rows.insert(on: connection, logger: logger)
    }

    // MARK: Reading

    /// One patient's view (`hub show`), folded from the hub's log, its late entries judged by the
    /// rule and zones the hub holds (as a site judges them); nil when not registered.
    public func show(_ patient: PatientID) async throws -> PatientView? {
        try await withConnection { connection in
            let events = try await storedEvents(of: [patient], on: connection)[patient] ?? []
            let keys = try await usableKeys([patient], on: connection)
            let lateEntries = LateEntryPolicy(storeWide: try await storeWideEvents(LateEntryPolicy.eventTypes, on: connection))
            let record = try PatientFold.fold(patient, events: events.map { SealedPayload.opened($0, key: keys[patient]) }, lateEntries: lateEntries)
            return record.isRegistered ? record.view : nil
        }
    }

    /// The hub's store-wide events of `types` (about no patient: plaintext).
    func storeWideEvents(_ types: Set<String>, on connection: HubConnection) async throws -> [EventEnvelope] {
        var events: [EventEnvelope] = []
        let rows = try await connection.queryOrClosed("""
            SELECT \(unescaped: Self.columns), NULL::text FROM myolog.events e WHERE e.patient IS NULL AND e.type = ANY(\(types.sorted()))
            """, logger: logger)
        for try await row in rows.decode(EventRow.self) { events.append(try Self.envelope(row)) }
        return events
    }

    /// The event that erased `patient` in the hub's log, if one did.
    public func erasure(of patient: PatientID) async throws -> (id: EventID, event: EventEnvelope?)? {
        try await withConnection { connection in
            var id: EventID?
            for try await (event,) in try await connection.queryOrClosed("SELECT event FROM myolog.erased_patients WHERE patient = \(patient.rawValue)", logger: logger)
                .decode((String,).self) { id = EventID(event) }
            guard let id else { return nil }
            let events = try await envelopes("""
                SELECT \(unescaped: Self.columns), NULL::text FROM myolog.event_ids i JOIN myolog.events e ON e.origin = i.origin AND e.sequence = i.sequence
                WHERE i.id = \(id.rawValue)
                """, on: connection)
            return (id, events.first)
        }
    }

    /// The patient a full id or a prefix of 8+ characters names, or nil (none, or several).
    public func resolvePatient(_ reference: String) async throws -> [PatientID] {
        try await withConnection { connection in
            var matches: [PatientID] = []
            // A whole id: through the patient index (one probe per partition). A prefix: among the
            // registered and the erased patients — the ones `hub show` can show or refuse — never by
            // a scan of the log (LIKE cannot use the index under the database's collation).
            let query: PostgresQuery
            if let id = PatientID(reference.lowercased()) {
                query = "SELECT patient FROM myolog.events WHERE patient = \(id.rawValue) LIMIT 1"
            } else {
                let pattern = reference.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
                query = """
                    SELECT patient FROM myolog.patients WHERE patient LIKE \(pattern)
                    UNION SELECT patient FROM myolog.erased_patients WHERE patient LIKE \(pattern) ORDER BY 1 LIMIT 4
                    """
            }
            for try await (patient,) in try await connection.queryOrClosed(query, logger: logger).decode((String,).self) {
                if let id = PatientID(patient) { matches.append(id) }
            }
            return matches
        }
    }

    /// Every registered patient, as `myolog patients` lists them (by name, ASCII case folded as
    /// SQLite's NOCASE does, then id): the ids from `myolog.patients`, the names and dates of
    /// birth opened from the sealed events on demand (PostgreSQL holds neither).
    public func patients() async throws -> [PatientListing] {
        try await withConnection { connection in
            var ids: [PatientID] = []
            for try await (patient,) in try await connection.queryOrClosed("SELECT patient FROM myolog.patients ORDER BY 1", logger: logger).decode((String,).self) {
                if let id = PatientID(patient) { ids.append(id) }
            }
            var listings: [PatientListing] = []
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                listings += try await records(of: chunk, on: connection).filter(\.isRegistered).map(PatientListing.init(record:))
            }
            func folded(_ name: String) -> [UInt8] { name.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } }
            return listings.sorted { a, b in
                let (x, y) = (folded(a.name), folded(b.name))
                return x != y ? x.lexicographicallyPrecedes(y) : a.patientId < b.patientId
            }
        }
    }

    /// The de-identified `myolog.patients` rows, by patient (what `hub verify` compares with the fold).
    func patientRows(on connection: HubConnection) async throws -> [PatientID: PatientRow] {
        var rows: [PatientID: PatientRow] = [:]
        for try await (patient, birth, lastVisit, pain, active, latent, events) in try await connection.queryOrClosed("""
            SELECT patient, birth_year, to_char(last_visit AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), latest_pain_score,
                   active_trigger_points, latent_trigger_points, event_count FROM myolog.patients
            """, logger: logger).decode((String, Int?, String?, Int?, Int, Int, Int).self) {
            guard let id = PatientID(patient) else { continue }
            rows[id] = PatientRow(birthYear: birth, lastVisit: lastVisit.flatMap(Timestamp.init(rfc3339:)), latestPainScore: pain,
                                  activeTriggerPoints: active, latentTriggerPoints: latent, eventCount: events)
        }
        return rows
    }
}

extension Hub {
    /// Adverse events per technique across the chain (or per site with `bySite`), from the
    /// de-identified views: techniques applied, the patients they were for, the adverse events
    /// that followed them by severity. Ordered by technique (retracted techniques last), then site.
    public func adverseEventRates(bySite: Bool = false) async throws -> [AdverseEventRate] {
        try await withConnection { connection in
            // Each row's site is its technique entry's origin's site; an adverse event is counted
            // where the technique it followed was applied, wherever it was recorded. (A FULL JOIN
            // needs an equality PostgreSQL can hash: NULLs are compared as ''.)
            let site = bySite ? "n.site" : "NULL::text"
            var rates: [AdverseEventRate] = []
            let rows = try await connection.queryOrClosed(PostgresQuery(unsafeSQL: """
                WITH applied AS (
                    SELECT t.technique, \(site) AS site, count(*) AS n, count(DISTINCT t.patient) AS patients
                    FROM myolog.techniques t LEFT JOIN myolog.nodes n ON n.id = t.origin GROUP BY 1, 2),
                adverse AS (
                    SELECT a.technique, \(bySite ? "n.site" : "NULL::text") AS site, count(*) AS n,
                        count(*) FILTER (WHERE a.severity = 'mild') AS mild, count(*) FILTER (WHERE a.severity = 'moderate') AS moderate,
                        count(*) FILTER (WHERE a.severity = 'severe') AS severe, count(DISTINCT a.patient) AS patients
                    FROM myolog.adverse_events a LEFT JOIN myolog.techniques t ON t.event = a.after
                    LEFT JOIN myolog.nodes n ON n.id = t.origin GROUP BY 1, 2)
                SELECT coalesce(p.technique, x.technique), coalesce(p.site, x.site), coalesce(p.n, 0), coalesce(p.patients, x.patients),
                    coalesce(x.n, 0), coalesce(x.mild, 0), coalesce(x.moderate, 0), coalesce(x.severe, 0)
                FROM applied p FULL JOIN adverse x ON coalesce(p.technique, '') = coalesce(x.technique, '') AND coalesce(p.site, '') = coalesce(x.site, '')
                ORDER BY 1 NULLS LAST, 2 NULLS LAST
                """), logger: logger)
            for try await (technique, site, applied, patients, adverse, mild, moderate, severe) in rows.decode((String?, String?, Int, Int, Int, Int, Int, Int).self) {
                rates.append(AdverseEventRate(technique: technique, site: site, applications: applied, patients: patients, adverseEvents: adverse,
                                              mild: mild, moderate: moderate, severe: severe))
            }
            return rates
        }
    }
}
