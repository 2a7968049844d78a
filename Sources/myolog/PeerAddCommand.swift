import ArgumentParser
import EventLog
import EventModel

struct PeerAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Trust a node: sync with it, and apply its events (including those waiting).",
        discussion: """
            Records who added the node and when (the trust list is append-only). Events of the node
            that arrived before it was trusted are applied now, checked exactly as on receipt.

            Examples:
              myolog --as "practice manager" peer add 7q2m4xkd3b5n6p8r --name "Fitzroy front desk"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The node id, as `myolog id` prints it on that machine.", transform: NodeID.argument(printedBy: "`myolog id`"))
    var node: NodeID
    @Option(help: "What to call the node here (a site or machine name).") var name: String

    func run() throws {
        let author = try global.requireAuthor()
        let store = try global.openStore()
        try global.require(.trustPeers, in: store)
        let applied = try EventLogError.namingArgument("NODEID", for: "node") { try store.write { try $0.trustPeer(node, name: name, author: author) } }
        print("Trusted node \(node) as \"\(name)\"" + (applied > 0 ? "; applied \(applied) waiting event\(applied == 1 ? "" : "s")" : ""))
    }
}
