import ArgumentParser
import EventLog

struct IdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id",
        abstract: "Show this store's node id and site.",
        discussion: """
            The node id is base32 of the first 10 bytes of SHA-256 of the node's Ed25519 public key.

            Examples:
              myolog id
              myolog id --json      # {"nodeId":"…","site":"…"}
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let identity = store.identity
        if global.json {
            print(JSONValue.object(["nodeId": .string(identity.nodeID.rawValue), "site": .string(identity.site)]).canonicalString)
        } else {
            print("node \(identity.nodeID)  site \(identity.site)")
        }
    }
}
