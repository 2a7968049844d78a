import ClinicalEvents
import Crypto
import EventLog
import Foundation
import PostgresNIO
import Projections

/// The hub's patient views: folded by ``PatientFold`` — the fold every store uses, so the hub
/// shows what a site shows — and kept as de-identified relational tables (`myolog.patients`,
/// `pain_scores`, `trigger_points`, `techniques`, `visits`, `conflicts`) for SQL and BI tools.
///
/// Guarantee: no identifying plaintext is written to PostgreSQL — no name, phone, e-mail,
/// address, date of birth (its year only) or free text (visit reasons, notes, history, the
/// values of conflicting fields); the tables hold patient ids, birth years, counts, scores,
/// vocabulary terms and dates. `hub show` and `hub patients` open the sealed events on demand
/// with the keys in the hub's store directory.
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
            try PatientFold.fold(patient, events: (events[patient] ?? []).map { WrappedPatientKey.opened($0, key: keys[patient]) })
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

    /// Replaces the view rows of `patients` with those of `records` (the registered ones).
    func replaceViews(of patients: [PatientID], with records: [PatientRecord], on connection: HubConnection) async throws {
        guard !patients.isEmpty else { return }
        let ids = patients.map(\.rawValue)
        for table in ["patients", "pain_scores", "trigger_points", "techniques", "visits", "conflicts"] {
            try await connection.queryOrClosed("DELETE FROM myolog.\(unescaped: table) WHERE patient = ANY(\(ids))", logger: logger)
        }
        guard !records.isEmpty else { return }
        var rows = ViewRows()
        for record in records { rows.add(record) }
        try await rows.insert(on: connection, logger: logger)
    }

    // MARK: Reading

    /// One patient's view (`hub show`), folded from the hub's log; nil when not registered.
    public func show(_ patient: PatientID) async throws -> PatientView? {
        try await withConnection { connection in
            let record = try await records(of: [patient], on: connection).first
            return record?.isRegistered == true ? record?.view : nil
        }
    }

    /// The event that erased `patient` in the hub's log, if one did.
    public func erasure(of patient: PatientID) async throws -> (id: EventID, event: EventEnvelope?)? {
        try await withConnection { connection in
            var id: EventID?
            for try await (event,) in try await connection.queryOrClosed("SELECT event FROM myolog.erased_patients WHERE patient = \(patient.rawValue)", logger: logger)
                .decode((String,).self) { id = EventID(event) }
            guard let id else { return nil }
            let events = try await envelopes("SELECT \(unescaped: Self.columns), NULL::text FROM myolog.events e WHERE e.id = \(id.rawValue)", on: connection)
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

/// One de-identified `myolog.patients` row (the patient's id aside).
struct PatientRow: Equatable {
    var birthYear: Int?
    var lastVisit: Timestamp?
    var latestPainScore: Int?
    var activeTriggerPoints: Int
    var latentTriggerPoints: Int
    var eventCount: Int

    /// The row the fold of `record` makes (last visit at the millisecond precision read back).
    init(record: PatientRecord) {
        let listing = PatientListing(record: record)
        self.init(birthYear: ViewRows.birthYear(record.details.dateOfBirth), lastVisit: listing.lastVisit, latestPainScore: listing.latestPainScore,
                  activeTriggerPoints: listing.activeTriggerPoints, latentTriggerPoints: listing.latentTriggerPoints, eventCount: record.eventCount)
    }

    init(birthYear: Int?, lastVisit: Timestamp?, latestPainScore: Int?, activeTriggerPoints: Int, latentTriggerPoints: Int, eventCount: Int) {
        (self.birthYear, self.lastVisit, self.latestPainScore) = (birthYear, lastVisit, latestPainScore)
        (self.activeTriggerPoints, self.latentTriggerPoints, self.eventCount) = (activeTriggerPoints, latentTriggerPoints, eventCount)
    }
}

/// The events and keys the views of a batch's patients are folded from.
struct ViewSources: Sendable {
    var patients: [PatientID]
    var events: [PatientID: [EventEnvelope]]
    var keys: [PatientID: SymmetricKey]

    /// The registered patients' records: CPU work only, so it can run while the batch's rows travel.
    func registeredRecords() throws -> [PatientRecord] {
        try Hub.records(of: patients, events: events, keys: keys).filter(\.isRegistered)
    }
}

/// The view tables' rows of a set of records, as columns: one multi-row insert per table.
struct ViewRows {
    var patients: (id: [String], birthYear: [Int], lastVisit: [String], pain: [Int], active: [Int], latent: [Int], events: [Int]) = ([], [], [], [], [], [], [])
    var pain: (patient: [String], event: [String], origin: [String], at: [String], score: [Int], region: [String], context: [String], visit: [String]) = ([], [], [], [], [], [], [], [])
    var triggers: (patient: [String], event: [String], origin: [String], at: [String], muscle: [String], side: [String], status: [String], resolved: [Bool], referral: [String], visit: [String]) = ([], [], [], [], [], [], [], [], [], [])
    var techniques: (patient: [String], event: [String], origin: [String], at: [String], technique: [String], region: [String], minutes: [Int], visit: [String]) = ([], [], [], [], [], [], [], [])
    var visits: (patient: [String], event: [String], origin: [String], at: [String], ended: [Bool]) = ([], [], [], [], [])
    var conflicts: (patient: [String], field: [String], writes: [Int]) = ([], [], [])

    /// The year of a date of birth (`YYYY-MM-DD`), or nil: all the hub's views keep of it.
    static func birthYear(_ dateOfBirth: String?) -> Int? { dateOfBirth.flatMap { Int($0.prefix(4)) } }

    mutating func add(_ record: PatientRecord) {
        let id = record.patient.rawValue
        patients.id.append(id)
        patients.birthYear.append(Self.birthYear(record.details.dateOfBirth) ?? -1)
        patients.lastVisit.append(record.lastVisit?.description ?? "")
        patients.pain.append(record.painScores.last?.view(as: PainScoreRecorded.self)?.payload.score ?? -1)
        patients.active.append(record.activeTriggerPoints.count)
        patients.latent.append(record.latentTriggerPoints.count)
        patients.events.append(record.eventCount)
        for entry in record.painScores {
            guard let view = entry.view(as: PainScoreRecorded.self) else { continue }
            pain.patient.append(id); pain.event.append(entry.event.id.rawValue); pain.origin.append(entry.event.origin.rawValue)
            pain.at.append(entry.event.occurredAt.description); pain.score.append(view.payload.score); pain.region.append(view.payload.region)
            pain.context.append(view.payload.context); pain.visit.append(view.payload.visit?.rawValue ?? "")
        }
        let present = Set((record.activeTriggerPoints + record.latentTriggerPoints).map(\.event.id))
        for entry in record.triggerPoints {
            guard let view = entry.view(as: TriggerPointFound.self) else { continue }
            triggers.patient.append(id); triggers.event.append(entry.event.id.rawValue); triggers.origin.append(entry.event.origin.rawValue)
            triggers.at.append(entry.event.occurredAt.description); triggers.muscle.append(view.payload.muscle); triggers.side.append(view.payload.side)
            triggers.status.append(view.payload.status); triggers.resolved.append(!present.contains(entry.event.id))
            triggers.referral.append(view.payload.referral ?? ""); triggers.visit.append(view.payload.visit?.rawValue ?? "")
        }
        for entry in record.techniques {
            guard let view = entry.view(as: TechniqueApplied.self) else { continue }
            techniques.patient.append(id); techniques.event.append(entry.event.id.rawValue); techniques.origin.append(entry.event.origin.rawValue)
            techniques.at.append(entry.event.occurredAt.description); techniques.technique.append(view.payload.technique)
            techniques.region.append(view.payload.region); techniques.minutes.append(view.payload.minutes ?? -1); techniques.visit.append(view.payload.visit?.rawValue ?? "")
        }
        for entry in record.visits {
            guard let view = entry.view(as: VisitStarted.self) else { continue }
            visits.patient.append(id); visits.event.append(entry.event.id.rawValue); visits.origin.append(entry.event.origin.rawValue)
            visits.at.append(entry.event.occurredAt.description); visits.ended.append(record.endedVisits.contains(entry.event.id))
        }
        for conflict in record.conflicts {
            conflicts.patient.append(id); conflicts.field.append(conflict.field); conflicts.writes.append(conflict.values.count)
        }
    }

    /// Optional columns travel as '' (text) or -1 (numbers) and are stored as NULL.
    func insert(on connection: HubConnection, logger: Logger) async throws {
        let p = patients
        try await connection.queryOrClosed("""
            INSERT INTO myolog.patients (patient, birth_year, registered_by, last_visit, latest_pain_score, active_trigger_points, latent_trigger_points, event_count)
            SELECT i, NULLIF(b, -1), NULL, NULLIF(v, '')::timestamptz, NULLIF(s, -1), a, l, e
            FROM unnest(\(p.id), \(p.birthYear), \(p.lastVisit), \(p.pain), \(p.active), \(p.latent), \(p.events)) AS u(i, b, v, s, a, l, e)
            """, logger: logger)
        if !pain.patient.isEmpty {
            try await connection.queryOrClosed("""
                INSERT INTO myolog.pain_scores (patient, event, origin, occurred_at, score, region, context, visit)
                SELECT p, e, o, t::timestamptz, s, r, c, NULLIF(v, '')
                FROM unnest(\(pain.patient), \(pain.event), \(pain.origin), \(pain.at), \(pain.score), \(pain.region), \(pain.context), \(pain.visit)) AS u(p, e, o, t, s, r, c, v)
                """, logger: logger)
        }
        if !triggers.patient.isEmpty {
            let t = triggers
            try await connection.queryOrClosed("""
                INSERT INTO myolog.trigger_points (patient, event, origin, found_at, muscle, side, status, resolved, referral, visit)
                SELECT p, e, o, f::timestamptz, m, s, st, r, NULLIF(rf, ''), NULLIF(v, '')
                FROM unnest(\(t.patient), \(t.event), \(t.origin), \(t.at), \(t.muscle), \(t.side), \(t.status), \(t.resolved), \(t.referral), \(t.visit)) AS u(p, e, o, f, m, s, st, r, rf, v)
                """, logger: logger)
        }
        if !techniques.patient.isEmpty {
            let t = techniques
            try await connection.queryOrClosed("""
                INSERT INTO myolog.techniques (patient, event, origin, occurred_at, technique, region, minutes, visit)
                SELECT p, e, o, a::timestamptz, t, r, NULLIF(m, -1), NULLIF(v, '')
                FROM unnest(\(t.patient), \(t.event), \(t.origin), \(t.at), \(t.technique), \(t.region), \(t.minutes), \(t.visit)) AS u(p, e, o, a, t, r, m, v)
                """, logger: logger)
        }
        if !visits.patient.isEmpty {
            let v = visits
            try await connection.queryOrClosed("""
                INSERT INTO myolog.visits (patient, event, origin, started_at, ended)
                SELECT p, e, o, a::timestamptz, d FROM unnest(\(v.patient), \(v.event), \(v.origin), \(v.at), \(v.ended)) AS u(p, e, o, a, d)
                """, logger: logger)
        }
        if !conflicts.patient.isEmpty {
            let c = conflicts
            try await connection.queryOrClosed("""
                INSERT INTO myolog.conflicts (patient, field, writes)
                SELECT p, f, w FROM unnest(\(c.patient), \(c.field), \(c.writes)) AS u(p, f, w)
                """, logger: logger)
        }
    }
}
