import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct RecordTriggerPointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger-point",
        abstract: "Record a trigger point found in a muscle.",
        discussion: """
            Active trigger points are painful on their own and refer pain; latent ones hurt only
            when pressed. Mark one resolved later with `myolog resolve EVENT`.

            Examples:
              myolog record trigger-point 3f2a9c1b --muscle "upper trapezius" --side right
              myolog record trigger-point 3f2a9c1b --muscle QL --side bilateral --status latent --referral buttock
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "The muscle (synonyms: `myolog vocabulary muscles`).") var muscle: Muscle
    @Option(help: "Which side.") var side: Side
    @Option(help: "Active or latent.") var status: TriggerPointStatus = "active"
    @Option(help: "Where it refers pain (a body region).") var referral: BodyRegion?
    @Option(help: "A note.") var note: String?
    @Option(help: ArgumentHelp("When it was found, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write {
            try $0.recordTriggerPoint(patient, muscle: muscle, side: side, status: status, referral: referral, note: note, date: date, author: author)
        }
        global.printWritten(envelope, message: "Recorded trigger point:")
    }
}
