import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

struct RecordAdverseEventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adverse-event",
        abstract: "Record an adverse event after a technique.",
        discussion: """
            --after is the technique entry's event id (as `myolog record technique` printed it, or
            its last 12 characters): a technique of the same patient, not retracted.

            Examples:
              myolog record adverse-event 3f2a9c1b --kind bruising --severity mild --after 0194f3a2-7c1e --note "Small bruise R upper trapezius"
              myolog record adverse-event 3f2a9c1b --kind fainting --severity moderate --after 0194f3a2-7c1e
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "What happened.") var kind: AdverseEventKind
    @Option(help: "How bad: mild, moderate or severe.") var severity: Severity
    @Option(help: ArgumentHelp("The technique entry it followed.", valueName: "event"), transform: IDReference.init) var after: IDReference
    @Option(help: "A note.") var note: String?
    @Option(help: ArgumentHelp("When it happened, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write {
            try $0.recordAdverseEvent(patient, kind: kind, severity: severity, after: after, note: note, date: date, author: author)
        }
        global.printWritten(envelope, message: "Recorded adverse event:")
    }
}
