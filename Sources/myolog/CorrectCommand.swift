import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct CorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Correct fields of an earlier entry (the original stays in the log).",
        discussion: """
            Give the fields that change and a reason. Fields by entry type:
              pain score:     --score --region --context
              trigger point:  --muscle --side --status --referral --note
              technique:      --technique --region --minutes --note
              history entry:  --kind --text --date --ergonomics
              visit start:    --visit-reason        visit end / resolution: --note
              dry needling:   --needles --gauge --depth-mm --twitch yes|no (and the technique's fields)
              treatment note: --subjective --objective --assessment --plan
              consent:        --form --risks --note  (a decision is not corrected: retract it and record it again)
              precaution:     --note                adverse event: --kind --severity --note
              measurement:    --side --value --unit --result --note
              outcome measure: --answers (a PSFS's ratings, in activity order) --context --note
            An empty value removes an optional field. Correcting again corrects the corrected entry.

            Examples:
              myolog correct 0194f3a2-7c1e --score 3 --reason "Patient re-rated after standing"
              myolog correct 0194f3a2-9d0b --muscle "levator scapulae" --reason "Misidentified muscle"
              myolog correct 0194f3a2-a1c4 --needles 3 --twitch yes --reason "Third needle not recorded"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The entry's event id or its last 12 characters.", valueName: "event"), transform: IDReference.init) var event: IDReference
    @Option(help: "Why the entry was wrong.") var reason: String
    @Option var score: String?
    @Option var region: String?
    @Option var context: String?
    @Option var muscle: String?
    @Option var side: String?
    @Option var status: String?
    @Option var referral: String?
    @Option var note: String?
    @Option var technique: String?
    @Option var minutes: String?
    @Option var kind: String?
    @Option var text: String?
    @Option var date: String?
    @Option var ergonomics: String?
    @Option(name: .customLong("visit-reason")) var visitReason: String?
    @Option var needles: String?
    @Option var gauge: String?
    @Option(name: .customLong("depth-mm")) var depth: String?
    @Option var twitch: String?
    @Option var subjective: String?
    @Option var objective: String?
    @Option var assessment: String?
    @Option var plan: String?
    @Option var form: String?
    @Option var risks: String?
    @Option var severity: String?
    @Option var value: String?
    @Option var unit: String?
    @Option var result: String?
    // Unconditional: a list that starts with a skipped item (`-,2,3…`) is still the value.
    @Option(parsing: .unconditional) var answers: String?

    var fields: [String: String] {
        var fields: [String: String] = [:]
        let given: [(String, String?)] = [
            ("score", score), ("region", region), ("context", context), ("muscle", muscle), ("side", side), ("status", status),
            ("referral", referral), ("note", note), ("technique", technique), ("minutes", minutes), ("kind", kind),
            ("text", text), ("date", date), ("ergonomics", ergonomics), ("reason", visitReason),
            ("needles", needles), ("gauge", gauge), ("depthMm", depth), ("twitch", twitch), ("subjective", subjective), ("objective", objective),
            ("assessment", assessment), ("plan", plan), ("form", form), ("risks", risks), ("severity", severity), ("value", value), ("unit", unit),
            ("result", result), ("answers", answers),
        ]
        for (field, value) in given { fields[field] = value }
        return fields
    }

    func validate() throws {
        guard !fields.isEmpty else { throw ValidationError("correct: give at least one field to correct, e.g. --score 3 (see --help)") }
    }

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.correct(event, fields: fields, reason: reason, author: author) }
        global.printWritten(envelope, message: "Corrected:")
    }
}
