import ArgumentParser

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Who was shown which patient's data, where, when and why — at every site, after sync.",
        discussion: """
            Every command that shows patient data (show, timeline, history, log, patients,
            conflicts, query, export fhir, bundle export, sync, retention due) records the access
            in the log before it prints anything: user (--as), patients, action, purpose
            (--purpose), node and time. Identifiers only, never clinical content. The records are
            events like any other: signed, synced, checked by `verify`, never removable.

            Examples:
              myolog --as auditor --purpose audit audit --patient 3f2a9c1b
              myolog --as auditor --purpose audit audit --user alex --since 2026-03-01 --csv
              myolog --as auditor --purpose audit audit review --since 2026-03-01 --hours 07:00-20:00
              myolog --as auditor --purpose audit audit export fhir --out audit-2026-03
            """,
        subcommands: [AuditListCommand.self, AuditReviewCommand.self, AuditExportCommand.self],
        defaultSubcommand: AuditListCommand.self)
}
