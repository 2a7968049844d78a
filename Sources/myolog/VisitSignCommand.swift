import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct VisitSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign off a visit already ended: its entries then change only by addenda.",
        discussion: """
            Signs the visit's start, every entry recorded during it and its end, as they stand.
            Afterwards a correction or retraction of one of them is kept and shown as an
            addendum (its author, when it was written, when the care happened), never replacing
            the signed text. Entries recorded into the visit after a sign-off (at another site,
            before the two synced) are signed by signing it again.

            Examples:
              myolog visit sign 0193a1b2
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The visit: its id (the event that started it) or its first 8+ characters.", valueName: "visit"), transform: IDReference.init)
    var visit: IDReference

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.signOff(visit, author: author) }
        global.printWritten(envelope, message: "Signed off:")
    }
}
