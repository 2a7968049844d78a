import ArgumentParser

struct PeerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer",
        abstract: "This store's trust list: the clinic machines whose records it accepts and syncs with.",
        discussion: """
            Each store decides for itself which nodes it trusts; the list is never synced. Sync (over
            HTTPS, a path or a bundle) exchanges records only between nodes that trust each other,
            and applies an event only if its origin is trusted here — also when a trusted peer
            relays it. Events of a node not yet trusted wait, unapplied, until it is added; a
            removed node's events already stored stay, later ones are refused.

            Find a machine's node id with `myolog id` on that machine, and compare it with what
            its operator tells you before adding it.

            Examples:
              myolog peer add 7q2m4xkd3b5n6p8r --name "Fitzroy front desk"
              myolog peer list
              myolog peer remove 7q2m4xkd3b5n6p8r
            """,
        subcommands: [PeerListCommand.self, PeerAddCommand.self, PeerRemoveCommand.self],
        defaultSubcommand: PeerListCommand.self)
}
