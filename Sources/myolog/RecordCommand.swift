import ArgumentParser

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record history, trigger points, techniques and pain scores.",
        discussion: """
            Terms are matched case-insensitively and with a few spellings (`Upper Trapezius`,
            `upper_trapezius`, `upper-trapezius`); the canonical term is stored. `myolog vocabulary`
            lists them.

            Examples:
              myolog record history 3f2a9c1b --kind occupation --text "Nurse" --ergonomics "12 h shifts"
              myolog record trigger-point 3f2a9c1b --muscle "upper trapezius" --side right --status active
              myolog record technique 3f2a9c1b --technique dry-needling --region neck --minutes 10
              myolog record pain 3f2a9c1b --score 6 --region neck --context pre
            """,
        subcommands: [RecordHistoryCommand.self, RecordTriggerPointCommand.self, RecordTechniqueCommand.self, RecordPainCommand.self])
}
