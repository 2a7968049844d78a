import ArgumentParser
import ClinicalEvents

struct RecordPainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pain",
        abstract: "Record a pain score (0–10 numeric rating scale).",
        discussion: """
            --context says when the score was taken: pre (before treatment), post, rest or
            activity; without it the score is stored as "unspecified". --date backdates it.

            Examples:
              myolog record pain 3f2a9c1b --score 7 --region neck --context pre
              myolog record pain 3f2a9c1b --score 3 --region "lower back" --context rest --date 2026-03-03
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient")) var patient: String
    // Unconditional: `--score -1` is a bad score (refused as such), not a missing value.
    @Option(parsing: .unconditional, help: "A whole number from 0 to 10.") var score: String
    @Option(help: "The body region (see `myolog vocabulary regions`).") var region: String
    @Option(help: "pre | post | rest | activity") var context: String?
    @Option(help: ArgumentHelp("When it was scored, if not now.", valueName: "YYYY-MM-DD|RFC3339")) var date: String?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write {
            try $0.recordPain(patient, score: score, region: region, context: context, date: date, author: author)
        }
        global.printWritten(envelope, message: "Recorded pain score:")
    }
}
