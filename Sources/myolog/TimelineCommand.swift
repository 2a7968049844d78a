import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import ClinicalFold
import Projections
import EventModel

struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Every event of a patient in order, amended entries kept visible and marked.",
        discussion: """
            Each entry shows who wrote it, at which site, when it happened and when it was
            recorded, in the site's local time (the first line names the zone), and its note
            beneath. Corrected and retracted entries stay, marked, with the reason, who did
            it and when. `--json` keeps RFC 3339 UTC instants.

            Examples:
              myolog timeline 3f2a9c1b
              myolog timeline 3f2a9c1b --json
              myolog timeline 3f2a9c1b --as-of 2026-03-03
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeTravelOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference

    func run() throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        let id = try store.read { try ClinicalQueries($0).resolvePatient(patient) }
        let clock = try global.siteClock(store), travel = try time.travel(on: clock)
        let lines = try global.recordedRead(.read, command: "timeline", patients: [id], in: store, by: user) {
            try global.require(.readClinicalRecords, in: store)
            return try store.read { reader in
                try ClinicalQueries(reader).requireReadable(id)
                return try AuditTrail(reader).timeline(of: CheckedRecord.events(of: id, in: reader), travel)
            }
        }
        if global.json {
            print(try CanonicalEncoder().string(lines))
            return
        }
        var out = StandardOutput()
        out.write(AuditRendering.header(clock))
        for line in lines { out.write(AuditRendering.text(line, clock: clock)) }
        out.flush()
    }
}
