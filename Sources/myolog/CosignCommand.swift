import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct CosignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosign",
        abstract: "Co-sign a student's entry, or every entry of a visit awaiting a co-signature.",
        discussion: """
            An entry written in the student role awaits a co-signature until one covers it:
            `show`, `report`, `ui` and `patients` mark it, and `audit review` lists those
            waiting longer than --cosign-overdue-days. No one co-signs their own entry.

            Examples:
              myolog --as sam.supervisor cosign 0193a1b2      # a visit: all of its awaiting entries
              myolog --as sam.supervisor cosign 0193a1c4      # one entry
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("A visit (the event that started it) or one entry: its id or its first 8+ characters.", valueName: "visit|event"),
              transform: IDReference.init)
    var target: IDReference

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.coSign(target, author: author) }
        global.printWritten(envelope, message: "Co-signed:")
    }
}
