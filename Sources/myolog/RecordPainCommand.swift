import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

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
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    // Unconditional: `--score -1` is a bad score (refused as such), not a missing value.
    @Option(parsing: .unconditional, help: "A whole number from 0 to 10.", transform: PainScore.init) var score: PainScore
    @Option(help: "The body region.") var region: BodyRegion
    @Option(help: "When it was scored (default: unspecified).") var context: PainContext?
    @Option(help: ArgumentHelp("When it was scored, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write {
            try $0.recordPain(patient, score: score, region: region, context: context, date: date, author: author)
        }
        global.printWritten(envelope, message: "Recorded pain score:")
    }
}
