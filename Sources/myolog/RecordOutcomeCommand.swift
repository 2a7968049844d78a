import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

struct RecordOutcomeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcome",
        abstract: "Record a patient's answers to an outcome measure (NDI, ODI, PSFS…); the score is derived from them.",
        discussion: """
            --answers lists one answer per item, in item order, `-` for an item the patient
            skipped; the instrument says how many may be skipped. PSFS is answered with
            --activity "ACTIVITY=RATING" instead, once per activity the patient names (1 to 5).
            The newest version of the instrument is used unless --version names another;
            `myolog outcome instruments` lists them, their items and their licences.

            Examples:
              myolog record outcome 3f2a9c1b --instrument ndi --answers 2,3,1,0,4,2,1,3,2,- --context baseline
              myolog record outcome 3f2a9c1b --instrument psfs --activity "Reaching overhead=3" --activity "Driving=5"
              myolog record outcome 3f2a9c1b --instrument startback --answers 1,0,1,1,0,1,1,0,3
              myolog record outcome 3f2a9c1b --instrument quickdash --answers 2,2,3,1,1,2,3,2,1,2,- --context discharge
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: ArgumentHelp("The instrument: \(Instruments.ids.joined(separator: ", ")).", valueName: "id")) var instrument: String
    @Option(help: "The instrument's version (the newest if not given).") var version: Int?
    // Unconditional: a list that starts with a skipped item (`-,2,3…`) is still the value.
    @Option(parsing: .unconditional, help: ArgumentHelp("The answers, in item order: 2,3,1,0,- (- for a skipped item).", valueName: "list"),
            transform: OutcomeAnswers.init(parsing:))
    var answers: OutcomeAnswers?
    @Option(help: ArgumentHelp("A patient-chosen activity and its rating (PSFS), repeatable.", valueName: "activity=rating"), transform: RatedActivity.init(parsing:))
    var activity: [RatedActivity] = []
    @Option(help: "When in the episode of care it was answered.") var context: OutcomeContext = "reassessment"
    @Option(help: "A note.") var note: String?
    @Option(help: ArgumentHelp("When it was answered, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func validate() throws {
        if answers == nil, activity.isEmpty {
            throw ValidationError("answers: missing; accepted: --answers LIST for an instrument of items, or --activity \"ACTIVITY=RATING\" (repeatable) for PSFS")
        }
        if answers != nil, !activity.isEmpty { throw ValidationError("activity: accepted: either --answers or --activity, not both") }
    }

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write {
            try $0.recordOutcome(patient, instrument: instrument, version: version, answers: answers?.values ?? [], activities: activity.isEmpty ? nil : activity,
                                 context: context, note: note, date: date, author: author)
        }
        global.printWritten(envelope, message: "Recorded outcome:")
    }
}
