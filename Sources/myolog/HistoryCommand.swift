import ArgumentParser
import ClinicalEvents
import EventLog
import ClinicalFold
import Projections
import EventModel

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "One entry and every correction and retraction of it: the audit trail of a fact.",
        discussion: """
            Examples:
              myolog history 0194f3a2-7c1e-7d2a-9b1c-2f3e4d5c6b7a
              myolog history 0194f3a2-7c1e --json
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The event id or its last 12 characters.", valueName: "event"), transform: IDReference.init) var event: IDReference

    func run() throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        let entry = try store.read { try $0.resolveEvent(event) }
        let trail = try global.recordedRead(.read, command: "history", patients: entry.patient.map { [$0] } ?? [], detail: entry.id.rawValue, in: store, by: user) {
            try global.require(.readClinicalRecords, in: store)
            return try store.read { reader in
                // The entry's patient's events checked first (CheckedRecord): an altered entry or
                // amendment is refused, not shown.
                if let patient = entry.patient { _ = try CheckedRecord.events(of: patient, in: reader) }
                return try AuditTrail(reader).history(of: entry)
            }
        }
        if global.json {
            print(try CanonicalEncoder().string(trail))
        } else {
            let clock = try global.siteClock(store)
            print(AuditRendering.header(clock) + AuditRendering.text(trail, clock: clock), terminator: "")
        }
    }
}
