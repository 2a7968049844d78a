import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

struct RecordHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Record a history entry from the first consultation.",
        discussion: """
            Kinds: medication, illness, surgery, activity, occupation. --date may be as precise as
            the patient remembers: YYYY, YYYY-MM or YYYY-MM-DD. --ergonomics goes with occupation only.

            Examples:
              myolog record history 3f2a9c1b --kind medication --text "Ibuprofen 200 mg as needed"
              myolog record history 3f2a9c1b --kind medication --text "Warfarin 4 mg daily"   (suggests the anticoagulant precaution)
              myolog record history 3f2a9c1b --kind surgery --text "Left ACL reconstruction" --date 2017-06
              myolog record history 3f2a9c1b --kind occupation --text "Accountant" --ergonomics "Dual monitors, no lumbar support"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "What kind of history.") var kind: HistoryKind
    @Option(help: "What the patient reported.") var text: String
    @Option(help: ArgumentHelp("When (as precisely as known).", valueName: "YYYY[-MM[-DD]]"), transform: HistoryDate.init) var date: HistoryDate?
    @Option(help: "Work ergonomics (occupation only).") var ergonomics: String?

    func run() throws {
        let author = try global.requireAuthor()
        let (envelope, suggestion) = try global.clinicalRecord().write { session in
            let envelope = try session.recordHistory(patient, kind: kind, text: text, date: date, ergonomics: ergonomics, author: author)
            return (envelope, try session.suggestedPrecaution(for: envelope))
        }
        global.printWritten(envelope, message: "Recorded history entry:")
        if let suggestion, let patient = envelope.patient {
            global.printNotice(
                "Suggestion: \(suggestion.medicine) is an anticoagulant; record the precaution with `myolog record precaution \(patient.rawValue) --kind \(suggestion.kind.id)`")
        }
    }
}
