import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation
import GRDB
import MyologTestSupport
import EventModel

/// A new store with a clinical record over it, removed after the test.
final class ClinicalFixture {
    let scratch = TemporaryDirectory("clinical")
    let directory: URL
    let store: EventStore
    let record: ClinicalRecord

    init(now: Timestamp = .now(), timeZone: TimeZone = TimeZone(identifier: "UTC")!) throws {
        directory = scratch.url("store")
        store = try EventStore.create(at: directory, site: "Test clinic")
        record = ClinicalRecord(store: store, input: ClinicalInput(now: now, timeZone: timeZone))
    }

    /// Every stored byte of the log, row by row, read with a plain SQLite connection.
    func logBytes() throws -> [String] {
        let raw = try DatabaseQueue(path: directory.appendingPathComponent(EventStore.databaseFileName).path)
        return try raw.read { db in try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY position").map(\.description) }
    }

    /// Registers a patient; each call is a new person, even with the same name and date of birth
    /// (the duplicate check has tests of its own).
    func register(_ name: String = "Mia Thompson", dob: String = "1988-04-12") throws -> String {
        try record.write { try $0.register(.init(name: name, dateOfBirth: dob), newPatient: true, author: "jo") }.patient!.rawValue
    }

    func events(_ patient: String) throws -> [EventEnvelope] {
        try store.read { try $0.events(patient: PatientID(patient)!) }
    }
}
