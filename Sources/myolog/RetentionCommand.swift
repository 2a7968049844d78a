import ArgumentParser

struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "How long records are kept: the policy, legal holds, and the records due for erasure.",
        discussion: """
            A record is kept until the later of the Nth anniversary of the patient's last service
            (last visit, or registration if never seen; N = 7 by default) and, for a patient
            registered before 18, their 25th birthday (both configurable). Then it is due for
            erasure, unless a legal hold stands. The policy and the holds are events: every site
            applies the same ones.

            Examples:
              myolog retention due
              myolog retention policy --years 10                 # New Zealand
              myolog --as practice.manager retention hold 3f2a9c1b --reason "Claim 2031-447 pending"
              myolog --as privacy.officer erase --due --yes
            """,
        subcommands: [RetentionDueCommand.self, RetentionPolicyCommand.self, RetentionHoldCommand.self, RetentionReleaseCommand.self],
        defaultSubcommand: RetentionDueCommand.self)
}
