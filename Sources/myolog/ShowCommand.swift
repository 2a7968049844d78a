import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import ClinicalFold
import Projections
import EventModel

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a patient's record: details, history, visits, active trigger points, techniques, pain trend.",
        discussion: """
            Active precautions come first. Visits are listed newest first (the
            latest \(ShowRendering.recentVisits); `--all` for every one), each with its reason, the
            techniques applied (minutes, needling details, notes), the trigger points
            found and resolved, pain before → after treatment, the treatment note, and
            the advice and plan it closed with. Times are the site's local time; the
            last line names the zone. A value a correction changed is marked \(ShowRendering.correctedMark),
            with who corrected it, when and why beneath.

            The pain trend gives first, latest, best and worst scores, the change since the first,
            and whether it is clinically meaningful (a fall of at least 2 points or 30 %, Farrar et
            al. 2001). Corrected entries show their corrected values; retracted ones are left out
            (see `myolog timeline` for the full story).

            Examples:
              myolog show 3f2a9c1b
              myolog show 3f2a9c1b --all
              myolog show 3f2a9c1b --json
              myolog show 3f2a9c1b --as-of 2026-03-03T17:00:00Z     # what the record said then
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeTravelOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Flag(help: "List every visit (default: the latest \(ShowRendering.recentVisits); `--json` always holds them all).") var all = false

    func run() throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        // Read once: the zone is found by decoding the store's zone events, and the same clock
        // reads --as-of and every time shown.
        let clock = try global.siteClock(store)
        let travel = try time.travel(on: clock)
        let id = try store.read { try ClinicalQueries($0).resolvePatient(patient) }
        let view = try global.recordedRead(.read, command: "show", patients: [id], in: store, by: user) {
            try global.require(.readClinicalRecords, in: store)
            return try store.read { reader -> PatientView in
                try ClinicalQueries(reader).requireReadable(id)
                // Folded from the patient's checked events, not read from the view rows: a row
                // edited in the file is never shown as the record (CheckedRecord).
                guard let view = try PatientViews(reader).checkedShow(id, travel) else {
                    throw try NotShown.refusal(id, in: reader)
                }
                return view
            }
        }
        if global.json {
            print(try CanonicalEncoder().string(ShowRendering.Document(view: view, clock: clock)))
        } else {
            print(ShowRendering.text(view, clock: clock, allVisits: all), terminator: "")
        }
    }
}
