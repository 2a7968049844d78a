import ArgumentParser
import ClinicalEvents

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
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient")) var patient: String
    @Option(help: "The technique (see `myolog vocabulary techniques`).") var technique: String
    @Option(help: "The body region (see `myolog vocabulary regions`).") var region: String
    @Option(help: "Minutes spent (1–240).") var minutes: String?
    @Option(help: "A note.") var note: String?
    @Option(help: ArgumentHelp("When it was applied, if not now.", valueName: "YYYY-MM-DD|RFC3339")) var date: String?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write {
            try $0.recordTechnique(patient, technique: technique, region: region, minutes: minutes, note: note, date: date, author: author)
        }
        global.printWritten(envelope, message: "Recorded technique:")
    }
}
