import ArgumentParser
import EventLog
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the whole log: hashes, chain links, signatures, sequences, clocks; forks; the views; the database file.",
        discussion: """
            Recomputes every event's hash from its stored bytes and follows every origin's chain;
            checks every signature against the key each origin enrolled with (self-signed), and
            that every event is covered by one; checks vector clocks and Lamport timestamps never
            go backwards; replays the whole log into fresh views and compares them with the stored
            ones (inside a transaction that is rolled back); runs SQLite's integrity_check;
            reports undecided forks and events held back. Exits 1 naming the first bad event
            (origin, sequence, id, what failed) or the differing views, 3 while a fork is
            undecided, 0 otherwise.

            Examples:
              myolog verify
              myolog --store /srv/myolog verify --json
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let (integrity, chain, forks, held) = try store.read { reader in
            (try String.fetchAll(reader.database, sql: "PRAGMA integrity_check"),
             Result { try ChainCheck.run(reader) }, try reader.forks(), try reader.heldBack())
        }
        // A log altered into something the fold refuses cannot be replayed: that is a finding
        // to report beside the chain's, not a reason to stop before naming the bad event.
        let replay = Result { try store.tablesDifferingFromReplay() }
        var replayError: String?
        if case .failure(let error) = replay { replayError = "\(error)" }
        let differingViews = (try? replay.get()) ?? []
        let viewsOK = replayError == nil && differingViews.isEmpty
        let openForks = forks.filter(\.isOpen)
        let databaseOK = integrity == ["ok"]
        if global.json {
            var chainJSON: JSONValue
            switch chain {
            case .success(let check): chainJSON = .object(["ok": .bool(true), "events": .int(check.totalEvents), "signatures": .int(check.signatures)])
            case .failure(let problem): chainJSON = .object(["ok": .bool(false), "problem": .string("\(problem)")])
            }
            print(JSONValue.object([
                "database": .object(["ok": .bool(databaseOK), "messages": .array(integrity.map(JSONValue.string))]),
                "chains": chainJSON, "forks": .array(forks.map(\.json)),
                "views": .object(["ok": .bool(viewsOK), "differingTables": .array(differingViews.map(JSONValue.string)),
                                  "replayError": replayError.map(JSONValue.string) ?? .null]),
                "heldBack": .object(Dictionary(uniqueKeysWithValues: held.map { ($0.key.rawValue, JSONValue.int($0.value)) })),
            ]).canonicalString)
        } else {
            print(databaseOK ? "Database: ok" : "Database: DAMAGED — " + integrity.joined(separator: "; "))
            switch chain {
            case .success(let check): print("Chains: ok — \(check.totalEvents) events in \(check.eventsPerOrigin.count) origin chains, every hash and link recomputed, \(check.signatures) signatures verified, every event covered by one")
            case .failure(let problem): print("Chains: BROKEN — \(problem)")
            }
            if let replayError {
                print("Views: the log cannot be replayed — \(replayError)")
            } else {
                print(differingViews.isEmpty ? "Views: ok — equal to a fresh replay of the log" : "Views: DIFFER from a fresh replay of the log in " + differingViews.joined(separator: ", ") + " (run `myolog rebuild`)")
            }
            print(forks.isEmpty ? "Forks: none" : "Forks: \(openForks.count) open, \(forks.count - openForks.count) decided (see `myolog forks`)")
            for (origin, count) in held.sorted(by: { $0.key < $1.key }) {
                print("Held back: \(count) event\(count == 1 ? "" : "s") of origin \(origin) wait for the events before them")
            }
        }
        SyncReportPrinter(json: global.json).printForks(openForks)
        guard databaseOK, case .success = chain, viewsOK else { throw ExitCode(1) }
        if !openForks.isEmpty { throw ExitCode(3) }
    }
}
