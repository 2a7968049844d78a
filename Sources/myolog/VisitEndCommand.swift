import ArgumentParser
import ClinicalEvents

struct VisitEndCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "end",
        abstract: "End the patient's open visit.",
        discussion: """
            Examples:
              myolog visit end 3f2a9c1b
              myolog visit end 3f2a9c1b --note "Home exercises: chin tucks 3x10"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient")) var patient: String
    @Option(help: "Closing note: plan, advice, next appointment.") var note: String?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.endVisit(patient, note: note, author: author) }
        global.printWritten(envelope, message: "Visit ended:")
    }
}
