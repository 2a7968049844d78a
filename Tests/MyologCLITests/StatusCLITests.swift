import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// `myolog status` and the rollback of a whole store directory, with the built binary: what it
/// shows and its exit status; that asking peers moves and writes nothing; that a peer down is
/// named and never holds the command past its timeout; that a store directory put back to an
/// older copy is named by its peers at the next sync, and by `status` and `verify` on both
/// sides until acknowledged.
@Suite("myolog status")
struct StatusCLITests {
    let scratch = TemporaryDirectory("status")

    @discardableResult
    func run(_ arguments: [String], status expected: Int32 = 0) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(arguments)
        #expect(result.status == expected, "\(arguments): exit \(result.status)\n\(result.stdout)\(result.stderr)")
        return result
    }

    func json(_ result: MyologProcess.Result) throws -> [String: JSONValue] {
        try #require(JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue)
    }

    /// Every row of every table, and the files beside the database: what must not change.
    func snapshot(_ store: String) throws -> String {
        let rows = try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map { table in
                "\(table): " + (try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map(\.description).joined(separator: "|"))
            }.joined(separator: "\n")
        }
        let files = ["node.head", "trust.head", "node.key"].map { FileManager.default.contents(atPath: store + "/" + $0)?.base64EncodedString() ?? "-" }
        return rows + files.joined(separator: ",")
    }

    /// `status --json` validated by Python's jsonschema against Schemas/views/status.schema.json.
    func validate(_ result: MyologProcess.Result) throws {
        let file = scratch.path("status-\(UUID().uuidString).json")
        try result.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let checked = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-view.py").path, "status", file],
                                            executable: SchemaValidationTests.python)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)\n\(result.stdout)")
    }

    func peers(_ status: [String: JSONValue]) -> [[String: JSONValue]] {
        (status["peers"]?.arrayValue ?? []).compactMap(\.objectValue)
    }

    func peer(_ status: [String: JSONValue], at address: String) throws -> [String: JSONValue] {
        try #require(peers(status).first { $0["address"]?.stringValue == address }, "\(address) not in \(peers(status))")
    }

    /// Store `a` put back to a copy of itself taken after a sync with `b`, once it had written two
    /// more events for `mia` and `b` had received them: `b` holds more of `a`'s chain than `a`.
    func putBackToOlderCopy(_ a: String, syncedWith b: String, patient mia: String) throws {
        try run(["--store", a, "sync", b])
        let copy = scratch.path("a-copy")
        try FileManager.default.copyItem(atPath: a, toPath: copy)
        for score in ["6", "3"] { try run(["--store", a, "--as", "al", "record", "pain", mia, "--score", score, "--region", "neck"]) }
        try run(["--store", a, "sync", b])
        try FileManager.default.removeItem(atPath: a)
        try FileManager.default.moveItem(atPath: copy, toPath: a)
    }

    /// Two stores that trust each other, synced once by the first (by path), each verified.
    func pair(_ a: String = "a", _ b: String = "b") throws -> (a: String, b: String) {
        let a = scratch.path(a), b = scratch.path(b)
        try run(["--store", a, "init", "--site", "Fitzroy", "--time-zone", "Australia/Melbourne"])
        try run(["--store", b, "init", "--site", "Carlton", "--time-zone", "Australia/Melbourne"])
        try MyologProcess.trustEachOther(a, b)
        try run(["--store", a, "sync", b])
        return (a, b)
    }

    @Test("a fresh store: status needs a verify first (exit 1, one line saying so), then exits 0; --json validates; status writes nothing")
    func freshStore() throws {
        let store = scratch.path("fresh")
        try run(["--store", store, "init", "--site", "Fitzroy", "--time-zone", "Australia/Melbourne"])
        let before = try snapshot(store)
        let unverified = try run(["--store", store, "status"], status: 1)
        #expect(unverified.stderr == "myolog: needs attention: no verify recorded: run `myolog verify`\n", "\(unverified.stderr)")
        #expect(try snapshot(store) == before, "status wrote to the store")
        try run(["--store", store, "verify"])
        let healthy = try run(["--store", store, "status"])
        #expect(healthy.stderr.isEmpty, "\(healthy.stderr)")
        for expected in ["Fitzroy — node \(try MyologProcess.nodeID(store))", "Times are Australia/Melbourne", "Peers: none synced with, none trusted",
                         "Forks: none open", "Held back: none", "Retention: 0 records due", "Rollbacks: none unacknowledged", "Last verify: ", "exit 0 — ok: "] {
            #expect(healthy.stdout.contains(expected), "\(expected) not in:\n\(healthy.stdout)")
        }
        let json = try run(["--store", store, "--json", "status"])
        try validate(json)
        let object = try self.json(json)
        #expect(object["needsAttention"]?.arrayValue == [] && object["timeZone"]?.stringValue == "Australia/Melbourne")
        #expect(object["lastVerify"]?.objectValue?["exitStatus"]?.intValue == 0)
        let size = try #require(object["storeBytes"]?.objectValue?["total"]?.intValue)
        #expect(size > 4096, "\(size)")
    }

    @Test("two synced stores: status names the peer, lacking 0 and 0; writes at the peer are counted from the summaries, and nothing moves or is written on either side")
    func lackingFromSummaries() throws {
        let (a, b) = try pair()
        for store in [a, b] { try run(["--store", store, "verify"]) }
        let synced = try run(["--store", a, "status"])
        #expect(synced.stdout.contains("  \(b) — Carlton, node \(try MyologProcess.nodeID(b))"), "\(synced.stdout)")
        #expect(synced.stdout.contains("this store lacks 0 of its events; it lacks 0 of this store's"), "\(synced.stdout)")
        // B never ran a sync: A is listed there as trusted, never synced from B, and needs no one.
        let atB = try run(["--store", b, "status"])
        #expect(atB.stdout.contains("node \(try MyologProcess.nodeID(a)): never synced from here"), "\(atB.stdout)")

        let zed = try run(["--store", b, "--as", "bo", "patient", "register", "--name", "Zed Lee", "--dob", "1970-01-01"]).lastWord
        try run(["--store", b, "--as", "bo", "record", "pain", zed, "--score", "4", "--region", "knee"])
        try run(["--store", a, "--as", "al", "patient", "register", "--name", "Ada Moss", "--dob", "1981-05-06"])
        let (beforeA, beforeB) = (try snapshot(a), try snapshot(b))
        let online = try run(["--store", a, "--json", "status"])
        try validate(online)
        let probe = try #require(try peer(json(online), at: b)["probe"]?.objectValue)
        #expect(probe["reachable"] == .bool(true) && probe["thisStoreLacks"] == .int(2) && probe["peerLacks"] == .int(1), "\(probe)")
        let text = try run(["--store", a, "status"])
        #expect(text.stdout.contains("this store lacks 2 of its events; it lacks 1 of this store's"), "\(text.stdout)")
        #expect(try snapshot(a) == beforeA, "status changed the store it ran on")
        #expect(try snapshot(b) == beforeB, "status changed the peer it asked")
        // --offline asks no one.
        let offline = try json(try run(["--store", a, "--json", "status", "--offline"]))
        #expect(try peer(offline, at: b)["probe"]?.objectValue?["asked"] == .bool(false))
    }

    @Test("a served peer stopped: sync fails, status names it with the failure and exits 1 within its timeout; another peer is still asked; a peer that never answers is bounded too")
    func stoppedPeer() throws {
        let (a, c) = try pair("a", "c")
        let b = scratch.path("b")
        try run(["--store", b, "init", "--site", "Brunswick"])
        try MyologProcess.trustEachOther(a, b)
        let server = try HTTPSyncCLITests.Server(store: b, scratch: scratch, name: "b")
        let url = server.url
        try run(["--store", a, "sync", url])
        try run(["--store", a, "verify"])
        #expect(try run(["--store", a, "status"]).stdout.contains("  \(url) — Brunswick"))
        _ = server.stop()
        let failed = try MyologProcess.run(["--store", a, "sync", url])
        #expect(failed.status != 0, "\(failed.stdout)")

        let started = Date()
        let down = try run(["--store", a, "status", "--timeout", "3"], status: 1)
        #expect(Date().timeIntervalSince(started) < 8, "status took \(Date().timeIntervalSince(started)) s")
        let named = down.stderr.split(separator: "\n").filter { $0.contains("peer \(url) (Brunswick): the last sync failed (1 in a row") }
        #expect(named.count == 1, "\(down.stderr)")
        #expect(down.stderr.contains("peer \(url) (Brunswick): cannot be reached now"), "\(down.stderr)")
        // The path peer is still asked, and answers.
        #expect(down.stdout.contains("this store lacks 0 of its events"), "\(down.stdout)")
        let json = try run(["--store", a, "--json", "status", "--timeout", "3"], status: 1)
        try validate(json)
        let object = try self.json(json)
        let stopped = try peer(object, at: url)
        #expect(stopped["failuresInARow"] == .int(1) && stopped["lastFailure"]?.stringValue?.isEmpty == false, "\(stopped)")
        #expect(stopped["probe"]?.objectValue?["reachable"] == .bool(false), "\(stopped)")
        #expect(try peer(object, at: c)["probe"]?.objectValue?["reachable"] == .bool(true))
        #expect(object["needsAttention"]?.arrayValue?.contains { $0.stringValue?.contains(url) == true } == true)

        // A listener that accepts and never answers (a frozen server): the sync fails after
        // its handshake timeout; status returns within its own.
        let silent = try SilentListener()
        let frozen = "https://127.0.0.1:\(silent.port)"
        #expect(try MyologProcess.run(["--store", a, "sync", frozen]).status != 0)
        let asked = Date()
        let bounded = try run(["--store", a, "status", "--timeout", "1"], status: 1)
        #expect(Date().timeIntervalSince(asked) < 5, "status took \(Date().timeIntervalSince(asked)) s")
        #expect(bounded.stdout.contains("cannot be reached — no answer within 1 s"), "\(bounded.stdout)")

        // Both retired: forgotten (trust-peers), they no longer need a person; the path peer stays.
        for address in [url, frozen.uppercased().replacingOccurrences(of: "HTTPS", with: "https") + "/"] {
            let forgotten = try run(["--store", a, "--as", "pat", "status", "--forget", address])
            #expect(forgotten.stdout.hasPrefix("Forgot the sync record of https://127.0.0.1:"), "\(forgotten.stdout)")
        }
        let calm = try run(["--store", a, "status", "--timeout", "3"])
        #expect(!calm.stdout.contains(url) && calm.stdout.contains("this store lacks 0 of its events"), "\(calm.stdout)")
    }

    @Test("a peer directory whose database never answers (a FIFO where the file should be, a hung mount) is bounded by --timeout; the other peer still answers")
    func hungDirectory() throws {
        let (a, b) = try pair()
        try run(["--store", a, "verify"])
        let hung = scratch.path("hung")
        try FileManager.default.createDirectory(atPath: hung, withIntermediateDirectories: true)
        #expect(mkfifo(hung + "/myolog.sqlite", 0o600) == 0)
        // The address as a sync would have recorded it (a sync to it would hang the same way).
        try DatabaseQueue(path: a + "/myolog.sqlite").write { db in
            try db.execute(sql: "INSERT INTO sync_peers (address, lastAttemptAt, lastSuccessAt) VALUES (?, ?, ?)",
                           arguments: [hung, Timestamp.now().description, Timestamp.now().description])
        }
        let started = Date()
        let status = try run(["--store", a, "status", "--timeout", "1"], status: 1)
        #expect(Date().timeIntervalSince(started) < 5, "status took \(Date().timeIntervalSince(started)) s")
        #expect(status.stderr.contains("peer \(hung): cannot be reached now: no answer within 1 s"), "\(status.stderr)")
        #expect(status.stdout.contains("  \(b) — Carlton") && status.stdout.contains("this store lacks 0 of its events"), "\(status.stdout)")
    }

    /// How the sync after the restore runs: which store starts it, and over what.
    enum Carrier: String, CaseIterable, CustomTestStringConvertible {
        /// The restored store syncs with its peer's directory.
        case restoredSyncsPath
        /// The peer syncs with the restored store's directory.
        case peerSyncsPath
        /// The restored store syncs with its peer's server (the client sees it).
        case restoredSyncsHTTPS
        /// The peer syncs with the restored store's server (the client sees it).
        case peerSyncsHTTPS
        var testDescription: String { rawValue }
    }

    @Test("a whole store directory put back to an older copy is named by its peer at the next sync; status and verify list it on the side that saw it (both, by path) until acknowledged",
          arguments: Carrier.allCases)
    func wholeDirectoryRollback(_ carrier: Carrier) throws {
        let (a, b) = try pair()
        let nodeA = try MyologProcess.nodeID(a)
        let mia = try run(["--store", a, "--as", "al", "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        try putBackToOlderCopy(a, syncedWith: b, patient: mia)
        let heldAtB = try MyologProcess.count(b, "SELECT max(sequence) FROM events WHERE origin = '\(nodeA)'")
        let restoredHead = try MyologProcess.count(a, "SELECT max(sequence) FROM events WHERE origin = '\(nodeA)'")
        #expect(restoredHead < heldAtB)

        // The next sync names it (on stderr, one line naming the node and both sequences).
        let sync: MyologProcess.Result
        var server: HTTPSyncCLITests.Server?
        switch carrier {
        case .restoredSyncsPath: sync = try MyologProcess.run(["--store", a, "sync", b])
        case .peerSyncsPath: sync = try MyologProcess.run(["--store", b, "sync", a])
        case .restoredSyncsHTTPS:
            server = try HTTPSyncCLITests.Server(store: b, scratch: scratch, name: "b")
            sync = try MyologProcess.run(["--store", a, "sync", server!.url])
        case .peerSyncsHTTPS:
            server = try HTTPSyncCLITests.Server(store: a, scratch: scratch, name: "a")
            sync = try MyologProcess.run(["--store", b, "sync", server!.url])
        }
        _ = server?.stop()
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        let warning = sync.stderr.split(separator: "\n").filter { $0.contains("rollback: Fitzroy (node \(nodeA)) held its own chain only up to sequence \(restoredHead)") }
        #expect(warning.count == 1 && warning[0].contains("up to \(heldAtB)"), "\(sync.stderr)")
        // Its events came back to it.
        #expect(try MyologProcess.count(a, "SELECT max(sequence) FROM events WHERE origin = '\(nodeA)'") >= heldAtB)

        // The side that ran the sync saw it; by path both stores recorded it. (Over HTTPS the
        // server's own record is SyncServer's, tested with it.)
        let sides: [String] = switch carrier {
        case .restoredSyncsPath, .peerSyncsPath: [a, b]
        case .restoredSyncsHTTPS: [a]
        case .peerSyncsHTTPS: [b]
        }
        for store in sides {
            let status = try run(["--store", store, "status", "--offline"], status: 1)
            #expect(status.stdout.contains("Rollbacks: 1 unacknowledged:") && status.stdout.contains("Fitzroy (node \(nodeA)) held its own chain only up to sequence \(restoredHead)"),
                    "\(store): \(status.stdout)")
            #expect(status.stderr.contains("needs attention: rollback: Fitzroy (node \(nodeA))") && status.stderr.contains("status --acknowledge \(nodeA)"), "\(status.stderr)")
            let listed = try run(["--store", store, "--json", "status", "--offline"], status: 1)
            try validate(listed)
            let rollbacks = try json(listed)["rollbacks"]?.arrayValue ?? []
            #expect(rollbacks.count == 1 && rollbacks.first?.objectValue?["node"] == .string(nodeA)
                    && rollbacks.first?.objectValue?["theirSequence"] == .int(restoredHead) && rollbacks.first?.objectValue?["heldSequence"] == .int(heldAtB), "\(rollbacks)")
            let verify = try run(["--store", store, "verify"], status: 1)
            #expect(verify.stdout.contains("Rollbacks: 1 unacknowledged") && verify.stdout.contains("Fitzroy (node \(nodeA)) held its own chain only up to sequence \(restoredHead)"),
                    "\(verify.stdout)")
            let verifyJSON = try json(try run(["--store", store, "--json", "verify"], status: 1))
            #expect(verifyJSON["peerRollbacks"]?.arrayValue?.first?.objectValue?["node"] == .string(nodeA))
            // The failed verify is what status now reports too.
            #expect(try run(["--store", store, "status", "--offline"], status: 1).stderr.contains("the last verify"), "verify's run was not recorded")

            // Acknowledged: gone from status and verify; a second acknowledgement is refused, nothing written.
            let acknowledged = try run(["--store", store, "--as", "pat", "status", "--acknowledge", nodeA])
            #expect(acknowledged.stdout == "Acknowledged 1 rollback of Fitzroy (node \(nodeA)) as pat: `myolog status` and `myolog verify` no longer list it.\n",
                    "\(acknowledged.stdout)")
            let before = try snapshot(store)
            let again = try run(["--store", store, "--as", "pat", "status", "--acknowledge", nodeA], status: 64)
            #expect(again.stderr == "myolog: error: acknowledge: \(nodeA) is not accepted; accepted: nothing — no rollback is unacknowledged here\n", "\(again.stderr)")
            #expect(try snapshot(store) == before)
            try run(["--store", store, "verify"])
            let clear = try run(["--store", store, "status", "--offline"])
            #expect(clear.stdout.contains("Rollbacks: none unacknowledged") && clear.stderr.isEmpty, "\(clear.stdout)\(clear.stderr)")
            let kept = try DatabaseQueue(path: store + "/myolog.sqlite").read { try Row.fetchAll($0, sql: "SELECT acknowledgedBy, acknowledgedAt FROM peer_rollbacks") }
            #expect(kept.count == 1 && kept[0]["acknowledgedBy"] == "pat" && (kept[0]["acknowledgedAt"] as String?) != nil, "the record is kept, acknowledged")
        }
    }

    @Test("a restored copy that wrote before it synced is named as a fork, not as a rollback: status lists the open fork")
    func restoredCopyThatWrote() throws {
        let (a, b) = try pair()
        let mia = try run(["--store", a, "--as", "al", "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        try putBackToOlderCopy(a, syncedWith: b, patient: mia)
        try run(["--store", a, "--as", "al", "record", "pain", mia, "--score", "9", "--region", "neck"])
        let sync = try MyologProcess.run(["--store", b, "sync", a])
        #expect(sync.status == 3 && sync.stderr.contains("fork") && !sync.stderr.contains("rollback"), "\(sync.stderr)")
        for store in [a, b] {
            let status = try run(["--store", store, "status", "--offline"], status: 1)
            #expect(status.stdout.contains("Forks: 1 OPEN") && status.stdout.contains("Rollbacks: none unacknowledged"), "\(status.stdout)")
            #expect(status.stderr.contains("needs attention: 1 open fork"), "\(status.stderr)")
        }
    }

    @Test("a store with patients: status names none of them, records no access and writes nothing; records due for erasure are a count")
    func noPatientData() throws {
        let store = scratch.path("demo")
        try run(["demo", "tour", "--store", store])
        // A patient last seen eight years ago: due under the default policy (seven years).
        let today = Timestamp.now().civilDate(in: TimeZone(identifier: "UTC")!)
        let longAgo = CivilDate(year: today.year - 8, month: today.month, day: min(today.day, 28))!.description
        let ada = try run(["--store", store, "--as", "jo", "patient", "register", "--name", "Ada Old", "--dob", "1950-03-04"]).lastWord
        for step in ["start", "end"] { try run(["--store", store, "--as", "sam", "visit", step, ada, "--date", longAgo]) }
        try run(["--store", store, "verify"])
        let names = try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT name FROM patient_summary") }
        #expect(names.count >= 3 && names.contains("Ada Old"))
        let before = try snapshot(store)
        let text = try run(["--store", store, "status"], status: 1)
        let json = try run(["--store", store, "--json", "status"], status: 1)
        #expect(try snapshot(store) == before, "status recorded or wrote something")
        for name in names {
            #expect(!text.stdout.contains(name) && !text.stderr.contains(name) && !json.stdout.contains(name), "\(name) shown")
        }
        let due = try #require(try self.json(json)["retention"]?.objectValue?["due"]?.intValue)
        #expect(due == 1 && text.stderr.contains("needs attention: \(due) record\(due == 1 ? "" : "s") due for erasure"), "\(text.stderr)")
        try validate(json)
    }

    @Test("thresholds: a last success older than --stale-after hours and a verify older than --verify-within days need a person; a failed verify does")
    func thresholds() throws {
        let (a, b) = try pair()
        try run(["--store", a, "verify"])
        try run(["--store", a, "status"])
        try DatabaseQueue(path: a + "/myolog.sqlite").write { db in
            try db.execute(sql: "UPDATE sync_peers SET lastSuccessAt = '2020-01-01T00:00:00.000Z'")
            try db.execute(sql: "UPDATE verify_runs SET at = '2020-01-01T00:00:00.000Z'")
        }
        let stale = try run(["--store", a, "status", "--offline"], status: 1)
        #expect(stale.stderr.contains("peer \(b) (Carlton): last synced at 2020-01-01 11:00, more than 24 h ago"), "\(stale.stderr)")
        #expect(stale.stderr.contains("the last verify was at 2020-01-01 11:00, more than 7 days ago"), "\(stale.stderr)")
        // A fresh sync and verify clear both.
        try run(["--store", a, "sync", b])
        try run(["--store", a, "verify"])
        try run(["--store", a, "status", "--stale-after", "1", "--verify-within", "1"])
        // A verify that failed is reported until one passes.
        try DatabaseQueue(path: a + "/myolog.sqlite").write { try $0.execute(sql: "INSERT INTO verify_runs (at, exitStatus, summary) VALUES (?, 1, 'failed: chains broken')",
                                                                             arguments: [Timestamp.now().description]) }
        let failed = try run(["--store", a, "--json", "status", "--offline"], status: 1)
        #expect(try json(failed)["needsAttention"]?.arrayValue?.contains { $0.stringValue?.contains("failed (exit 1): failed: chains broken") == true } == true, "\(failed.stdout)")
    }

    @Test("bad input: --timeout 0, an unknown or malformed node to acknowledge, --stale-after 0: one line naming the field, exit non-zero, nothing written")
    func badInput() throws {
        let (a, b) = try pair()
        let before = try snapshot(a)
        let cases: [([String], String)] = [
            (["status", "--timeout", "0"], "timeout: 0 is not accepted; accepted: 0.1 to 300 seconds"),
            (["status", "--timeout", "soon"], "timeout: soon is not accepted"),
            (["status", "--stale-after", "0"], "stale-after: 0 is not accepted; accepted: 1 to 8760 hours"),
            (["--as", "pat", "status", "--acknowledge", try MyologProcess.nodeID(b)], "acknowledge: \(try MyologProcess.nodeID(b)) is not accepted; accepted: nothing"),
            (["--as", "pat", "status", "--acknowledge", "not-a-node"], "acknowledge: not-a-node is not accepted; accepted: a node id"),
            (["--as", "pat", "status", "--forget", "https://nowhere.invalid:1"], "forget: https://nowhere.invalid:1 is not accepted; accepted: a recorded peer address"),
            (["--as", "pat", "status", "--forget", "ftp://x"], "forget: ftp://x is not accepted"),
        ]
        for (arguments, said) in cases {
            let result = try MyologProcess.run(["--store", a] + arguments)
            #expect(result.status != 0 && result.stdout.isEmpty, "\(arguments): \(result.stdout)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(said), "\(arguments): \(result.stderr)")
            #expect(try snapshot(a) == before, "\(arguments) changed the store")
        }
    }
}
