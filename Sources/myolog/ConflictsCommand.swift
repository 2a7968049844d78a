import ArgumentParser
import ClinicalEvents
import EventLog
import ClinicalFold
import Projections
import EventModel

struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Patient fields two sites changed concurrently, with every value and its author.",
        discussion: """
            Views show a deterministic winner (higher Lamport timestamp, then node id); a later
            `myolog patient update` of the field, written after seeing both, resolves the conflict.
            Pain scores, trigger points, techniques and history never conflict: all are kept.

            Examples:
              myolog conflicts
              myolog conflicts --json
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        try global.require(.readClinicalRecords, in: store)
        let conflicts = try store.read { try PatientViews($0).conflicts() }
        try global.record(RecordAccessed(action: .query, command: "conflicts", patients: conflicts.map(\.patientId), purpose: global.purpose), in: store, by: user)
        if global.json {
            print(try CanonicalEncoder().string(conflicts))
            return
        }
        print(ConflictRendering.text(conflicts, clock: try global.siteClock(store)), terminator: "")
    }
}
