import ArgumentParser
import EventLog
import Foundation
import EventModel

struct ForksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forks",
        abstract: "List forks this store has seen, with the quarantined events; record decisions on them.",
        discussion: """
            A fork is two different events at the same place of one origin's chain: a store copied
            with cp -r and both copies written to, a backup restored over newer work, an altered
            copy. Sync never merges one; it quarantines the other store's event here and reports
            it until an operator decides. Exits 3 while any fork is undecided.

            Examples:
              myolog forks
              myolog forks --json
              myolog forks decide 7Q2M4XKD3B5N6P8R 41 --note "laptop restored from backup; its copy re-initialised"
            """,
        subcommands: [ForksListCommand.self, ForksDecideCommand.self],
        defaultSubcommand: ForksListCommand.self)
}

struct ForksListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List forks: where, both events' hashes, the quarantined event, the decision.",
        discussion: """
            Examples:
              myolog forks list
              myolog forks list --json
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let forks = try store.read { reader in
            try reader.forks().map { fork in
                (fork, try reader.hash(origin: fork.origin, sequence: fork.sequence), try reader.quarantinedEvent(origin: fork.origin, sequence: fork.sequence, hash: fork.hash))
            }
        }
        if global.json {
            print(JSONValue.array(forks.map { fork, held, quarantined in
                var object = fork.json.objectValue ?? [:]
                object["heldHash"] = held.map { .string($0.rawValue) } ?? .null
                object["quarantinedEvent"] = quarantined.map { (try? JSONParser.parse(Array($0.canonicalText.utf8))) ?? .null } ?? .null
                return .object(object)
            }).canonicalString)
        } else if forks.isEmpty {
            print("No forks.")
        } else {
            for (fork, held, quarantined) in forks {
                print("origin \(fork.origin) sequence \(fork.sequence): \(fork.isOpen ? "OPEN" : "decided")")
                print("    held here:   \(held?.rawValue ?? "(nothing yet)")")
                print("    quarantined: \(fork.hash) — \(quarantined.map { "\(VisibleText.escaped($0.type)) by \(VisibleText.escaped($0.author)) at \($0.recordedAt)" } ?? "")")
                print("    why:         \(fork.reason) (seen \(fork.detectedAt))")
                if let decision = fork.decision {
                    print("    decision:    \(VisibleText.indented(decision.note, indent: "                 ")) — \(VisibleText.escaped(decision.author)), \(decision.decidedAt)")
                }
            }
        }
        if forks.contains(where: { $0.0.isOpen }) { throw ExitCode(3) }
    }
}

struct ForksDecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Record an operator's decision on a fork, so sync and verify stop failing on it.",
        discussion: """
            The decision is appended (who, when, why); the quarantined event stays as evidence and
            is still never merged. Deal with the other copy first (re-initialise it with
            `myolog init` and sync), then record what was done.

            Examples:
              myolog --as "practice manager" forks decide 7Q2M4XKD3B5N6P8R 41 --note "USB copy discarded"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The forked origin's node id.", valueName: "origin"), transform: NodeID.argument(field: "origin", printedBy: "`myolog forks`")) var origin: NodeID
    @Argument(help: "The sequence where the chains part.") var sequence: Int
    @Option(help: "What was decided and why.") var note: String

    func run() throws {
        let author = try global.requireAuthor()
        let node = origin
        let store = try global.openStore()
        try global.require(.trustPeers, in: store)
        try store.write { try $0.decideFork(origin: node, sequence: sequence, author: author, note: note) }
        print("Recorded the decision on the fork at origin \(node) sequence \(sequence). The quarantined event stays evidence and is never merged: "
            + "what that copy wrote from there on does not reach this store; re-enter anything still needed as new entries.")
    }
}
