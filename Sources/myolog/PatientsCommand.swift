import ArgumentParser
import ClinicalEvents
import EventLog
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
        let rows = try store.read { try PatientViews($0).patients(search: search, time.travel) }
        try global.record(RecordAccessed(action: .query, command: "patients", patients: rows.map(\.patientId), purpose: global.purpose,
                                         detail: search == nil ? nil : "search (the text is not recorded: it may be a name)"), in: store, by: user)
        if global.json {
            print(try CanonicalEncoder().string(rows))
            return
        }
        var table = TextTable(["PATIENT", "NAME", "BORN", "LAST VISIT", "PAIN", "ACTIVE TP", "LATENT TP"])
        for row in rows {
            table.add([String(row.patientId.rawValue.prefix(8)), row.name, row.dateOfBirth, row.lastVisit.map { String($0.description.prefix(10)) } ?? "-",
                       row.latestPainScore.map { "\($0)/10" } ?? "-", String(row.activeTriggerPoints), String(row.latentTriggerPoints)])
        }
        print(table.rendered, terminator: "")
        print("\(rows.count) patient\(rows.count == 1 ? "" : "s")")
    }
}
