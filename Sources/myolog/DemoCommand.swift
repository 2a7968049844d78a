import ArgumentParser

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Two demo sites syncing, a demo store, or synthetic data for load tests.",
        discussion: """
            Examples:
              myolog demo                               # two sites, Carlton and Fitzroy, sync and resolve a conflict
              myolog demo tour                          # one store with the sample patients, and its log
              myolog demo tour --store /tmp/clinic      # the same, in a directory you choose
              myolog demo generate --store /tmp/load --patients 2000 --events-per-patient 50 --seed 7
            """,
        subcommands: [DemoSitesCommand.self, DemoTourCommand.self, DemoGenerateCommand.self],
        defaultSubcommand: DemoSitesCommand.self)
}
