import ArgumentParser
import ClinicalEvents

struct VisitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visit",
        abstract: "Start and end a patient's visit.",
        discussion: """
            Trigger points, techniques and pain scores recorded while a visit is open are linked to it.

            Examples:
              myolog visit start 3f2a9c1b --reason "Neck pain after a long drive"
              myolog visit end 3f2a9c1b --note "Review in two weeks"
            """,
        subcommands: [VisitStartCommand.self, VisitEndCommand.self, VisitSignCommand.self])
}
