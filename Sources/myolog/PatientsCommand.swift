import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel
import ClinicalFold
import Projections

struct PatientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patients",
        abstract: "List patients: last visit, latest pain score, active trigger points.",
        discussion: """
            Examples:
              myolog patients
              myolog patients --search thompson --json
              myolog patients --as-of 2026-03-03          # as the list stood at the end of that day

            LAST VISIT is the site's calendar day (`myolog site time-zone`); --json adds it as
            lastVisitDate beside the instant (Schemas/views/patients.schema.json).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeTravelOptions
    @Option(help: "Only patients whose name (or id) contains this text.") var search: String?

    func validate() throws {
        if let search, search.isEmpty || search.count > ClinicalInput.maximumNameLength {
            throw ValidationError("search: \(search.isEmpty ? "an empty text" : "a text of \(search.count) characters") is not accepted; accepted: 1–\(ClinicalInput.maximumNameLength) characters of a name or an id")
        }
    }

    func run() throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        try global.require(.seePatientList, in: store)
        let clock = try global.siteClock(store)
        let travel = try time.travel(on: clock)
        let rows = try store.read { try PatientViews($0).patients(search: search, travel) }
        try global.record(RecordAccessed(action: .query, command: "patients", patients: rows.map(\.patientId), purpose: global.purpose,
                                         detail: search == nil ? nil : "search (the text is not recorded: it may be a name)"), in: store, by: user)
        try PatientsRendering.print(rows, json: global.json, clock: clock)
    }
}
