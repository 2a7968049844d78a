import ArgumentParser
import EventLog
import EventModel

struct IdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id",
        abstract: "Show this store's node id and site.",
        discussion: """
            The node id is base32 of the first 10 bytes of SHA-256 of the node's Ed25519 public key.
            The clock is this store's vector clock (per origin node, the highest sequence held):
            give it to `--at-clock` to ask any site "what did the record say with exactly these events".

            Examples:
              myolog id
              myolog id --json      # {"clock":{…},"nodeId":"…","site":"…"}
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let identity = store.identity
        let clock = try store.read { try $0.clock() }
        if global.json {
            print(JSONValue.object(["nodeId": .string(identity.nodeID.rawValue), "site": .string(identity.site), "clock": clock.json]).canonicalString)
        } else {
            print("node \(identity.nodeID)  site \(identity.site)  clock \(clock)")
        }
    }
}
