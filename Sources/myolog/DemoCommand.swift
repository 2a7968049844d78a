import ArgumentParser

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a demo store, or generate synthetic data for load tests.",
        discussion: """
            Examples:
              myolog demo                          # sample patients in a new temporary store
              myolog demo --store /tmp/clinic      # the same, in a directory you choose
              myolog demo generate --store /tmp/load --patients 2000 --events-per-patient 50 --seed 7
            """,
        subcommands: [DemoTourCommand.self, DemoGenerateCommand.self],
        defaultSubcommand: DemoTourCommand.self)
}
