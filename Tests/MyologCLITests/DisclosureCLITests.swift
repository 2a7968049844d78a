import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// Issue 29: a disclosure is recorded at the sender *before* what makes a patient readable at
/// the receiver leaves — whatever instant the sync is killed at, and whether or not the client
/// ever says it is done. The check is the same everywhere: every patient whose key the receiver
/// holds (so whose record it can read) is named in a disclosure record at the sender.
@Suite("Disclosures recorded before they leave: killed syncs, a client that never says it ended")
struct DisclosureCLITests {
    let scratch = TemporaryDirectory("disclosure")

    /// A sender with 60 patients of 20 events each, a receiver, trusting each other.
    func sites() throws -> (sender: String, receiver: String, senderNode: String, receiverNode: String) {
        let sender = scratch.path("sender"), receiver = scratch.path("receiver")
        #expect(try MyologProcess.run(["--store", sender, "demo", "generate", "--patients", "60", "--events-per-patient", "20", "--seed", "29"]).status == 0)
        #expect(try MyologProcess.run(["--store", receiver, "init", "--site", "Receiver"]).status == 0)
        try MyologProcess.trustEachOther(sender, receiver)
        return (sender, receiver, try MyologProcess.nodeID(sender), try MyologProcess.nodeID(receiver))
    }

    /// Patients whose key `store` holds: those whose record it can read.
    func readable(_ store: String) throws -> Set<String> {
        Set(try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT patient FROM patient_keys") })
    }

    /// Patients `store` recorded as disclosed to `peer`.
    func disclosed(by store: String, to peer: String) throws -> Set<String> {
        let payloads = try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT payload FROM events WHERE type = 'RecordAccessed'") }
        var patients = Set<String>()
        for payload in payloads {
            let members = try JSONParser.parse(payload).objectValue ?? [:]
            guard members["action"]?.stringValue == "disclosure", members["peer"]?.stringValue == peer else { continue }
            patients.formUnion(members["patients"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        return patients
    }

    /// Ten seeded kill points, spread over the sync's length: fractions of what it brings.
    static let killPoints: [Double] = {
        var generator = SeededGenerator(seed: 29)
        return (0..<10).map { _ in Double.random(in: 0.05...0.9, using: &generator) }
    }()

    /// Events and patients' keys: what a sync brings, counted alike.
    static let held = "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM patient_keys)"

    /// Kills `myolog arguments`, a sync from `sender` into `receiver`, once the receiver holds
    /// `fraction` of what the sender has: a point of observed progress, not a time.
    func killed(_ arguments: [String], from sender: String, into receiver: String, at fraction: Double) throws {
        let start = try MyologProcess.count(receiver, Self.held), coming = try MyologProcess.count(sender, Self.held)
        let point = start + Int(fraction * Double(coming))
        let killed = try MyologProcess.killed(arguments, once: { try MyologProcess.count(receiver, Self.held) >= point })
        #expect(killed, "the sync ended before it was killed at \(fraction) of its length")
        #expect(try MyologProcess.count(receiver, Self.held) >= point, "killed before \(fraction) of the sync had arrived")
    }

    @Test("a path sync killed with SIGKILL at 10 seeded instants: every patient readable at the receiver is named in a disclosure at the sender", arguments: killPoints)
    func pathSyncKilled(_ fraction: Double) throws {
        let (sender, receiver, senderNode, receiverNode) = try sites()
        try killed(["--store", receiver, "sync", sender, "--batch-size", "40"], from: sender, into: receiver, at: fraction)
        let readableNow = try readable(receiver)
        let recorded = try disclosed(by: sender, to: receiverNode)
        #expect(readableNow.isSubset(of: recorded), "killed at \(fraction) of the sync: \(readableNow.subtracting(recorded).count) of \(readableNow.count) readable patients not recorded")
        // And the other way: nothing the receiver sent went unrecorded (it held no patient).
        #expect(try disclosed(by: receiver, to: senderNode).isEmpty)
        // A completed run afterwards: everything readable, everything recorded.
        #expect(try MyologProcess.run(["--store", receiver, "sync", sender]).status == 0)
        #expect(try readable(receiver).count == 60)
        #expect(try readable(receiver).isSubset(of: try disclosed(by: sender, to: receiverNode)))
    }

    @Test("an HTTPS sync whose client is killed at 10 seeded instants: every patient readable at the client is named in a disclosure at the server", arguments: killPoints)
    func httpsSyncKilled(_ fraction: Double) throws {
        let (sender, receiver, _, receiverNode) = try sites()
        let server = try HTTPSyncCLITests.Server(store: sender, scratch: scratch, name: "serve")
        defer { _ = server.stop() }
        try killed(["--store", receiver, "sync", server.url, "--batch-size", "40"], from: sender, into: receiver, at: fraction)
        let readableNow = try readable(receiver)
        let recorded = try disclosed(by: sender, to: receiverNode)
        #expect(readableNow.isSubset(of: recorded), "killed at \(fraction) of the sync: \(readableNow.subtracting(recorded).count) of \(readableNow.count) readable patients not recorded")
    }

    @Test("a trusted client that fetches events and keys with curl and never calls sync-ended: the server recorded the disclosure before it answered")
    func clientThatNeverEnds() throws {
        let (sender, receiver, senderNode, receiverNode) = try sites()
        let identity = scratch.path("tls")
        #expect(try MyologProcess.run(["--store", receiver, "tls-identity", "--out", identity]).status == 0)
        let server = try HTTPSyncCLITests.Server(store: sender, scratch: scratch, name: "serve")
        defer { _ = server.stop() }
        func curl(_ extra: [String]) throws -> String {
            let result = try MyologProcess.run(["curl", "-sS", "--max-time", "20", "-k", "--cert", identity + "/certificate.pem", "--key", identity + "/private-key.pem"] + extra,
                                               executable: URL(fileURLWithPath: "/usr/bin/env"))
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        let events = try curl([server.url + "/v1/events?origin=\(senderNode)&after=0&limit=10000"])
        let patients = Set(try DatabaseQueue(path: sender + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT DISTINCT patient FROM events WHERE patient IS NOT NULL") })
        #expect(patients.count == 60)
        #expect(patients.allSatisfy { events.contains($0) }, "the page carried every patient's events")
        let body = JSONValue.object(["patients": .array(patients.sorted().map(JSONValue.string))]).canonicalString
        let keys = try curl(["-X", "POST", "-H", "Content-Type: application/json", "--data", body, server.url + "/v1/keys/request"])
        #expect(keys.contains("\"keys\""), "\(keys)")
        // No sync-ended was ever sent; the server is still running.
        #expect(try disclosed(by: sender, to: receiverNode) == patients)
        // A client naming its syncs alike: each sync's disclosures are recorded again once the
        // one before ended (the server forgets an ended sync's record).
        func records() throws -> Int {
            try DatabaseQueue(path: sender + "/myolog.sqlite").read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM events WHERE type = 'RecordAccessed' AND payload LIKE '%\"action\":\"disclosure\"%'") ?? 0
            }
        }
        let page = server.url + "/v1/events?origin=\(senderNode)&after=0&limit=50"
        let before = try records()
        _ = try curl(["-H", "Myolog-Sync: same", page])
        _ = try curl(["-H", "Myolog-Sync: same", page])
        #expect(try records() == before + 1, "within one sync, a patient is recorded once")
        _ = try curl(["-X", "POST", "-H", "Myolog-Sync: same", server.url + "/v1/sync-ended"])
        _ = try curl(["-H", "Myolog-Sync: same", page])
        #expect(try records() == before + 2, "the next sync under the same id is recorded again")
    }
}
