import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation

struct DemoGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Fill a store with synthetic clinical histories (deterministic per seed).",
        discussion: """
            Writes through the same checks, hashing and append path as every other write, one
            transaction per patient. Creates the store if --store names an empty or missing
            directory; with --as, that user founds it (as `init --as` does: their key made if
            absent) and signs every event, as a clinician's writes are signed. Progress goes to
            stderr.

            Examples:
              myolog demo generate --store /tmp/load --patients 1000 --events-per-patient 50
              myolog demo generate --store /tmp/load --patients 20000 --events-per-patient 50 --seed 42
              myolog demo generate --store /tmp/audit --patients 2000 --events-per-patient 5 --accesses 1000000
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "How many patients (1–10,000,000).") var patients: Int
    @Option(name: .customLong("events-per-patient"), help: "Events per patient (1–10,000).") var eventsPerPatient: Int
    @Option(help: "Seed for the synthetic data.") var seed: UInt64 = 1
    @Option(help: "Then this many synthetic access records (reads by 20 users), 1,000 per transaction.") var accesses: Int = 0

    func validate() throws {
        guard (1...10_000_000).contains(patients) else { throw ValidationError("patients: \(patients) is not accepted; accepted: 1 to 10,000,000") }
        guard (1...10_000).contains(eventsPerPatient) else { throw ValidationError("events-per-patient: \(eventsPerPatient) is not accepted; accepted: 1 to 10,000") }
        guard (0...100_000_000).contains(accesses) else { throw ValidationError("accesses: \(accesses) is not accepted; accepted: 0 to 100,000,000") }
    }

    func run() throws {
        let directory = try global.storeDirectory()
        let exists = FileManager.default.fileExists(atPath: directory.appendingPathComponent(EventStore.databaseFileName).path)
        let store = exists ? try global.openStore() : try global.createStore(at: directory, site: "Synthetic clinic", author: global.author ?? "generator@myolog")
        if !exists, let founder = global.author {
            let key = try UserKeyCommand.ownKey(of: founder, environment: global.environment, creating: true).key
            try store.foundFirstUser(key, displayName: founder, roles: ["practice-manager", "therapist"], registration: nil)
        }
        let started = Date()
        let generator = SyntheticClinic(patients: patients, eventsPerPatient: eventsPerPatient, seed: seed)
        var lastReport = Date()
        var total = 0
        try generator.generate(into: ClinicalRecord(store: store), author: global.author ?? "generator@myolog") { done, events in
            total = events
            if Date().timeIntervalSince(lastReport) >= 2 || done == patients {
                lastReport = Date()
                FileHandle.standardError.write(Data("generated \(done)/\(patients) patients, \(events) events\n".utf8))
            }
        }
        if accesses > 0 { try generateAccesses(into: store) }
        let seconds = Date().timeIntervalSince(started)
        print("Generated \(patients) patients, \(total) events\(accesses > 0 ? " and \(accesses) access records" : "") in \(String(format: "%.1f", seconds)) s (\(Int(Double(total + accesses) / max(seconds, 0.001))) events/s) into \(directory.path)")
    }

    /// Synthetic reads, one patient each, by twenty users with varied actions and purposes:
    /// an access log of a size to measure `audit` against (deterministic per seed).
    private func generateAccesses(into store: EventStore) throws {
        var rng = SplitMix64(seed: seed ^ 0xA11CE55)  // a sequence of its own, not the histories'
        let patients = try store.read { try $0.patients(withEventsOf: nil) }
        guard !patients.isEmpty else { return }
        let actions: [RecordAccessed.Action] = [.read, .read, .read, .query, .export]
        var written = 0
        while written < accesses {
            let count = min(1_000, accesses - written)
            let batch = (0..<count).map { _ in
                RecordAccessed(action: actions[Int(rng.next() % UInt64(actions.count))], command: "show", patients: [patients[Int(rng.next() % UInt64(patients.count))]],
                               purpose: RecordAccessed.Purpose.allCases[Int(rng.next() % UInt64(RecordAccessed.Purpose.allCases.count))]).newEvent
            }
            _ = try store.append(batch, author: "user\(rng.next() % 20)@generator")
            written += count
            if written % 100_000 == 0 { FileHandle.standardError.write(Data("generated \(written)/\(accesses) access records\n".utf8)) }
        }
    }
}
