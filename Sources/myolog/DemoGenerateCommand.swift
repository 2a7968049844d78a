import ArgumentParser
import ClinicalEvents
import EventLog
import Foundation

struct DemoGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Fill a store with synthetic clinical histories (deterministic per seed).",
        discussion: """
            Writes through the same checks, hashing and append path as every other write, one
            transaction per patient. Creates the store if --store names an empty or missing
            directory. Progress goes to stderr.

            Examples:
              myolog demo generate --store /tmp/load --patients 1000 --events-per-patient 50
              myolog demo generate --store /tmp/load --patients 20000 --events-per-patient 50 --seed 42
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "How many patients (1–10,000,000).") var patients: Int
    @Option(name: .customLong("events-per-patient"), help: "Events per patient (1–10,000).") var eventsPerPatient: Int
    @Option(help: "Seed for the synthetic data.") var seed: UInt64 = 1

    func validate() throws {
        guard (1...10_000_000).contains(patients) else { throw ValidationError("patients: \(patients) is not accepted; accepted: 1 to 10,000,000") }
        guard (1...10_000).contains(eventsPerPatient) else { throw ValidationError("events-per-patient: \(eventsPerPatient) is not accepted; accepted: 1 to 10,000") }
    }

    func run() throws {
        let directory = try global.storeDirectory()
        let exists = FileManager.default.fileExists(atPath: directory.appendingPathComponent(EventStore.databaseFileName).path)
        let store = exists ? try global.openStore() : try global.createStore(at: directory, site: "Synthetic clinic", author: global.author ?? "generator@myolog")
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
        let seconds = Date().timeIntervalSince(started)
        print("Generated \(patients) patients, \(total) events in \(String(format: "%.1f", seconds)) s (\(Int(Double(total) / max(seconds, 0.001))) events/s) into \(directory.path)")
    }
}
