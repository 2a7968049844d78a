import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Mark a trigger point found earlier, or a precaution, as resolved.",
        discussion: """
            EVENT is the TriggerPointFound or PrecautionRecorded event's id (or its last 12
            characters), as printed by `myolog record trigger-point`, `myolog record precaution`
            and `myolog log`.

            Examples:
              myolog resolve 0194f3a2-7c1e-7d2a-9b1c-2f3e4d5c6b7a
              myolog resolve 0194f3a2-7c1e --note "No longer palpable"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The trigger point's or precaution's event id, or its last 12 characters.", valueName: "event"), transform: IDReference.init) var event: IDReference
    @Option(help: "A note.") var note: String?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.resolve(event, note: note, author: author) }
        global.printWritten(envelope, message: envelope.type == PrecautionResolved.eventType ? "Precaution resolved:" : "Trigger point resolved:")
    }
}
