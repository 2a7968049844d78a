import AccessAudit
import ClinicalEvents

@testable import EventLog
@testable import EventModel
import FHIRExport
import Foundation
import GRDB
import MyologTestSupport
import Synchronization
import Testing

/// The access log's library: the projection (in step with the log, equal to a rebuild), its
/// indexed filters, the review's rules on a seeded synthetic month with planted anomalies, and
/// the FHIR AuditEvent Bundle validated by an independent implementation.
@Suite("Access audit")
struct AccessAuditTests {
    let directory = TemporaryDirectory()

    /// A store whose clock reads whatever the test last set: accesses happen exactly when planned.
    final class SetClock: Sendable {
        let instant = Mutex(Timestamp(millisecondsSinceEpoch: 0))
        func set(_ value: Timestamp) { instant.withLock { $0 = value } }
        var wallClock: WallClock { WallClock { [self] in instant.withLock { $0 } } }
    }

    static let march = CivilDate(year: 2026, month: 3, day: 1)!

    static func at(day: Int, _ hour: Int, _ minute: Int = 0) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: (march.daysSinceEpoch + Int64(day - 1)) * 86_400_000 + Int64(hour * 3_600_000 + minute * 60_000))
    }

    func store(_ clock: SetClock) throws -> EventStore {
        clock.set(Self.at(day: 1, 6))
        return try EventStore.create(at: directory.url("store-\(UUID().uuidString.prefix(8))"), site: "Fitzroy", projections: [AccessProjection()], wallClock: clock.wallClock)
    }

    func treat(_ patient: PatientID, by user: String, in store: EventStore) throws {
        _ = try store.append([NewEvent(type: "Note", schemaVersion: 1, patient: patient, payload: ["text": "seen"])], author: user)
    }

    func access(_ store: EventStore, _ clock: SetClock, at instant: Timestamp, by user: String, _ access: RecordAccessed) throws {
        clock.set(instant)
        _ = try store.append([access.newEvent], author: user)
    }

    func rows(_ store: EventStore) throws -> [String] {
        try store.read { reader in try Row.fetchAll(reader.database, sql: "SELECT * FROM access_log ORDER BY event, patient").map(\.description) }
    }

    @Test("a seeded month of accesses with five planted anomalies of four kinds: review flags exactly those, each with its evidence", arguments: [UInt64(1), 2, 3])
    func plantedAnomalies(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let clock = SetClock()
        let store = try store(clock)
        let users = ["alice", "bob", "carol"]
        var patients: [String: [PatientID]] = [:]
        for user in users {
            patients[user] = (0..<16).map { _ in PatientID.make() }
            for patient in patients[user]! { try treat(patient, by: user, in: store) }
        }
        // The ordinary month: each user reads 2–4 of their own patients a day, within hours;
        // the front desk reads any patient for payment (not treatment: never "never treated").
        for day in 1...28 {
            for user in users {
                for _ in 0..<(2 + Int(rng.next() % 3)) {
                    // Patients 0–7 only: 7 and 9 are the planted ones.
                    let patient = patients[user]![Int(rng.next() % 7)]
                    try access(store, clock, at: Self.at(day: day, 9 + Int(rng.next() % 8), Int(rng.next() % 60)), by: user,
                               RecordAccessed(action: .read, command: "show", patients: [patient], purpose: .treatment))
                }
            }
            let anyone = patients[users[Int(rng.next() % 3)]]![Int(rng.next() % 7)]
            try access(store, clock, at: Self.at(day: day, 10), by: "frontdesk", RecordAccessed(action: .read, command: "show", patients: [anyone], purpose: .payment))
        }
        // A refused access at night showed nothing: not flagged.
        try access(store, clock, at: Self.at(day: 3, 2), by: "carol",
                   RecordAccessed(action: .read, command: "show", patients: [patients["carol"]![0]], purpose: .treatment, outcome: .refused, detail: "key not received"))
        // Planted: bob reads one of alice's patients for treatment.
        let alices = patients["alice"]![7]
        try access(store, clock, at: Self.at(day: 5, 11), by: "bob", RecordAccessed(action: .read, command: "timeline", patients: [alices], purpose: .treatment))
        // Planted: carol reads her own patient at 23:30.
        try access(store, clock, at: Self.at(day: 12, 23, 30), by: "carol",
                   RecordAccessed(action: .read, command: "show", patients: [patients["carol"]![3]], purpose: .treatment))
        // Planted: alice lists 15 of her patients on day 20 (a query, so one access).
        try access(store, clock, at: Self.at(day: 20, 14), by: "alice",
                   RecordAccessed(action: .query, command: "patients", patients: Array(patients["alice"]!.prefix(15)), purpose: .treatment))
        // Planted: one of bob's patients is erased on day 22; bob reads what remains on day 25.
        let erased = patients["bob"]![9]
        clock.set(Self.at(day: 22, 12))
        _ = try store.append([NewEvent(type: SystemEventType.patientErased, schemaVersion: 1, patient: erased, payload: ["basis": "request", "reason": "asked"])], author: "privacy")
        try access(store, clock, at: Self.at(day: 25, 10), by: "bob", RecordAccessed(action: .read, command: "show", patients: [erased], purpose: .treatment))
        // Planted: carol tries too; `show` refuses (saying who erased the record): still flagged.
        try access(store, clock, at: Self.at(day: 26, 10), by: "carol",
                   RecordAccessed(action: .read, command: "show", patients: [erased], purpose: .treatment, outcome: .refused, detail: "erased"))

        let settings = AccessReview.Settings(opens: 7 * 60, closes: 20 * 60, timeZone: TimeZone(identifier: "UTC")!, volumeFactor: 3, volumeMinimum: 10)
        let flags = try store.read { try AccessReview($0, settings: settings).flags() }
        let found = flags.map { "\($0.rule.rawValue) \($0.user) \($0.patient?.rawValue ?? "-")" }
        #expect(found == [
            "never-treated bob \(alices.rawValue)",
            "outside-hours carol \(patients["carol"]![3].rawValue)",
            "unusual-volume alice -",
            "erased-patient bob \(erased.rawValue)",
            "erased-patient carol \(erased.rawValue)",
        ], "\(flags.map(\.evidence))")
        #expect(flags[2].evidence.contains("accessed 15 patients' records on 2026-03-20"))
        #expect(flags.filter { $0.rule != .unusualVolume }.allSatisfy { $0.accesses.count == 1 })
        #expect(flags[2].accesses.count >= 2, "the day's ordinary reads and the listing")
        // Bounded to the first week, only bob's read of alice's patient is left.
        let week = try store.read { try AccessReview($0, settings: settings).flags(AccessFilter(since: Self.at(day: 1, 0), until: Self.at(day: 8, 0))) }
        #expect(week.map(\.rule) == [.neverTreated])
    }

    @Test("the access log: one row per patient an access names, filtered through its indexes, equal after a rebuild, readable after an erasure")
    func projection() throws {
        let clock = SetClock()
        let store = try store(clock)
        let mia = PatientID.make(), noah = PatientID.make()
        try treat(mia, by: "alex", in: store)
        try treat(noah, by: "alex", in: store)
        try access(store, clock, at: Self.at(day: 2, 9), by: "alex", RecordAccessed(action: .read, command: "show", patients: [mia], purpose: .treatment))
        try access(store, clock, at: Self.at(day: 2, 10), by: "jo", RecordAccessed(action: .query, command: "patients", patients: [noah, mia], purpose: .operations))
        try access(store, clock, at: Self.at(day: 3, 10), by: "jo", RecordAccessed(action: .query, command: "query", patients: [], purpose: .operations,
                                                                                       statement: "SELECT count(*) FROM pain_scores", rows: 1))
        try access(store, clock, at: Self.at(day: 4, 10), by: "alex", RecordAccessed(action: .disclosure, command: "sync", patients: [noah], purpose: .treatment,
                                                                                         peer: store.identity.nodeID))
        let all = try store.read { try AccessLog($0).entries() }
        #expect(all.count == 5)
        #expect(all.map(\.at) == all.map(\.at).sorted())
        #expect(try store.read { try AccessLog($0).entries(AccessFilter(patient: mia)) }.map(\.user) == ["alex", "jo"])
        #expect(try store.read { try AccessLog($0).entries(AccessFilter(user: "jo", action: .query)) }.count == 3)
        let unscoped = try #require(all.first { $0.patient == nil })
        #expect(unscoped.rows == 1 && unscoped.statement == "SELECT count(*) FROM pain_scores" && unscoped.site == "Fitzroy")
        #expect(try store.read { try AccessLog($0).entries(AccessFilter(since: Self.at(day: 3, 0), until: Self.at(day: 4, 0))) }.count == 1)
        // Each filter is answered through an index, never a scan of the table.
        for condition in ["patient = 'x'", "user = 'x'", "at >= 'x'"] {
            let plan = try store.read { reader in try Row.fetchAll(reader.database, sql: "EXPLAIN QUERY PLAN SELECT * FROM access_log WHERE \(condition) ORDER BY at, event").map { $0["detail"] as String } }
            #expect(plan.contains { $0.contains("USING INDEX") || $0.contains("USING COVERING INDEX") || $0.contains("USING PRIMARY KEY") }, "\(condition): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") || $0.contains("TEMP B-TREE") }, "\(condition): \(plan)")
        }
        let before = try rows(store)
        try store.rebuildProjections()
        #expect(try rows(store) == before)
        // An erasure destroys the record, not the record of who read it (ids only).
        clock.set(Self.at(day: 5, 9))
        _ = try store.append([NewEvent(type: SystemEventType.patientErased, schemaVersion: 1, patient: mia, payload: ["basis": "request", "reason": "asked"])], author: "privacy")
        #expect(try store.read { try AccessLog($0).entries(AccessFilter(patient: mia)) }.count == 2)
    }

    @Test("an access record is refused unless well formed: unknown action or purpose, unsorted patients, unknown members")
    func strictPayload() throws {
        let good = RecordAccessed(action: .read, command: "show", patients: [PatientID.make()], purpose: .treatment).json
        #expect(try RecordAccessed(json: good).command == "show")
        guard case .object(var members) = good else { Issue.record("not an object"); return }
        for (key, value) in [("action", JSONValue.string("peek")), ("purpose", "curiosity"), ("name", "Mia"),
                             ("patients", .array([.string(PatientID.make().rawValue), .string("00000000-0000-0000-0000-000000000000")]))] {
            var altered = members
            altered[key] = value
            let refusal = #expect(throws: ClinicalError.self, "\(key)") { try RecordAccessed(json: .object(altered)) }
            #expect(refusal?.code == .malformedPayload, "\(key)")
        }
        members["patients"] = .array([])
        #expect(try RecordAccessed(json: .object(members)).patients.isEmpty)
    }

    @Test("the FHIR AuditEvent Bundle: one AuditEvent per access, BALP-shaped, valid for fhir.resources (R4B)")
    func fhirAuditEvents() throws {
        let clock = SetClock()
        let store = try store(clock)
        let mia = PatientID.make(), noah = PatientID.make()
        try access(store, clock, at: Self.at(day: 2, 9), by: "alex", RecordAccessed(action: .read, command: "show", patients: [mia], purpose: .treatment))
        try access(store, clock, at: Self.at(day: 2, 10), by: "jo", RecordAccessed(action: .query, command: "query", patients: [mia, noah], purpose: .operations,
                                                                                       statement: "SELECT patient FROM patient_summary", rows: 2))
        try access(store, clock, at: Self.at(day: 2, 11), by: "alex", RecordAccessed(action: .disclosure, command: "bundle export", patients: [noah],
                                                                                         purpose: .treatment, peer: store.identity.nodeID))
        try access(store, clock, at: Self.at(day: 2, 12), by: "alex", RecordAccessed(action: .export, command: "export fhir", patients: [noah],
                                                                                         purpose: .patientRequest, outcome: .refused, detail: "key not received"))
        let entries = try store.read { try AccessLog($0).entries() }
        let bundle = FHIRAuditEventBundle.make(entries)
        let resources = try #require(bundle.objectValue?["entry"]?.arrayValue).compactMap { $0.objectValue?["resource"]?.objectValue }
        #expect(resources.count == 4)
        #expect(resources.map { $0["action"]?.stringValue } == ["R", "E", "R", "R"])
        #expect(resources[1]["entity"]?.arrayValue?.count == 3, "two patients and the query")
        #expect(resources[2]["agent"]?.arrayValue?.count == 3, "the disclosure names its destination")
        #expect(resources[3]["outcome"] == "4")
        #expect(FHIRAuditEventBundle.make(entries) == bundle, "the same accesses, the same bytes")
        let file = directory.url("audit-events.json")
        try Data(bundle.canonicalString.utf8).write(to: file)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("Tools/check-fhir.py").path, file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(said)")
        #expect(said.contains("AuditEvent 4"), "\(said)")
    }
}
