import ArgumentParser
import EventLog
import Foundation

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Exchange events with another store directory (this machine, a share, a USB disk).",
        discussion: """
            Both stores end with each other's events: each side sends exactly what the other's
            vector clock lacks, per origin in sequence order, relaying events of third sites too.
            Every event is checked (hash, chain link, sequence, enrolment) before it is stored, in
            batches that each commit with their views: an interrupted sync resumes where it
            stopped, and a finished one run again moves nothing. Two stores holding different
            events at the same place of one origin's chain (a cloned store, a restored backup, an
            altered copy) are a fork: nothing moves and sync exits non-zero naming the origin and
            sequence. Not yet: quarantine of forks, trust lists, bundles and HTTP.

            Examples:
              myolog sync /media/usb/clinic-laptop
              myolog --store ~/myolog sync /srv/share/brunswick --json
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The other store's directory.", valueName: "dir")) var peer: String
    @Option(name: .customLong("batch-size"), help: "Events per transaction (1–100,000).") var batchSize = 1000

    func validate() throws {
        guard (1...100_000).contains(batchSize) else { throw ValidationError("batch-size: \(batchSize) is not accepted; accepted: 1 to 100,000") }
    }

    func run() throws {
        let local = try global.openStore()
        let peerURL = URL(fileURLWithPath: (peer as NSString).expandingTildeInPath).standardizedFileURL
        guard peerURL.path != local.directory.standardizedFileURL.path else {
            throw ValidationError("dir: \(peer) is this store itself; give another store's directory")
        }
        let other = try EventStore.open(at: peerURL, projections: GlobalOptions.projections)
        let (received, sent) = try LogExchange.sync(local, with: other, batchSize: batchSize)
        func json(_ moved: LogExchange.Moved) -> JSONValue {
            .object(Dictionary(uniqueKeysWithValues: moved.map { ($0.key.rawValue, JSONValue.int($0.value)) }))
        }
        if global.json {
            print(JSONValue.object(["received": json(received), "sent": json(sent), "peer": .string(other.identity.nodeID.rawValue)]).canonicalString)
            return
        }
        func describe(_ moved: LogExchange.Moved) -> String {
            let total = moved.values.reduce(0, +)
            guard total > 0 else { return "0 events" }
            return "\(total) event\(total == 1 ? "" : "s") (" + moved.keys.sorted().map { "\($0): \(moved[$0]!)" }.joined(separator: ", ") + ")"
        }
        if received.values.reduce(0, +) + sent.values.reduce(0, +) == 0 {
            print("Already in sync with \(other.identity.site) (node \(other.identity.nodeID)): nothing to move")
        } else {
            print("Synced with \(other.identity.site) (node \(other.identity.nodeID)): received \(describe(received)), sent \(describe(sent))")
        }
    }
}
