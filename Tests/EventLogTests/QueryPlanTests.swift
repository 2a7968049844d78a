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

    @Test("each index on events serves a read that needs it, and the log has no other index: each costs every append")
    func everyIndexServes() throws {
        let store = try EventStore.create(at: directory.url("indexes"), site: "Indexes")
        let patient = PatientID.make()
        let appended = try store.append((0..<10).map { NewEvent(type: "Note", schemaVersion: 1, patient: patient, payload: ["n": .int($0)]) }, author: "alex")
        let nodeID = store.identity.nodeID, id = appended[3].id
        try store.database.read { db in
            let reader = EventReader(db: db, storeKey: store.identity.storeKey)
            /// The plans of the statements `read` runs on events.
            func plans(_ read: () throws -> Void) throws -> [String] {
                var statements: [String] = []
                db.trace(options: .statement) { statements.append($0.expandedDescription) }
                try read()
                db.trace(options: .statement, nil)
                return try statements.filter { $0.contains("events") }.map { sql in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: " | ")
                }
            }
            // The index each read must use (sqlite_autoindex_events_1 is UNIQUE (id), _2 UNIQUE (origin, sequence)).
            let used = [
                "events_by_patient": try plans { _ = try reader.events(patient: patient, types: ["Note"]) },
                "sqlite_autoindex_events_1": try plans { _ = try reader.event(id) },
                "sqlite_autoindex_events_2": try plans { _ = try reader.head(of: nodeID) },
                "events_causal_order": try plans { _ = try reader.maximumLamport() },
                "events_store_wide": try plans { try reader.forEachStoreWideEvent(types: ["SiteTimeZoneSet"]) { _ in } },
            ]
            for (index, plans) in used {
                #expect(plans.contains { $0.split(separator: " ").contains(Substring(index)) }, "\(index): \(plans)")
            }
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")
            #expect(Set(indexes) == Set(used.keys), "an index on events no read above needs: \(indexes)")
        }
    }
}
