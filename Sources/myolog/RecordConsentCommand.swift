import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

struct RecordConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record a patient's informed consent to a technique, or its withdrawal.",
        discussion: """
            Techniques the vocabulary marks as needing consent (dry needling, cupping: `myolog
            vocabulary techniques` says why) are refused without a consent that stands. The latest
            decision per technique stands: --withdrawn withdraws it until consent is given again.

            Examples:
              myolog record consent 3f2a9c1b --for dry-needling --form verbal --risks "Soreness, bruising, fainting; pneumothorax (rare)"
              myolog record consent 3f2a9c1b --for cupping --form written
              myolog record consent 3f2a9c1b --withdrawn --for dry-needling --note "Prefers no needling"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(name: .customLong("for"), help: "The technique consented to (or withdrawn).") var technique: Technique
    @Option(help: "How consent was given: verbal or written (required unless --withdrawn).") var form: ConsentForm?
    @Option(help: "The risks explained to the patient.") var risks: String?
    @Option(help: "A note (with --withdrawn: why).") var note: String?
    @Flag(help: "The patient withdraws consent to the technique.") var withdrawn = false

    @Option(help: ArgumentHelp("When it was recorded, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func validate() throws {
        if withdrawn, risks != nil {
            throw ValidationError("risks: risks are explained when consent is given; accepted: --risks without --withdrawn")
        }
        if !withdrawn, form == nil {
            throw ValidationError("form: missing; accepted: --form verbal or --form written (or --withdrawn to withdraw consent)")
        }
    }

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { session in
            if withdrawn {
                return try session.withdrawConsent(patient, technique: technique, form: form, note: note, date: date, author: author)
            }
            return try session.recordConsent(patient, technique: technique, form: form!, risks: risks, note: note, date: date, author: author)
        }
        global.printWritten(envelope, message: withdrawn ? "Recorded consent withdrawn:" : "Recorded consent:")
    }
}
