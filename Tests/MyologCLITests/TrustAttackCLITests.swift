import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// Issue 29: someone with the store file and plain `sqlite3` writes the trust list — inserts a
/// row trusting their own node, copies a signed row from another store, edits or deletes a signed
/// row — so that their node syncs and receives every record and key. Only rows signed by the
/// store's own node count: the forged row is ignored (the sync is refused), `verify` names it and
/// exits 1, and a list cut back or edited is not obeyed at all.
@Suite("The trust list, forged with sqlite3")
struct TrustAttackCLITests {
    let scratch = TemporaryDirectory("cli")

    /// Runs SQL on a store's database with the `sqlite3` shell, as an attacker would.
    @discardableResult
    func sqlite3(_ store: String, _ sql: String) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(["sqlite3", store + "/myolog.sqlite", sql], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(result.status == 0, "sqlite3: \(result.stderr)")
        return result
    }

    /// A clinic store `a` holding patients, and the attacker's store `x`, which trusts `a` (the
    /// attacker controls x, so x's side of the handshake is willing).
    func clinicAndAttacker() throws -> (a: String, x: String, nodeA: String, nodeX: String) {
        let a = scratch.path("a"), x = scratch.path("x")
        #expect(try MyologProcess.run(["demo", "tour", "--store", a]).status == 0)
        #expect(try MyologProcess.run(["--store", x, "init", "--site", "Mallory"]).status == 0)
        let (nodeA, nodeX) = (try MyologProcess.nodeID(a), try MyologProcess.nodeID(x))
        #expect(try MyologProcess.run(["--store", x, "--as", "mallory", "peer", "add", nodeA, "--name", "Victim"]).status == 0)
        return (a, x, nodeA, nodeX)
    }

    /// Events of `origin` that `store` holds.
    func events(of origin: String, in store: String) throws -> Int {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events WHERE origin = ?", arguments: [origin]) ?? -1 }
    }

