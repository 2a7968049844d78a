import ArgumentParser
import EventLog
import Projections

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "One entry and every correction and retraction of it: the audit trail of a fact.",
        discussion: """
            Examples:
              myolog history 0194f3a2-7c1e-7d2a-9b1c-2f3e4d5c6b7a
              myolog history 0194f3a2-7c1e --json
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The event id or its last 12 characters.", valueName: "event"), transform: IDReference.init) var event: IDReference

    func run() throws {
        let store = try global.openStore()
        let trail = try store.read { try AuditTrail($0).history(of: event) }
        if global.json {
            print(try CanonicalEncoder().string(trail))
        } else {
            print(AuditRendering.text(trail), terminator: "")
        }
    }
}
