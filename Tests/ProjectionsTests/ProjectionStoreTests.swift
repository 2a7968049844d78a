import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation
import GRDB
import EventModel

import ClinicalFold
@testable import Projections
import Testing
import MyologTestSupport

@Suite("Patient projection in the store")
struct ProjectionStoreTests {
    let scratch = TemporaryDirectory("projection")
    var directory: URL { scratch.url("store") }

    func makeStore() throws -> EventStore {
        try EventStore.create(at: directory, site: "Fitzroy", projections: [PatientProjection()])
    }

    /// Every row of every projection table, in a fixed order.
    func dump(_ store: EventStore) throws -> [String] {
        try store.read { reader in
            try PatientProjection.tables.flatMap { table in
                try Row.fetchAll(reader.database, sql: "SELECT * FROM \(table) ORDER BY 1, 2").map { "\(table) \($0)" }
            }
        }
    }

    @Test("incremental views equal a rebuild byte for byte, after random clinical work (seeded)", arguments: 0..<8)
    func incrementalEqualsRebuild(seed: UInt64) throws {
        let store = try makeStore()
        let record = ClinicalRecord(store: store)
        try SyntheticClinic(patients: 6, eventsPerPatient: 30 + Int(seed) * 7, seed: seed).generate(into: record)
        // Amend across patients after the fact, as real clinics do.
        var rng = SplitMix64(seed: seed)
        let entries = try store.read { reader -> [EventEnvelope] in
            var found: [EventEnvelope] = []
            try reader.forEachEvent(types: [PainScoreRecorded.eventType, TechniqueApplied.eventType]) { found.append($0) }
            return found
        }
        var retractions: [String: String] = [:]  // entry → the retraction that stands
        for _ in 0..<5 {
            let target = entries[Int(rng.next() % UInt64(entries.count))]
            let retract = { try record.write { try $0.retract(IDReference(target.id), reason: "entered twice", author: "audit") } }
            if let earlier = retractions[target.id.rawValue] {
                // The same entry drawn twice: refused, naming the retraction that stands; anything else fails the test.
                #expect(throws: ClinicalError.alreadyRetracted(event: target.id.rawValue, by: earlier)) { try retract() }
            } else {
                retractions[target.id.rawValue] = try retract().id.rawValue
            }
        }
        let incremental = try dump(store)
        #expect(incremental.contains { $0.hasPrefix("patient_summary") })
        try store.rebuildProjections()
        #expect(try dump(store) == incremental)
    }

    @Test("show --json equals the fold of the patient's events")
    func storedViewEqualsFold() throws {
        let store = try makeStore()
        let summary = try DemoClinic.populate(ClinicalRecord(store: store))
        try store.read { reader in
            for (patient, _) in summary.patients {
                let stored = try PatientViews(reader).show(patient)
                let folded = try PatientFold.fold(patient, events: reader.events(patient: patient)).view
                #expect(stored == folded)
                #expect(try CanonicalEncoder().string(stored) == CanonicalEncoder().string(folded))
            }
        }
    }

    @Test("a store whose projection version differs rebuilds on open, and says so")
    func rebuildOnVersionChange() throws {
        let store = try makeStore()
        _ = try DemoClinic.populate(ClinicalRecord(store: store))
        let before = try dump(store)
        let raw = try DatabaseQueue(path: directory.appendingPathComponent(EventStore.databaseFileName).path)
        try raw.write { db in
            try db.execute(sql: "UPDATE projection_versions SET version = 0")
            try db.execute(sql: "DELETE FROM pain_scores")
        }
        let reopened = try EventStore.open(at: directory, projections: [PatientProjection()])
        #expect(reopened.rebuiltOnOpen == ["patients"])
        #expect(try dump(reopened) == before)
        let again = try EventStore.open(at: directory, projections: [PatientProjection()])
        #expect(again.rebuiltOnOpen.isEmpty)
    }

    @Test("a refused write leaves the views as they were")
    func refusedWrite() throws {
        let store = try makeStore()
        let record = ClinicalRecord(store: store)
        let patient = try record.write { try $0.register(.init(name: "Mia", dateOfBirth: "1988-04-12"), author: "jo") }.patient!
        let before = try dump(store)
        #expect(throws: (any Error).self) {
            try record.write { s in
                try s.recordPain(IDReference(patient), score: 4, region: "neck", author: "alex")
                try s.recordPain(IDReference(patient), score: try PainScore("44"), region: "neck", author: "alex")
            }
        }
        #expect(try dump(store) == before)
    }
}
