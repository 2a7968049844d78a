import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

struct RecordTechniqueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "technique",
        abstract: "Record a technique applied to a body region.",
        discussion: """
            Dry needling and cupping need the patient's recorded consent first (`myolog record
            consent`). A technique an active precaution cautions or contraindicates (a patient on
            an anticoagulant, lymphoedema…) is refused with the alert; --acknowledge-precaution
            records it, with the precautions acknowledged on the entry. --needles, --gauge,
            --depth-mm and --twitch are dry-needling details.

            Examples:
              myolog record technique 3f2a9c1b --technique dry-needling --region neck --minutes 10 --needles 2 --gauge 0.25 --depth-mm 15 --twitch yes
              myolog record technique 3f2a9c1b --technique "exercise prescription" --region hip --note "Clamshells 3x15"
              myolog record technique 3f2a9c1b --technique cupping --region upper-back --acknowledge-precaution
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "The technique (synonyms: `myolog vocabulary techniques`).") var technique: Technique
    @Option(help: "The body region.") var region: BodyRegion
    @Option(help: "Minutes spent (1–240).", transform: TreatmentMinutes.init) var minutes: TreatmentMinutes?
    @Option(help: "A note.") var note: String?
    @Option(help: "Dry needling: how many needles (1–50).", transform: NeedleCount.init) var needles: NeedleCount?
    @Option(help: ArgumentHelp("Dry needling: needle diameter in mm (0.16–0.40).", valueName: "mm"), transform: NeedleGauge.init(parsing:)) var gauge: NeedleGauge?
    @Option(name: .customLong("depth-mm"), help: "Dry needling: depth in whole millimetres (1–100).", transform: NeedlingDepth.init) var depth: NeedlingDepth?
    @Option(help: ArgumentHelp("Dry needling: local twitch response elicited.", valueName: "yes|no"), transform: Self.yesOrNo) var twitch: Bool?
    @Flag(name: .customLong("acknowledge-precaution"), help: "Go ahead despite the active precautions alerted (recorded on the entry).")
    var acknowledgePrecaution = false
    @Option(help: ArgumentHelp("When it was applied, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    static func yesOrNo(_ text: String) throws -> Bool {
        switch text.lowercased() {
        case "yes", "y", "true": return true
        case "no", "n", "false": return false
        default: throw ClinicalError.invalidField(field: "twitch", value: text, accepted: "yes or no")
        }
    }

    func run() throws {
        let author = try global.requireAuthor()
        let needling = ClinicalSession.NeedlingDetails(needles: needles, gauge: gauge, depth: depth, twitch: twitch)
        let (envelope, alerts) = try global.clinicalRecord().write { session in
            let envelope = try session.recordTechnique(patient, technique: technique, region: region, minutes: minutes, note: note, needling: needling,
                                                       acknowledgePrecautions: acknowledgePrecaution, date: date, author: author)
            return (envelope, try session.alerts(for: technique.id, of: envelope.patient!))
        }
        global.printWritten(envelope, message: "Recorded technique:")
        for alert in alerts { global.printNotice("Precaution acknowledged: " + ClinicalSession.alertLine(alert)) }
    }
}
