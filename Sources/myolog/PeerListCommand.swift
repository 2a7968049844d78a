import ArgumentParser
import EventLog

struct PeerListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List this node, the nodes it trusts or removed, and nodes whose events wait for trust.",
        discussion: """
            Columns: standing (local, trusted, removed, waiting), node id, name, events stored,
            events waiting (for trust, or for a gap in the node's chain), and the last change.

            Examples:
              myolog peer list
              myolog peer list --json
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let standings = try store.read { try $0.peerStandings() }
        if global.json {
            print(JSONValue.array(standings.map(\.json)).canonicalString)
            return
        }
        var table = TextTable(["STANDING", "NODE", "NAME", "STORED", "WAITING", "CHANGED"])
        for standing in standings {
            let trust = standing.json.objectValue?["trust"]?.stringValue ?? ""
            let changed = standing.changedAt.map { "\($0) by \(standing.changedBy ?? "?")" } ?? ""
            table.add([trust, standing.node.rawValue, standing.name, "\(standing.stored)", "\(standing.waiting)", changed])
        }
        print(table.rendered, terminator: "")
    }
}
