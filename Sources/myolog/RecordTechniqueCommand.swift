import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct RecordTechniqueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "technique",
        abstract: "Record a technique applied to a body region.",
        discussion: """
            Examples:
              myolog record technique 3f2a9c1b --technique dry-needling --region neck --minutes 10
              myolog record technique 3f2a9c1b --technique "exercise prescription" --region hip --note "Clamshells 3x15"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "The technique (synonyms: `myolog vocabulary techniques`).") var technique: Technique
    @Option(help: "The body region.") var region: BodyRegion
    @Option(help: "Minutes spent (1–240).", transform: TreatmentMinutes.init) var minutes: TreatmentMinutes?
    @Option(help: "A note.") var note: String?
    @Option(help: ArgumentHelp("When it was applied, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write {
            try $0.recordTechnique(patient, technique: technique, region: region, minutes: minutes, note: note, date: date, author: author)
        }
        global.printWritten(envelope, message: "Recorded technique:")
    }
}
