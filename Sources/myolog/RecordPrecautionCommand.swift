import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

struct RecordPrecautionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "precaution",
        abstract: "Record a precaution: a condition, medicine or device to keep in mind before treating.",
        discussion: """
            An active precaution alerts on every technique it cautions or contraindicates (`myolog
            vocabulary precaution-kinds`; the rules and their sources are in PrecautionRules.swift):
            such a technique is recorded only with --acknowledge-precaution. `myolog resolve EVENT`
            marks it as no longer applying.

            Examples:
              myolog record precaution 3f2a9c1b --kind anticoagulant --note "Warfarin for AF; INR monthly"
              myolog record precaution 3f2a9c1b --kind lymphoedema --note "Left arm, after mastectomy 2019"
              myolog resolve 0194f3a2-7c1e --note "Baby born 2026-03-02"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "What kind of precaution.") var kind: PrecautionKind
    @Option(help: "A note (which limb, which medicine, since when).") var note: String?

    @Option(help: ArgumentHelp("When it was recorded, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.recordPrecaution(patient, kind: kind, note: note, date: date, author: author) }
        global.printWritten(envelope, message: "Recorded precaution:")
    }
}
