import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel
import EventSync
import Foundation
import GRDB
@testable import Projections
import Testing
import MyologTestSupport

/// A received batch is folded once per patient (``PatientProjection``, two patients at a time):
/// the views it leaves must be the bytes that one event at a time leaves, and a rebuild.
@Suite("Views folded once per patient per batch")
struct BatchFoldTests {
    @Test("a batch mixing patients held with new ones, a correction, a retraction and an erasure folds to the bytes of one batch per event, of the writer, and of a rebuild")
    func batchEqualsOneByOne() async throws {
        let directory = TemporaryDirectory("batch-fold")
        let source = try EventStore.create(at: directory.url("source"), site: "Source", projections: [PatientProjection()])
        let batched = try EventStore.create(at: directory.url("batched"), site: "Batched", projections: [PatientProjection()])
        let single = try EventStore.create(at: directory.url("single"), site: "Single", projections: [PatientProjection()])
        let stores = [source, batched, single]
        for store in stores {
            try store.write { tx in
                for other in stores where other !== store { try tx.trustPeer(other.identity.nodeID, name: other.identity.site, author: "test") }
            }
        }
        let record = ClinicalRecord(store: source)
        func register(_ name: String) throws -> IDReference {
            IDReference(try record.write { try $0.register(.init(name: name, dateOfBirth: "1980-01-02", phone: "0400 000 000"), newPatient: true, author: "a") }.patient!)
        }
        // Held by `batched` before the mixed batch: three patients, with entries.
        let (mia, liam, ruth) = (try register("Mia"), try register("Liam"), try register("Ruth"))
        let pain = try record.write { try $0.recordPain(mia, score: PainScore(6), region: "neck", context: "pre", author: "a") }
        let point = try record.write { try $0.recordTriggerPoint(mia, muscle: "QL", side: "left", author: "a") }
        _ = try record.write { try $0.recordPain(liam, score: PainScore(3), region: "neck", author: "a") }
        _ = try record.write { try $0.recordTriggerPoint(ruth, muscle: "QL", side: "right", author: "a") }
        _ = try await LogExchange.sync(batched, with: source, batchSize: 1000)
        // The mixed batch: a new patient, entries of held ones, a correction, a retraction, an erasure.
        let ann = try register("Ann")
        _ = try record.write { try $0.recordPain(ann, score: PainScore(2), region: "neck", author: "a") }
        _ = try record.write { try $0.correct(IDReference(pain.id), fields: ["score": "4"], reason: "re-rated", author: "a") }
        _ = try record.write { try $0.retract(IDReference(point.id), reason: "wrong side", author: "a") }
        _ = try record.write { try $0.recordPain(liam, score: PainScore(5), region: "neck", context: "post", author: "a") }
        _ = try record.write { try $0.updatePatient(liam, changes: ["phone": "0411 000 000"], author: "a") }
        _ = try record.write { try $0.recordTriggerPoint(mia, muscle: "QL", side: "right", author: "a") }
        _ = try record.write { try $0.erase(ruth, basis: .request, reason: "asked", author: "a") }
        let mixed = try await LogExchange.sync(batched, with: source, batchSize: 1000, directions: .pull)
        #expect(mixed.received.values.reduce(0, +) >= 8)
        // One commit (one event) per batch.
        _ = try await LogExchange.sync(single, with: source, batchSize: 1, directions: .pull)

        let written = try dump(source)
        #expect(written.contains { $0.hasPrefix("patient_summary") && $0.contains("Ann") })
        #expect(!written.contains { $0.contains("Ruth") }, "the erased patient has no rows")
        #expect(try dump(batched) == written)
        #expect(try dump(single) == written)
        #expect(try shown(batched) == shown(single))
        try batched.rebuildProjections()
        #expect(try dump(batched) == written)
    }

    func dump(_ store: EventStore) throws -> [String] {
        try store.read { reader in
            try PatientProjection.tables.flatMap { table in
                try Row.fetchAll(reader.database, sql: "SELECT * FROM \(table) ORDER BY 1, 2").map { "\(table) \($0)" }
            }
        }
    }

    func shown(_ store: EventStore) throws -> [String] {
        try store.read { reader in
            let views = PatientViews(reader)
            return try String.fetchAll(reader.database, sql: "SELECT patient FROM patient_summary ORDER BY patient")
                .map { try views.show(PatientID($0)!).map(CanonicalEncoder().string) ?? "missing" }
        }
    }
}
