@testable import EventLog
@testable import EventModel
import GRDB
import Testing
import MyologTestSupport

/// The hot reads must seek an index, never scan the log: their cost may not grow with the log.
@Suite("Query plans")
struct QueryPlanTests {
    let directory = TemporaryDirectory()

    @Test("patient reads, lookups, clock and append state use indexes, never a scan of events")
    func noScans() throws {
        let store = try EventStore.create(at: directory.url("store"), site: "Plans")
        let patient = PatientID.make()
        let appended = try store.append((0..<10).map { NewEvent(type: "Note", schemaVersion: 1, patient: patient, payload: ["n": .int($0), "target": "x"]) }, author: "alex")
        var statements: [String] = []
        try store.database.read { db in
            db.trace(options: .statement) { statements.append($0.expandedDescription) }
            let reader = EventReader(db: db, storeKey: store.identity.storeKey)
            _ = try reader.events(patient: patient)
            _ = try reader.events(patient: patient, types: ["Note"])
            _ = try reader.patientIDs(withPrefix: try IDReference(String(patient.rawValue.prefix(8))))
            _ = try reader.patientIDs(withPrefix: try IDReference(patient.rawValue))
            _ = try reader.resolveEvent(try IDReference(appended[3].id.rawValue))
            _ = try reader.resolveEvent(try IDReference(String(appended[3].id.rawValue.prefix(20))))
            _ = try reader.events(patient: patient, type: "Note", payloadMember: "target", equals: "x")
            _ = try reader.clock()
            _ = try reader.maximumLamport()
            _ = try reader.head(of: store.identity.nodeID)
            db.trace(options: .statement, nil)
            #expect(statements.count >= 10)
            for sql in statements where sql.contains("events") {
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: " | ")
                #expect(!plan.contains("SCAN events"), "\(sql) → \(plan)")
                #expect(plan.contains("USING"), "\(sql) → \(plan)")
            }
        }
    }
}
