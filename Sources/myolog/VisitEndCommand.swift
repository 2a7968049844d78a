import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct VisitEndCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "end",
        abstract: "End the patient's open visit.",
        discussion: """
            Examples:
              myolog visit end 3f2a9c1b
              myolog visit end 3f2a9c1b --note "Home exercises: chin tucks 3x10"
              myolog visit end 3f2a9c1b --date 2026-11-20T10:45:00+11:00   # a visit recorded afterwards
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "Closing note: plan, advice, next appointment.") var note: String?
    @Option(help: ArgumentHelp("When it ended, if not now (not before it started).", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.endVisit(patient, note: note, date: date, author: author) }
        global.printWritten(envelope, message: "Visit ended:")
    }
}
