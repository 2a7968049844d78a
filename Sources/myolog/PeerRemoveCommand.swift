import ArgumentParser
import EventLog
import EventModel

struct PeerRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Stop trusting a node: no more sync with it, and its later events are refused.",
        discussion: """
            The node's events already in the log stay (they are part of the record); events of it
            not yet stored are refused from now on, whoever relays them. Takes effect on the next
            request of a running `myolog serve`.

            Examples:
              myolog --as "practice manager" peer remove 7q2m4xkd3b5n6p8r
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The node id, as `myolog peer list` prints it.", transform: NodeID.argument(printedBy: "`myolog peer list`"))
    var node: NodeID

    func run() throws {
        let author = try global.requireAuthor()
        let store = try global.openStore()
        try global.require(.trustPeers, in: store)
        try EventLogError.namingArgument("NODEID", for: "node") { try store.write { try $0.distrustPeer(node, author: author) } }
        print("Removed node \(node) from the trust list; its stored events stay, later ones will be refused")
    }
}
