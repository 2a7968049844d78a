import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct RetractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Retract an entry recorded in error (it stays in the log, marked).",
        discussion: """
            Examples:
              myolog retract 0194f3a2-7c1e --reason "Recorded against the wrong patient"
              myolog --json retract 0194f3a2-7c1e --reason "Entered twice"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The entry's event id or its last 12 characters.", valueName: "event"), transform: IDReference.init) var event: IDReference
    @Option(help: "Why it is retracted.") var reason: String

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.retract(event, reason: reason, author: author) }
        global.printWritten(envelope, message: "Retracted:")
    }
}
