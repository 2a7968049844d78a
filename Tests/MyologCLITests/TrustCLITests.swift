import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

@Suite("myolog peer: the trust list")
struct TrustCLITests {
    let scratch = TemporaryDirectory("cli")

    func node(_ store: String) throws -> String {
        let id = try MyologProcess.run(["--store", store, "--json", "id"]).stdout
        return try #require(JSONParser.parse(id.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["nodeId"]?.stringValue)
    }

    /// The store's file bytes that a refusal must leave alone: the log and the trust list.
    func state(_ store: String) throws -> [String] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT hash FROM events ORDER BY position")
                + String.fetchAll(db, sql: "SELECT node || trusted FROM peer_trust ORDER BY change")
                + String.fetchAll(db, sql: "SELECT origin || sequence FROM held_events ORDER BY origin, sequence")
        }
    }

    @Test("bad peer input is one line naming the field; nothing written", arguments: [
        (["peer", "add", "nonsense", "--name", "X"], "NODEID"),
        (["peer", "add", "aaaaaaaaaaaaaaaa"], "name"),
        (["peer", "add", "aaaaaaaaaaaaaaaa", "--name", " "], "name"),
        (["peer", "remove", "aaaaaaaaaaaaaaaa"], "NODEID"),
        (["peer", "remove", "Not-A-Node"], "NODEID"),
    ])
    func badInput(_ arguments: [String], _ field: String) throws {
        let store = scratch.path("store")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Here"]).status == 0)
        let before = try state(store)
        let result = try MyologProcess.run(["--store", store, "--as", "op"] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(field), "\(result.stderr)")
        #expect(try state(store) == before)
    }

    @Test("adding this store's own node is refused; nothing written")
    func ownNode() throws {
        let store = scratch.path("store")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Here"]).status == 0)
        let before = try state(store)
        let own = try node(store)
        let result = try MyologProcess.run(["--store", store, "--as", "op", "peer", "add", own, "--name", "me"])
        #expect(result.status != 0 && result.stderr.contains("own node"), "\(result.stderr)")
        #expect(try state(store) == before)
    }

    @Test("path sync needs trust both ways: refused with the command that fixes it, nothing moved")
    func pathSyncNeedsTrust() throws {
        let a = scratch.path("a"), b = scratch.path("b")
        #expect(try MyologProcess.run(["demo", "tour", "--store", a]).status == 0)
        #expect(try MyologProcess.run(["--store", b, "init", "--site", "B"]).status == 0)
        let (nodeA, nodeB) = (try node(a), try node(b))
        func events(_ store: String) throws -> [String] {
            try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT hash FROM events ORDER BY position") }
        }
        let (beforeA, beforeB) = (try state(a), try events(b))
        let untrusted = try MyologProcess.run(["--store", b, "sync", a])
        #expect(untrusted.status != 0 && untrusted.stderr.contains("peer add \(nodeA)"), "\(untrusted.stderr)")
        #expect(try MyologProcess.run(["--store", b, "--as", "op", "peer", "add", nodeA, "--name", "A"]).status == 0)
        let oneWay = try MyologProcess.run(["--store", b, "sync", a])
        #expect(oneWay.status != 0 && oneWay.stderr.contains("does not trust this store's node \(nodeB)"), "\(oneWay.stderr)")
        #expect(try state(a) == beforeA)
        #expect(try events(b) == beforeB, "no events moved")
    }

    @Test("a bundle from a node not yet trusted waits, shown by peer list; peer add applies it; the views match the source's")
    func bundleWaitsForTrust() throws {
        let a = scratch.path("a"), b = scratch.path("b"), file = scratch.path("a.myolog")
        #expect(try MyologProcess.run(["demo", "tour", "--store", a]).status == 0)
        // How many events the demo wrote (the sample patients change; the test counts them).
        let demo = try DatabaseQueue(path: a + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") ?? 0 }
        #expect(try MyologProcess.run(["--store", b, "init", "--site", "B"]).status == 0)
        // A trusts B and knows its enrolment, so its bundle carries the keys sealed to B.
        #expect(try MyologProcess.run(["--store", a, "--as", "op", "peer", "add", MyologProcess.nodeID(b), "--name", "B"]).status == 0)
        try MyologProcess.enrol(b, into: a, via: file)
        #expect(try MyologProcess.run(["--store", a, "bundle", "export", "--out", file, "--force", "--for", MyologProcess.nodeID(b)]).status == 0)
        let imported = try MyologProcess.run(["--store", b, "bundle", "import", file])
        #expect(imported.status == 0 && imported.stdout.contains("wait unapplied"), "\(imported.stdout)\(imported.stderr)")
        #expect(try MyologProcess.run(["--store", b, "patients", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        let nodeA = try node(a)
        let list = try MyologProcess.run(["--store", b, "peer", "list", "--json"])
        let waiting = try JSONParser.parse(list.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest.first { $0.objectValue?["node"]?.stringValue == nodeA }
        #expect(waiting?.objectValue?["trust"] == .string("waiting") && waiting?.objectValue?["waitingEvents"] == .int(demo), "\(list.stdout)")
        let added = try MyologProcess.run(["--store", b, "--as", "practice manager", "peer", "add", nodeA, "--name", "Carlton"])
        #expect(added.status == 0 && added.stdout.contains("applied \(demo) waiting events"), "\(added.stdout)\(added.stderr)")
        // The keys could not be checked against events still waiting: importing again, now that
        // the events are stored, keeps them.
        let again = try MyologProcess.run(["--store", b, "bundle", "import", file])
        #expect(again.status == 0 && again.stdout.contains("Stored the keys of 4 patients"), "\(again.stdout)\(again.stderr)")
        #expect(try MyologProcess.run(["--store", b, "patients", "--json"]).stdout == MyologProcess.run(["--store", a, "patients", "--json"]).stdout)
        let text = try MyologProcess.run(["--store", b, "peer", "list"]).stdout
        #expect(text.contains("trusted") && text.contains("Carlton") && text.contains("practice manager"), "\(text)")
        #expect(try MyologProcess.run(["--store", b, "verify"]).status == 0)
    }

    @Test("tls-identity writes the certificate and a 0600 key into a new 0700 directory, and refuses an existing one in one line")
    func tlsIdentity() throws {
        let store = scratch.path("store"), out = scratch.path("tls")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Here"]).status == 0)
        let written = try MyologProcess.run(["--store", store, "tls-identity", "--out", out])
        #expect(written.status == 0, "\(written.stderr)")
        func mode(_ path: String) throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int }
        #expect(try mode(out) == 0o700 && mode(out + "/private-key.pem") == 0o600)
        let certificate = try String(contentsOfFile: out + "/certificate.pem", encoding: .utf8)
        #expect(certificate.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let key = try String(contentsOfFile: out + "/private-key.pem", encoding: .utf8)
        let again = try MyologProcess.run(["--store", store, "tls-identity", "--out", out])
        #expect(again.status != 0 && again.stderr.split(separator: "\n").count == 1 && again.stderr.contains("out:"), "\(again.stderr)")
        #expect(try String(contentsOfFile: out + "/private-key.pem", encoding: .utf8) == key, "the existing files were left alone")
    }
}
