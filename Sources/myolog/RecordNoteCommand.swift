import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

struct RecordNoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Record a treatment note (subjective, objective, assessment, plan).",
        discussion: """
            A SOAP note, linked to the patient's open visit. Each section is optional and may span
            several lines, but a note has at least one.

            Examples:
              myolog record note 3f2a9c1b --subjective "Neck pain 3 weeks, worse at the laptop" --plan "Review in 2 weeks"
              myolog record note 3f2a9c1b --objective "Active TrP R upper trapezius; rotation R 55°" --assessment "Myofascial neck pain"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "What the patient reports.") var subjective: String?
    @Option(help: "What you found: observation, palpation, tests.") var objective: String?
    @Option(help: "Assessment or working diagnosis.") var assessment: String?
    @Option(help: "The plan: treatment, advice, review.") var plan: String?
    @Option(help: ArgumentHelp("When it was written, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func run() throws {
        let author = try global.requireAuthor()
        let sections = ClinicalSession.NoteSections(subjective: subjective, objective: objective, assessment: assessment, plan: plan)
        let envelope = try global.clinicalRecord().write { try $0.recordNote(patient, sections, date: date, author: author) }
        global.printWritten(envelope, message: "Recorded treatment note:")
    }
}
