import ArgumentParser
import EventLog
import EventModel

struct PeerListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List this node, the nodes it trusts or removed, and nodes whose events wait for trust.",
        discussion: """
            Columns: standing (local, trusted, removed, waiting; untrusted for a node named only
            by trust-list rows this store ignores), node id, name, events stored, events waiting
            (for trust, or for a gap in the node's chain), and the last change. Only rows signed
            by this node count; any other row is listed below the table as ignored
            (`myolog verify` names them too).

            Examples:
              myolog peer list
              myolog peer list --json
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let (standings, trustList) = try store.read { (try $0.peerStandings(), try $0.trustListCheck()) }
        if global.json {
            print(JSONValue.array(standings.map(\.json)).canonicalString)
            return
        }
        if let altered = trustList.altered {
            print("The trust list fails its signature check, so no peer is trusted — \(VisibleText.escaped(altered)); run `myolog verify`")
        }
        var table = TextTable(["STANDING", "NODE", "NAME", "STORED", "WAITING", "CHANGED"])
        for standing in standings {
            let trust = standing.json.objectValue?["trust"]?.stringValue ?? ""
            let changed = standing.changedAt.map { "\($0) by \(standing.changedBy ?? "?")" } ?? ""
            table.add([trust, standing.node.rawValue, standing.name, "\(standing.stored)", "\(standing.waiting)", changed])
        }
        print(table.rendered, terminator: "")
        for row in trustList.ignored {
            print("Ignored: trust change \(row.change.map(String.init) ?? "?") naming node \(VisibleText.escaped(row.node)) — \(VisibleText.escaped(row.reason)); see `myolog verify`")
        }
    }
}
