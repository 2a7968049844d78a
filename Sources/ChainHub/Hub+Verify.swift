import Foundation
import PostgresNIO
import EventModel
import EventSync

extension Hub {
    /// Checks, against PostgreSQL, what `verify` checks of a store: every origin's chain (no gap,
    /// links, hashes, clocks, enrolment, every event covered by a valid signature — the same
    /// ``ChainCheck/Walk``), that `chain_heads` names each chain's last event, that `event_ids` names
    /// exactly the stored events, and that the
    /// `patients` and `outcome_scores` views equal a fold of the log, that `keyless_patients` agrees with the keys held in
    /// the store directory, and that no erased patient's key is held there. Throws the first ``EventProblem`` or
    /// ``HubError`` found.
    public func verify() async throws -> HubVerification {
        try await withConnection { connection in
            var keys: [NodeID: Data] = [:]
            for try await (id, key) in try await connection.queryOrClosed("SELECT id, public_key FROM myolog.nodes", logger: logger).decode((String, Data).self) {
                if let node = NodeID(id) { keys[node] = key }
            }
            let heads = try await heads(on: connection)
            var walk = ChainCheck.Walk(directory: UserDirectory(events: try await userEvents(on: connection)))
            var lastOfOrigin: [NodeID: ChainHead] = [:]
            let rows = try await connection.queryOrClosed("""
                SELECT \(unescaped: Self.columns), s.signature FROM myolog.events e
                LEFT JOIN myolog.chain_signatures s ON s.origin = e.origin AND s.sequence = e.sequence ORDER BY e.origin, e.sequence
                """, logger: logger)
            for try await row in rows.decode(EventRow.self) {
                let event = try Self.envelope(row)
                try walk.check(event) { keys[$0] }
                lastOfOrigin[event.origin] = ChainHead(sequence: event.sequence, hash: event.hash)
            }
            var result = HubVerification(chains: try walk.finish())
            guard lastOfOrigin == heads else {
                let origin = Set(lastOfOrigin.keys).union(heads.keys).sorted().first { lastOfOrigin[$0] != heads[$0] }!
                throw HubError.server("chain_heads does not name the last event of origin \(origin) (table: \(heads[origin].map { "\($0.sequence)" } ?? "none"), log: \(lastOfOrigin[origin].map { "\($0.sequence)" } ?? "none"))")
            }
            // `event_ids` names exactly the stored events (its primary key is the hub's refusal of
            // a reused id): each event has its row, and there are no others.
            for try await (missing, events, ids) in try await connection.queryOrClosed("""
                SELECT (SELECT count(*) FROM myolog.events e WHERE NOT EXISTS (
                    SELECT 1 FROM myolog.event_ids i WHERE i.id = e.id AND i.origin = e.origin AND i.sequence = e.sequence))::bigint,
                    (SELECT count(*) FROM myolog.events)::bigint, (SELECT count(*) FROM myolog.event_ids)::bigint
                """, logger: logger).decode((Int, Int, Int).self) where missing > 0 || events != ids {
                throw HubError.server("event_ids does not name the stored events (\(missing) events without their id row; \(events) events, \(ids) ids)")
            }
            // The views: every registered patient's de-identified row equals the fold of their events.
            var patients: [PatientID] = []
            for try await (patient,) in try await connection.queryOrClosed("SELECT DISTINCT patient FROM myolog.events WHERE patient IS NOT NULL ORDER BY 1", logger: logger)
                .decode((String,).self) {
                if let id = PatientID(patient) { patients.append(id) }
            }
            var folded: [PatientID: PatientRow] = [:]
            var foldedOutcomes: [EventID: (patient: PatientID, row: OutcomeRow)] = [:]
            for chunk in stride(from: 0, to: patients.count, by: 500).map({ Array(patients[$0..<min($0 + 500, patients.count)]) }) {
                for record in try await records(of: chunk, on: connection) where record.isRegistered {
                    folded[record.patient] = PatientRow(record: record)
                    for row in OutcomeRow.rows(of: record) { foldedOutcomes[row.event] = (record.patient, row) }
                }
            }
            let stored = try await patientRows(on: connection)
            for (patient, row) in folded.sorted(by: { $0.key < $1.key }) where stored[patient] != row {
                throw HubError.server("the patients view of \(patient) differs from the fold of its events")
            }
            guard stored.count == folded.count else { throw HubError.server("the patients view holds \(stored.count) rows; the log folds to \(folded.count) registered patients") }
            // The outcome rows: each answer set's row equals its fold (a row the fold lacks — an
            // erased or retracted one left behind — is a difference too).
            let storedOutcomes = try await outcomeRows(on: connection)
            for event in Set(foldedOutcomes.keys).union(storedOutcomes.keys).sorted() where foldedOutcomes[event]?.patient != storedOutcomes[event]?.patient
                || foldedOutcomes[event]?.row != storedOutcomes[event]?.row {
                throw HubError.server("the outcome_scores row of answer set \(event) differs from the fold of its patient's events")
            }
            result.patientsChecked = folded.count
            // The keyless patients table names exactly the patients held without key (in the store
            // directory's SQLite) and not erased.
            var erased: Set<PatientID> = [], keyless: Set<PatientID> = []
            for try await (patient,) in try await connection.queryOrClosed("SELECT patient FROM myolog.erased_patients", logger: logger).decode((String,).self) {
                if let id = PatientID(patient) { erased.insert(id) }
            }
            for try await (patient,) in try await connection.queryOrClosed("SELECT patient FROM myolog.keyless_patients", logger: logger).decode((String,).self) {
                if let id = PatientID(patient) { keyless.insert(id) }
            }
            let keyed = try store.patientsWithKeptKeys()
            let expected = Set(patients).subtracting(keyed).subtracting(erased)
            if let patient = expected.symmetricDifference(keyless).sorted().first {
                throw HubError.server("keyless_patients disagrees with the log and the keys held about patient \(patient)")
            }
            // No erased patient's key is held (a crash between the two commits is reconciled at open).
            if let patient = keyed.intersection(erased).sorted().first {
                throw HubError.server("the key of erased patient \(patient) is still held in the store directory")
            }
            for try await (count,) in try await connection.queryOrClosed("SELECT count(*)::bigint FROM myolog.quarantined_events", logger: logger).decode((Int,).self) { result.quarantined = count }
            for try await (count,) in try await connection.queryOrClosed("SELECT count(*)::bigint FROM myolog.held_events", logger: logger).decode((Int,).self) { result.heldBack = count }
            return result
        }
    }
}
