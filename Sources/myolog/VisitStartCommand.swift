import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct VisitStartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a visit; prints the visit's event id.",
        discussion: """
            --date is read on the site's clock (`myolog site time-zone`): a day is its start, a
            time without an offset that wall-clock time there.

            Examples:
              myolog visit start 3f2a9c1b
              myolog visit start 3f2a9c1b --reason "Low back pain" --date 2026-03-03
              myolog visit start 3f2a9c1b --date "2026-11-27 09:10"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "Presenting complaint or reason.") var reason: String?
    @Option(help: ArgumentHelp("When it started, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.startVisit(patient, reason: reason, date: date, author: author) }
        global.printWritten(envelope, message: "Visit started:")
    }
}
