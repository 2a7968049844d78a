import ClinicalEvents
import ClinicalLog
import Crypto
@testable import EventLog
@testable import EventModel
import Foundation
import GRDB
import ClinicalFold
@testable import Projections
import Testing
import MyologTestSupport

/// The views a store keeps by applying each transaction's events (in place where they sort last,
/// re-folding a patient where they arrive late) equal the views a rebuild folds from the whole
/// log, row for row, and `show --json` read from the rows equals the fold's document — for
/// random multi-site histories delivered in random orders and random batches.
@Suite("Views applied in place equal a rebuild")
struct InPlaceViewTests {
    /// A log database with the projection's tables, holding no event yet.
    func makeDatabase(nodes: [SimulatedClinic.Node]) throws -> DatabaseQueue {
        let database = try DatabaseQueue()
        try StoreSchema.migrator.migrate(database)
        try database.write { db in
            for node in nodes {
                try db.execute(sql: "INSERT INTO nodes (id, site, publicKey, isLocal) VALUES (?, ?, ?, 0)", arguments: [node.id.rawValue, "Site", Data([1])])
            }
            try PatientProjection().create(in: db)
        }
        return database
    }

    /// Stores `events` as rows of the log (their hashes are not checked here: the fold reads
    /// neither hashes nor signatures) and applies them to the views, in one transaction.
    func deliver(_ events: [EventEnvelope], keys: [PatientID: SymmetricKey], to database: DatabaseQueue) throws -> (inPlace: Int, refolded: Int) {
        try database.write { db in
            let ring = PatientKeyRing(db: db, storeKey: SimulatedClinic.storeKey)
            for event in events {
                if let patient = event.patient, try ring.key(for: patient) == nil { try ring.store(keys[patient]!, for: patient) }
                try db.execute(sql: """
                    INSERT INTO events (id, origin, sequence, clock, lamport, recordedAt, occurredAt, author, authorRole, patient, type, schemaVersion, payload, prevHash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [event.id.rawValue, event.origin.rawValue, event.sequence, event.clock.description, event.lamport,
                                     event.recordedAt.description, event.occurredAt.description, event.author, event.authorRole, event.patient?.rawValue,
                                     event.type, event.schemaVersion, event.payload, event.prevHash?.rawValue, event.hash.rawValue])
            }
            return try PatientProjection().applyCounting(events, in: ProjectionTransaction(db: db, storeKey: SimulatedClinic.storeKey))
        }
    }

    func dump(_ database: DatabaseQueue) throws -> [String] {
        try database.read { db in
            try PatientProjection.tables.flatMap { table in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2").map { "\(table) \($0)" } }
        }
    }

    @Test("random histories, random arrival orders and batches: in place == rebuild, and show from the rows == the fold (seeded)", arguments: 0..<40)
    func inPlaceEqualsRebuild(seed: UInt64) throws {
        var clinic = SimulatedClinic(nodes: 2 + Int(seed % 3), seed: seed)
        clinic.run(steps: 60 + Int(seed % 5) * 30, patients: 1 + Int(seed % 4))
        let events = clinic.allEvents
        let order = seed % 4 == 0 ? events.sorted(by: CausalOrder.precedes) : clinic.arrivalOrder(events)
        let database = try makeDatabase(nodes: clinic.nodes)
        var totals = (inPlace: 0, refolded: 0)
        var start = 0
        while start < order.count {
            let end = min(order.count, start + 1 + Int(clinic.rng.next() % 6))
            let counts = try deliver(Array(order[start..<end]), keys: clinic.patientKeys, to: database)
            (totals.inPlace, totals.refolded) = (totals.inPlace + counts.inPlace, totals.refolded + counts.refolded)
            start = end
        }
        #expect(totals.inPlace > 0, "seed \(seed): nothing was applied in place")
        let applied = try dump(database)
        #expect(applied.contains { $0.hasPrefix("patient_summary") })
        try database.write { db in
            try PatientProjection().drop(in: db)
            try PatientProjection().create(in: db)
            try PatientProjection().rebuild(in: ProjectionTransaction(db: db, storeKey: SimulatedClinic.storeKey))
        }
        let rebuilt = try dump(database)
        let onlyApplied = Set(applied).subtracting(rebuilt).sorted(), onlyRebuilt = Set(rebuilt).subtracting(applied).sorted()
        #expect(onlyApplied.isEmpty && onlyRebuilt.isEmpty, "seed \(seed): views applied in place differ from a rebuild: \(onlyApplied) vs \(onlyRebuilt)")
        try database.read { db in
            let reader = EventReader(db: db, storeKey: SimulatedClinic.storeKey)
            let listed = try PatientViews(reader).patients()
            for patient in Set(events.compactMap(\.patient)) {
                let folded = try PatientFold.fold(patient, events: reader.events(patient: patient), lateEntries: LateEntryPolicy(reader))
                // The list's co-signature column from the rows equals the fold's count.
                if folded.isRegistered {
                    #expect(listed.first { $0.patientId == patient }?.awaitingCoSignature == folded.awaitingCoSignature.count, "seed \(seed): awaiting co-signature differs")
                }
                let stored = try PatientViews(reader).show(patient)
                #expect(stored == (folded.isRegistered ? folded.view : nil), "seed \(seed): show from the rows differs from the fold")
                #expect(try stored.map(CanonicalEncoder().string) == (folded.isRegistered ? CanonicalEncoder().string(folded.view) : nil), "seed \(seed): show --json differs")
            }
        }
    }

    @Test("late arrivals re-fold; events delivered in causal order are mostly applied in place")
    func bothPathsRun() throws {
        var shuffled = (inPlace: 0, refolded: 0), ordered = (inPlace: 0, refolded: 0)
        for seed in UInt64(0)..<8 {
            var clinic = SimulatedClinic(nodes: 3, seed: seed)
            clinic.run(steps: 90, patients: 2)
            let (first, second) = (try makeDatabase(nodes: clinic.nodes), try makeDatabase(nodes: clinic.nodes))
            for event in clinic.arrivalOrder(clinic.allEvents) {
                let counts = try deliver([event], keys: clinic.patientKeys, to: first)
                (shuffled.inPlace, shuffled.refolded) = (shuffled.inPlace + counts.inPlace, shuffled.refolded + counts.refolded)
            }
            for event in clinic.allEvents.sorted(by: CausalOrder.precedes) {
                let counts = try deliver([event], keys: clinic.patientKeys, to: second)
                (ordered.inPlace, ordered.refolded) = (ordered.inPlace + counts.inPlace, ordered.refolded + counts.refolded)
            }
            #expect(try dump(first) == dump(second), "seed \(seed)")
        }
        #expect(shuffled.inPlace > 0 && shuffled.refolded > 0, "\(shuffled)")
        // In causal order only registrations, changes of details and retractions of a visit's end
        // or a resolution re-fold (the simulated clinic changes details often).
        #expect(ordered.inPlace > ordered.refolded, "\(ordered)")
        #expect(shuffled.refolded > ordered.refolded, "late arrivals re-fold: \(shuffled) vs \(ordered)")
    }

    @Test("a clinic's own entry, and its correction, change one row and the summary, not the patient's other rows")
    func ownWriteInPlace() throws {
        let scratch = TemporaryDirectory("inplace")
        let directory = scratch.url("store")
        let store = try EventStore.create(at: directory, site: "Fitzroy", projections: [PatientProjection()])
        let record = ClinicalRecord(store: store)
        let patient = try record.write { try $0.register(.init(name: "Mia", dateOfBirth: "1988-04-12"), author: "jo") }.patient!.rawValue
        for score in 0..<5 { try record.write { try $0.recordPain(IDReference(patient), score: PainScore(score)!, region: "neck", author: "alex") } }
        // A trigger of the test's own counts what a write deletes from the entry tables.
        let database = try DatabaseQueue(path: directory.appendingPathComponent(EventStore.databaseFileName).path)
        try database.write { db in
            try db.execute(sql: "CREATE TABLE deleted_rows (event TEXT NOT NULL)")
            try db.execute(sql: "CREATE TRIGGER count_deletions AFTER DELETE ON pain_scores BEGIN INSERT INTO deleted_rows VALUES (OLD.event); END")
        }
        try record.write { try $0.recordPain(IDReference(patient), score: 7, region: "neck", author: "alex") }
        #expect(try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM deleted_rows") } == 0)
        #expect(try store.read { try Int.fetchOne($0.database, sql: "SELECT count(*) FROM pain_scores") } == 6)
        // A correction rewrites its target's row, and only that row.
        let before = try store.read { try Row.fetchAll($0.database, sql: "SELECT * FROM pain_scores ORDER BY event") }
        let first = try store.read { try String.fetchOne($0.database, sql: "SELECT event FROM pain_scores ORDER BY occurredAt LIMIT 1") }!
        let correction = try record.write { try $0.correct(IDReference(first), fields: ["region": "shoulder"], reason: "wrong region", author: "alex") }
        #expect(try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM deleted_rows") } == 0)
        let after = try store.read { try Row.fetchAll($0.database, sql: "SELECT * FROM pain_scores ORDER BY event") }
        #expect(zip(before, after).filter { $0 != $1 }.map { $1["event"] as String } == [first])
        let corrected = try #require(after.first { $0["event"] == first })
        #expect(corrected["region"] == "shoulder")
        #expect(corrected["correctedBy"] == "[\"\(correction.id.rawValue)\"]")
        let latest = try store.read { try Int.fetchOne($0.database, sql: "SELECT latestPainScore FROM patient_summary") }
        #expect(latest == 7)
    }
}
