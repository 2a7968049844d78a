import ArgumentParser

struct OutcomeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcome",
        abstract: "The outcome measures Myolog scores: their items, scoring, thresholds and licences.",
        discussion: """
            Answers are recorded with `myolog record outcome`; `show` and `report` give each
            instrument's course from baseline, the change and whether it reaches the MCID.

            Examples:
              myolog outcome instruments
              myolog outcome instruments --json
            """,
        subcommands: [OutcomeInstrumentsCommand.self])
}