    /// `verify --json`'s trust-list section.
    func verifiedTrustList(_ store: String) throws -> (status: Int32, trustList: [String: JSONValue]) {
        let result = try MyologProcess.run(["--store", store, "--json", "verify"])
        let report = try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue
        return (result.status, try #require(report?["trustList"]?.objectValue, "\(result.stdout)\(result.stderr)"))
    }

    /// The path sync from the attacker's store, expected refused by `a` with nothing moved.
    func expectPathSyncRefused(x: String, a: String, nodeA: String, nodeX: String, saying words: String) throws {
        let sync = try MyologProcess.run(["--store", x, "sync", a])
        #expect(sync.status != 0 && sync.stderr.contains(words), "\(sync.stdout)\(sync.stderr)")
        #expect(try events(of: nodeA, in: x) <= 1, "the attacker holds nothing of a's but, at most, its public enrolment")
        #expect(try DatabaseQueue(path: x + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM patient_keys") } == 0, "no patient key reached the attacker")
    }

    @Test("an unsigned row inserted with sqlite3 trusting the attacker's node is ignored: path sync refused, verify exits 1 naming it, peer list shows it untrusted")
    func insertedRowIsIgnored() throws {
        let (a, x, nodeA, nodeX) = try clinicAndAttacker()
        try sqlite3(a, "INSERT INTO peer_trust (node, name, trusted, changedAt, author) VALUES ('\(nodeX)', 'Mallory', 1, '2026-01-05T09:00:00.000Z', 'practice.manager')")
        try expectPathSyncRefused(x: x, a: a, nodeA: nodeA, nodeX: nodeX, saying: "does not trust this store's node \(nodeX)")

        let verify = try MyologProcess.run(["--store", a, "verify"])
        #expect(verify.status == 1, "\(verify.stdout)")
        #expect(verify.stdout.contains("Trust list: ALTERED") && verify.stdout.contains("change 1 naming node \(nodeX): ignored — not signed"), "\(verify.stdout)")
        #expect(verify.stdout.contains("Chains: ok") && verify.stdout.contains("Views: ok"), "the log itself is intact: \(verify.stdout)")
        let (status, trustList) = try verifiedTrustList(a)
        #expect(status == 1 && trustList["ok"] == .bool(false) && trustList["changes"] == .int(0))
        let ignored = trustList["ignored"]?.arrayValueForTest.first?.objectValue
        #expect(ignored?["change"] == .int(1) && ignored?["node"] == .string(nodeX), "\(trustList)")

        let list = try MyologProcess.run(["--store", a, "peer", "list"]).stdout
        let row = list.split(separator: "\n").first { $0.contains(nodeX) }.map(String.init) ?? ""
        #expect(row.hasPrefix("untrusted") && !row.hasPrefix("trusted"), "\(list)")
        #expect(list.contains("Ignored: trust change 1 naming node \(nodeX)"), "\(list)")
        // Adding the node for real still works, and is not mistaken for a second "add" of a trusted node.
        #expect(try MyologProcess.run(["--store", a, "--as", "op", "peer", "add", nodeX, "--name", "X"]).status == 0)
    }

    @Test("the same forged row over HTTPS: serve refuses the attacker's node at the TLS handshake; nothing reaches it")
    func insertedRowIsIgnoredOverHTTPS() throws {
        let (a, x, nodeA, nodeX) = try clinicAndAttacker()
        try sqlite3(a, "INSERT INTO peer_trust (node, name, trusted, changedAt, author) VALUES ('\(nodeX)', 'Mallory', 1, '2026-01-05T09:00:00.000Z', 'practice.manager')")
        let server = try HTTPSyncCLITests.Server(store: a, scratch: scratch, name: "a")
        let sync = try MyologProcess.run(["--store", x, "sync", server.url])
        let log = server.stop()
        #expect(sync.status != 0, "\(sync.stdout)")
        #expect(log.contains("refused a TLS client: node \(nodeX) is not in this store's trust list"), "\(log)")
        #expect(try events(of: nodeA, in: x) == 0, "the attacker received nothing")
        #expect(try DatabaseQueue(path: x + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM patient_keys") } == 0)
    }

    @Test("a row signed by another store (copied with its signature) is not this store's: ignored, sync refused, verify names it")
    func rowCopiedFromAnotherStore() throws {
        let (a, x, nodeA, nodeX) = try clinicAndAttacker()
        // A store whose trust list really holds the attacker's node, signed by that store's key.
        let b = scratch.path("b")
        #expect(try MyologProcess.run(["--store", b, "init", "--site", "B"]).status == 0)
        #expect(try MyologProcess.run(["--store", b, "--as", "op", "peer", "add", nodeX, "--name", "Mallory"]).status == 0)
        try sqlite3(a, "ATTACH '\(b)/myolog.sqlite' AS b; INSERT INTO peer_trust SELECT * FROM b.peer_trust")
        try expectPathSyncRefused(x: x, a: a, nodeA: nodeA, nodeX: nodeX, saying: "does not trust this store's node \(nodeX)")
        let verify = try MyologProcess.run(["--store", a, "verify"])
        #expect(verify.status == 1 && verify.stdout.contains("change 1 naming node \(nodeX): ignored — its signature is not this node's"), "\(verify.stdout)")
    }

    @Test("peer add then sync works and verify is clean; peer remove stops the next sync and verify stays clean")
    func legitimateChanges() throws {
        let (a, x, nodeA, nodeX) = try clinicAndAttacker()
        #expect(try MyologProcess.run(["--store", a, "--as", "practice manager", "peer", "add", nodeX, "--name", "Laptop"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: a + "/trust.head"))
        let sync = try MyologProcess.run(["--store", x, "sync", a])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(try events(of: nodeA, in: x) > 1, "x received a's records")
        for store in [a, x] {
            let verify = try MyologProcess.run(["--store", store, "verify"])
            #expect(verify.status == 0 && verify.stdout.contains("Trust list: ok — 1 change, each signed by this node"), "\(verify.stdout)")
        }
        #expect(try MyologProcess.run(["--store", a, "--as", "practice manager", "peer", "remove", nodeX]).status == 0)
        let refused = try MyologProcess.run(["--store", x, "sync", a])
        #expect(refused.status != 0 && refused.stderr.contains("does not trust this store's node \(nodeX)"), "\(refused.stderr)")
        let verify = try MyologProcess.run(["--store", a, "verify"])
        #expect(verify.status == 0 && verify.stdout.contains("Trust list: ok — 2 changes"), "\(verify.stdout)")
        let list = try MyologProcess.run(["--store", a, "peer", "list"]).stdout
        #expect(list.split(separator: "\n").contains { $0.hasPrefix("removed") && $0.contains(nodeX) } && !list.contains("Ignored"), "\(list)")
        // A copy without node.key (a backup being checked) verifies the signatures with the key
        // the store enrolled with: the same verdict.
        let copy = scratch.path("a-copy")
        try FileManager.default.copyItem(atPath: a, toPath: copy)
        try FileManager.default.removeItem(atPath: copy + "/node.key")
        let keyless = try MyologProcess.run(["--store", copy, "verify"])
        #expect(keyless.status == 0 && keyless.stdout.contains("Trust list: ok — 2 changes"), "\(keyless.stdout)\(keyless.stderr)")
        try sqlite3(copy, "INSERT INTO peer_trust (node, name, trusted, changedAt, author) VALUES ('\(nodeX)', 'Mallory', 1, '2026-01-05T09:00:00.000Z', 'op')")
        let forged = try MyologProcess.run(["--store", copy, "verify"])
        #expect(forged.status == 1 && forged.stdout.contains("change 3 naming node \(nodeX): ignored — not signed"), "\(forged.stdout)")
    }

    /// `a` trusted the attacker's node once (`peer add`), then removed it (`peer remove`): the
    /// removal is change 2.
    func removedAttacker() throws -> (a: String, x: String, nodeA: String, nodeX: String) {
        let stores = try clinicAndAttacker()
        for command in [["peer", "add", stores.nodeX, "--name", "Old laptop"], ["peer", "remove", stores.nodeX]] {
            #expect(try MyologProcess.run(["--store", stores.a, "--as", "op"] + command).status == 0)
        }
        return stores
    }

    @Test("a signed removal edited back to trusted (trigger dropped, UPDATE) is not obeyed: sync refused, verify exits 1 naming the row")
    func editedRowIsNotObeyed() throws {
        let (a, x, nodeA, nodeX) = try removedAttacker()
        try sqlite3(a, "DROP TRIGGER peer_trust_refuse_update; UPDATE peer_trust SET trusted = 1 WHERE change = 2")
        try expectPathSyncRefused(x: x, a: a, nodeA: nodeA, nodeX: nodeX, saying: "trust list fails its signature check")
        let verify = try MyologProcess.run(["--store", a, "verify"])
        #expect(verify.status == 1 && verify.stdout.contains("change 2 naming node \(nodeX): ignored — its signature is not this node's"), "\(verify.stdout)")
        #expect(verify.stdout.contains("no peer is trusted") && verify.stdout.contains("lacks change 2"), "\(verify.stdout)")
        let list = try MyologProcess.run(["--store", a, "peer", "list"]).stdout
        #expect(!list.split(separator: "\n").contains { $0.hasPrefix("trusted") }, "\(list)")
        // Nor does the list take new changes on top of rows it does not obey.
        let add = try MyologProcess.run(["--store", a, "--as", "op", "peer", "add", nodeX, "--name", "again"])
        #expect(add.status != 0 && add.stderr.contains("trust list fails its signature check"), "\(add.stderr)")
    }

    @Test("the newest signed row (a removal) deleted: trust.head records it, so the list is not obeyed; trust.head deleted too: still not")
    func deletedNewestRowIsDetected() throws {
        let (a, x, nodeA, nodeX) = try removedAttacker()
        try sqlite3(a, "DROP TRIGGER peer_trust_refuse_delete; DELETE FROM peer_trust WHERE change = 2")
        try expectPathSyncRefused(x: x, a: a, nodeA: nodeA, nodeX: nodeX, saying: "trust list fails its signature check")
        let verify = try MyologProcess.run(["--store", a, "verify"])
        #expect(verify.status == 1 && verify.stdout.contains("lacks change 2"), "\(verify.stdout)")
        try FileManager.default.removeItem(atPath: a + "/trust.head")
        try expectPathSyncRefused(x: x, a: a, nodeA: nodeA, nodeX: nodeX, saying: "trust.head")
        let again = try MyologProcess.run(["--store", a, "verify"])
        #expect(again.status == 1 && again.stdout.contains("trust.head") && again.stdout.contains("is missing"), "\(again.stdout)")
    }

    @Test("a removal deleted from the middle of the list: the next row no longer links, and the list is not obeyed")
    func deletedMiddleRowIsDetected() throws {
        let (a, x, nodeA, nodeX) = try removedAttacker()
        let c = scratch.path("c")
        #expect(try MyologProcess.run(["--store", c, "init", "--site", "C"]).status == 0)
        #expect(try MyologProcess.run(["--store", a, "--as", "op", "peer", "add", MyologProcess.nodeID(c), "--name", "C"]).status == 0)
        try sqlite3(a, "DROP TRIGGER peer_trust_refuse_delete; DELETE FROM peer_trust WHERE change = 2")
        try expectPathSyncRefused(x: x, a: a, nodeA: nodeA, nodeX: nodeX, saying: "trust list fails its signature check")
        let verify = try MyologProcess.run(["--store", a, "verify"])
        #expect(verify.status == 1 && verify.stdout.contains("change 3 naming node") && verify.stdout.contains("a row before it was removed"), "\(verify.stdout)")
    }

    @Test("a store from before signed trust lists is signed once on upgrade (trust on upgrade): its peers stay trusted, verify is clean")
    func upgradeSignsExistingRows() throws {
        let (a, x, nodeA, nodeX) = try clinicAndAttacker()
        #expect(try MyologProcess.run(["--store", a, "--as", "op", "peer", "add", nodeX, "--name", "Laptop"]).status == 0)
        // Back to the schema before migration v6: no signature column, no trust.head.
        try sqlite3(a, "ALTER TABLE peer_trust DROP COLUMN signature; DELETE FROM grdb_migrations WHERE identifier = 'v6 signed trust list'")
        try FileManager.default.removeItem(atPath: a + "/trust.head")
        // Only the store's own key can sign its rows: without node.key the upgrade is refused,
        // and nothing is changed.
        try FileManager.default.moveItem(atPath: a + "/node.key", toPath: scratch.path("node.key"))
        let keyless = try MyologProcess.run(["--store", a, "verify"])
        #expect(keyless.status != 0 && keyless.stderr.contains("signs its trust list with node.key, which is missing"), "\(keyless.stdout)\(keyless.stderr)")
        #expect(try sqlite3(a, "SELECT count(*) FROM grdb_migrations WHERE identifier = 'v6 signed trust list'").stdout.hasPrefix("0"))
        try FileManager.default.moveItem(atPath: scratch.path("node.key"), toPath: a + "/node.key")
        let verify = try MyologProcess.run(["--store", a, "verify"])
        #expect(verify.status == 0 && verify.stdout.contains("Trust list: ok — 1 change"), "\(verify.stdout)")
        #expect(FileManager.default.fileExists(atPath: a + "/trust.head"))
        #expect(try MyologProcess.run(["--store", x, "sync", a]).status == 0)
        #expect(try events(of: nodeA, in: x) > 1)
    }
}
