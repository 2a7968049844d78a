import ClinicalEvents
import EventModel
import PostgresNIO

extension Hub {
    /// Folds again the views of every patient with an answer set when this Myolog knows an
    /// instrument version the outcome rows were not folded knowing (`myolog.outcome_instruments`):
    /// a site on a newer Myolog recorded answers to a version this hub learnt only by its own
    /// upgrade, and their rows must appear without waiting for that patient's next event. One
    /// transaction under the writers' lock taken exclusively, as a migration; nothing to do (one
    /// query) when no version is new.
    func refoldForNewInstruments(on connection: HubConnection) async throws {
        guard try await !newInstruments(on: connection).isEmpty else { return }
        try await transaction(on: connection) {
            try await connection.queryOrClosed("SELECT pg_advisory_xact_lock(\(Self.writerLock))", logger: self.logger)
            // Read again under the lock: another process may have folded them meanwhile.
            let new = try await self.newInstruments(on: connection)
            guard !new.isEmpty else { return }
            var patients: [PatientID] = []
            // Event types are stored in the clear (payloads are sealed): no key is needed to find them.
            for try await (patient,) in try await connection.queryOrClosed(
                "SELECT DISTINCT patient FROM myolog.events WHERE type = \(OutcomeRecorded.eventType) AND patient IS NOT NULL ORDER BY 1", logger: self.logger
            ).decode((String,).self) {
                if let id = PatientID(patient) { patients.append(id) }
            }
            for chunk in stride(from: 0, to: patients.count, by: 500).map({ Array(patients[$0..<min($0 + 500, patients.count)]) }) {
                try await self.replaceViews(of: chunk, with: try await self.records(of: chunk, on: connection).filter(\.isRegistered), on: connection)
            }
            try await self.recordFoldedInstruments(new, on: connection)
        }
    }

    /// The instrument versions this Myolog knows that the outcome rows were not folded knowing.
    /// Versions listed that this Myolog does not know (a newer one ran here, then this older one:
    /// its refolds drop their rows) are struck from the list, so that the newer one, run again,
    /// refolds at its open instead of failing `hub verify` until each patient's next event.
    func newInstruments(on connection: HubConnection) async throws -> [Instrument] {
        var folded: [(instrument: String, version: Int)] = []
        for try await (instrument, version) in try await connection.queryOrClosed("SELECT instrument, version FROM myolog.outcome_instruments", logger: logger)
            .decode((String, Int).self) { folded.append((instrument, version)) }
        let unknown = folded.filter { Instruments.instrument($0.instrument, version: $0.version) == nil }
        if !unknown.isEmpty {
            try await connection.queryOrClosed("""
                DELETE FROM myolog.outcome_instruments WHERE (instrument, version) IN (SELECT * FROM unnest(\(unknown.map(\.instrument)), \(unknown.map(\.version))))
                """, logger: logger)
        }
        let references = Set(folded.map { "\($0.instrument) v\($0.version)" })
        return Instruments.all.filter { !references.contains($0.reference) }
    }

    /// Records that the outcome rows are folded knowing `instruments`.
    func recordFoldedInstruments(_ instruments: [Instrument], on connection: HubConnection) async throws {
        guard !instruments.isEmpty else { return }
        try await connection.queryOrClosed("""
            INSERT INTO myolog.outcome_instruments (instrument, version) SELECT * FROM unnest(\(instruments.map(\.id)), \(instruments.map(\.version)))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
