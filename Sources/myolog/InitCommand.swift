import ArgumentParser
import EventLog
import EventModel

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a store: one directory for one clinic machine.",
        discussion: """
            Creates the directory (mode 0700) with the SQLite log and this machine's Ed25519 node
            key (node.key, mode 0600). The node id is derived from the public key. Refuses to
            touch a directory that already holds a store or any other file.

            Examples:
              myolog init --site "Fitzroy clinic" --store ~/myolog
              MYOLOG_STORE=/srv/myolog myolog init --site "Brunswick" --json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The clinic site this machine belongs to.", valueName: "name"))
    var site: String

    func run() throws {
        let store = try global.createStore(at: try global.storeDirectory(), site: site, author: global.user ?? "myolog init")
        if global.json {
            print(JSONValue.object(["nodeId": .string(store.identity.nodeID.rawValue), "site": .string(site), "store": .string(store.directory.path)]).canonicalString)
        } else {
            print("Created store for site \"\(site)\" at \(store.directory.path); node \(store.identity.nodeID)")
        }
    }
}
