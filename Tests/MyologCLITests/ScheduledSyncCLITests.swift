import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// `sync --every` and `serve --sync-with`: sites that sync by themselves, as separate processes
/// over real sockets and real store directories.
@Suite("Sync that runs by itself: sync --every and serve --sync-with")
struct ScheduledSyncCLITests {
    let scratch = TemporaryDirectory("cli")
    typealias Server = HTTPSyncCLITests.Server

    /// The events other than access records (each sync records what it disclosed).
    func ids(_ store: String) throws -> Set<String> {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        return Set(try DatabaseQueue(path: store + "/myolog.sqlite", configuration: configuration).read {
            try String.fetchAll($0, sql: "SELECT id || ' ' || hash FROM events WHERE type <> 'RecordAccessed'")
        })
    }

    /// A port free now (bound by the kernel, then released) for a server the others must name
    /// before it starts.
    func freePort() throws -> Int { try SilentListener().port }

    /// Polls `condition` every 200 ms until it holds or `seconds` pass; returns whether it held.
    func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let giveUp = Date().addingTimeInterval(seconds)
        while Date() < giveUp {
            if try condition() { return true }
            usleep(200_000)
        }
        return try condition()
    }

    /// A `myolog` child left running (a scheduler), its output in files.
    func start(_ arguments: [String], name: String) throws -> (process: Process, stdout: URL, stderr: URL) {
        let process = Process()
        let stdout = URL(fileURLWithPath: scratch.path("\(name).out")), stderr = URL(fileURLWithPath: scratch.path("\(name).err"))
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.executableURL = MyologProcess.binary
        process.arguments = arguments
        process.environment = MyologProcess.environment()
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        return (process, stdout, stderr)
    }

    func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// A clinic and a laptop that trust each other; the laptop holds `patients` × 30 generated events.
    func clinicAndLaptop(patients: Int = 0) throws -> (clinic: String, laptop: String) {
        let clinic = scratch.path("clinic"), laptop = scratch.path("laptop")
        #expect(try MyologProcess.run(["--store", clinic, "init", "--site", "Clinic"]).status == 0)
        #expect(try MyologProcess.run(["--store", laptop, "init", "--site", "Laptop"]).status == 0)
        if patients > 0 {
            #expect(try MyologProcess.run(["--store", laptop, "--as", "bench", "demo", "generate", "--patients", "\(patients)", "--events-per-patient", "30"]).status == 0)
        }
        try MyologProcess.trustEachOther(clinic, laptop)
        return (clinic, laptop)
    }

    /// `verify` passes at each of `stores`.
    func expectVerified(_ stores: [String]) throws {
        for store in stores {
            let verify = try MyologProcess.run(["--store", store, "verify"])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        }
    }

    @Test("three sites each run serve --sync-with the other two --every 2s; all three write, one is stopped and restarted mid-way (writing while down): every site converges without a manual sync; the down peer's failures are recorded; each verifies")
    func threeSitesConverge() throws {
        let names = ["carlton", "fitzroy", "brunswick"]
        let stores = names.map { scratch.path($0) }
        for (name, store) in zip(names, stores) {
            #expect(try MyologProcess.run(["--store", store, "init", "--site", name.capitalized]).status == 0)
        }
        try MyologProcess.trustEachOther(stores[0], stores[1], stores[2])
        let ports = try stores.map { _ in try freePort() }
        func serve(_ index: Int, name: String) throws -> Server {
            let others = ports.indices.filter { $0 != index }.map { "https://127.0.0.1:\(ports[$0])" }
            return try Server(store: stores[index], scratch: scratch, name: name, command: ["serve", "--listen", "127.0.0.1:\(ports[index])"],
                              options: ["--sync-with"] + others + ["--every", "2s"])
        }
        var servers = try stores.indices.map { try serve($0, name: names[$0]) }
        func write(_ round: Int) throws {
            for (name, store) in zip(names, stores) {
                let result = try MyologProcess.run(["--store", store, "--as", "sam", "patient", "register", "--name", "\(name.capitalized) Patient \(round)", "--dob", "1980-01-0\(round % 9 + 1)"])
                #expect(result.status == 0, "\(result.stderr)")
            }
        }
        try write(1)
        usleep(1_500_000)
        try write(2)
        // Brunswick goes down (SIGTERM: a clean stop); the others keep writing, and so does
        // Brunswick's front desk, offline.
        let log = servers[2].stop()
        #expect(servers[2].process.terminationStatus == 0, "\(log)")
        try write(3)
        usleep(3_000_000)
        try write(4)
        // While Brunswick is down, the others' rounds to it fail and are recorded (for `status`).
        let brunswickURL = "https://127.0.0.1:\(ports[2])"
        let failed = try eventually(within: 20) {
            try MyologProcess.count(stores[0], "SELECT count(*) FROM sync_peers WHERE address = '\(brunswickURL)' AND failuresInARow > 0") == 1
        }
        #expect(failed, "Carlton recorded its failed rounds to the stopped site")
        servers[2] = try serve(2, name: "brunswick-again")
        try write(5)
        // No manual sync: the schedules alone bring every site every event.
        let converged = try eventually(within: 90) {
            let all = try stores.map(ids)
            let registered = try stores.map { try MyologProcess.count($0, "SELECT count(*) FROM events WHERE type = 'PatientRegistered'") }
            return all.allSatisfy { $0 == all[0] } && registered == [15, 15, 15]
        }
        let counts = try stores.map { try ids($0).count }
        #expect(converged, "converged: \(counts)")
        let logs = servers.map { $0.stop() }
        for (server, log) in zip(servers, logs) {
            #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0, "\(log)")
        }
        // One log line per round, with the server's metadata; a failed round says why.
        #expect(logs[0].contains("myolog.sync:") && logs[0].contains("sync round with Fitzroy") && logs[0].contains("events.received="), "\(logs[0])")
        #expect(text(servers[0].stderr).contains("sync round with \(brunswickURL) failed"), "\(logs[0])")
        let patients = try stores.map { try MyologProcess.count($0, "SELECT count(*) FROM events WHERE type = 'PatientRegistered'") }
        #expect(patients == [15, 15, 15], "\(patients)")
        try expectVerified(stores)
    }

    @Test("kill -9 of sync --every mid-round, then a restart: nothing lost or duplicated, both stores verify; SIGTERM then ends it with status 0")
    func killedMidRound() throws {
        let (clinic, laptop) = try clinicAndLaptop(patients: 200)
        let server = try Server(store: clinic, scratch: scratch, name: "clinic")
        let landed = try MyologProcess.killed(["--store", laptop, "sync", "--every", "1s", server.url, "--batch-size", "50"]) {
            try MyologProcess.count(clinic, "SELECT count(*) FROM events") >= 400
        }
        #expect(landed, "the kill landed mid-round")
        let partial = try ids(clinic).count
        let expected = try ids(laptop)
        #expect(partial < expected.count, "stopped mid-round (\(partial) of \(expected.count))")
        // The lock went with the process: a restart takes it, and its rounds bring the rest.
        let again = try start(["--store", laptop, "sync", "--every", "1s", server.url, "--batch-size", "50"], name: "again")
        let whole = try eventually(within: 120) { try ids(clinic).isSuperset(of: expected) }
        #expect(whole, "the restarted schedule completed the sync")
        again.process.terminate()
        again.process.waitUntilExit()
        #expect(again.process.terminationReason == .exit && again.process.terminationStatus == 0, "\(text(again.stderr))")
        _ = server.stop()
        // Nothing duplicated: as many rows as distinct events, each once (the ids are unique).
        #expect(try MyologProcess.count(clinic, "SELECT count(*) FROM events WHERE type <> 'RecordAccessed'") == ids(clinic).count)
        #expect(try ids(clinic) == ids(laptop))
        try expectVerified([clinic, laptop])
    }

    @Test("SIGTERM in the middle of a round: the round stops between whole batches, the process exits 0 within seconds, and the receiving store verifies")
    func sigtermMidRound() throws {
        let (clinic, laptop) = try clinicAndLaptop(patients: 200)
        let scheduler = try start(["--store", laptop, "sync", "--every", "1s", clinic, "--batch-size", "50"], name: "every")
        let underWay = try eventually(within: 60) { try MyologProcess.count(clinic, "SELECT count(*) FROM events") >= 400 }
        #expect(underWay)
        let signalled = Date()
        scheduler.process.terminate()
        scheduler.process.waitUntilExit()
        #expect(Date().timeIntervalSince(signalled) < 10, "ended promptly")
        #expect(scheduler.process.terminationReason == .exit && scheduler.process.terminationStatus == 0, "\(text(scheduler.stderr))")
        #expect(try ids(clinic).count < ids(laptop).count, "stopped before the end of the round")
        #expect(try MyologProcess.run(["--store", clinic, "verify"]).status == 0)
    }

    @Test("one scheduler per store: a second sync --every or serve --sync-with refuses in one line (nothing written); after the first stops, a new one starts")
    func oneSchedulerPerStore() throws {
        let (clinic, laptop) = try clinicAndLaptop()
        let first = try start(["--store", laptop, "sync", "--every", "1s", clinic], name: "first")
        // Once its first round is done, nothing is left to move but access records.
        #expect(try eventually(within: 20) { try MyologProcess.count(laptop, "SELECT count(*) FROM sync_peers WHERE lastSuccessAt IS NOT NULL") == 1 })
        let before = try ids(laptop)
        for arguments in [["sync", "--every", "5s", clinic], ["serve", "--listen", "127.0.0.1:0", "--sync-with", clinic]] {
            let second = try MyologProcess.run(["--store", laptop] + arguments)
            #expect(second.status != 0)
            #expect(second.stderr.hasPrefix("myolog: error: store: ") && second.stderr.contains("already syncs this store on a schedule"), "\(second.stderr)")
            #expect(second.stderr.split(separator: "\n").count == 1, "\(second.stderr)")
        }
        #expect(try ids(laptop) == before)
        first.process.terminate()
        first.process.waitUntilExit()
        #expect(first.process.terminationStatus == 0)
        let third = try start(["--store", laptop, "sync", "--every", "1s", clinic], name: "third")
        #expect(try eventually(within: 20) { text(third.stdout).contains("Syncing every 1s") })
        third.process.terminate()
        third.process.waitUntilExit()
        #expect(third.process.terminationStatus == 0, "\(text(third.stderr))")
    }

    @Test("a peer that is down or silent never delays the others: the good peer syncs every round, the bad ones' failures are counted in the metrics and recorded, backing off")
    func downPeerDoesNotBlock() throws {
        let (clinic, laptop) = try clinicAndLaptop()
        let silent = try SilentListener()  // accepts connections, never answers
        let refused = try freePort()       // nothing listens
        let silentURL = "https://127.0.0.1:\(silent.port)", refusedURL = "https://127.0.0.1:\(refused)"
        let scheduler = try Server(store: laptop, scratch: scratch, name: "every", command: ["sync", "--every", "1s", silentURL, refusedURL, clinic],
                                   options: ["--metrics", "127.0.0.1:0"], address: "Syncing every 1s")
        // The good peer: each new event at the clinic reaches the laptop within a few rounds.
        for score in 1...3 {
            #expect(try MyologProcess.run(["--store", clinic, "--as", "sam", "patient", "register", "--name", "Round \(score)", "--dob", "1990-01-01"]).status == 0)
            let arrived = try eventually(within: 15) { try MyologProcess.count(laptop, "SELECT count(*) FROM events WHERE type = 'PatientRegistered'") == score }
            #expect(arrived, "round \(score) reached the laptop while two peers were down")
        }
        usleep(3_000_000)
        let metrics = try scheduler.metrics()
        let refusedFailures = Server.sample(metrics, "myolog_sync_round_failures_total{peer=\"\(refusedURL)\"}")
        let refusedRounds = Server.sample(metrics, "myolog_sync_rounds_total{peer=\"\(refusedURL)\"}")
        let goodRounds = Server.sample(metrics, "myolog_sync_rounds_total{peer=\"\(clinic)\"}")
        #expect(refusedFailures >= 2 && refusedFailures == refusedRounds, "\(metrics)")
        #expect(Server.sample(metrics, "myolog_sync_round_failures_total{peer=\"\(clinic)\"}") == 0, "\(metrics)")
        // Backing off: the refused peer is asked less often than the good one.
        #expect(goodRounds > refusedRounds, "good \(goodRounds), refused \(refusedRounds)")
        #expect(Server.sample(metrics, "myolog_sync_lag_seconds{peer=\"\(refusedURL)\"}") == -1, "never succeeded")
        let log = scheduler.stop()
        #expect(scheduler.process.terminationStatus == 0, "\(log)")
        #expect(log.contains("sync round with \(refusedURL) failed"), "\(log)")
        let recorded = try MyologProcess.count(laptop, "SELECT count(*) FROM sync_peers WHERE address = '\(refusedURL)' AND lastSuccessAt IS NULL AND failuresInARow >= 2")
        #expect(recorded == 1)
        withExtendedLifetime(silent) {}
    }

    @Test("bad schedules and peers are refused in one line naming the option, before anything opens; the store is unchanged", arguments: [
        ["sync", "--every", "500ms", "/x"], ["sync", "--every", "0s", "/x"], ["sync", "--every", "1", "/x"], ["sync", "--every", "9999h", "/x"],
        ["sync", "--every", "1s", "https://exa mple:1"], ["sync", "--every", "1s", "https://"], ["sync", "--every", "1s", "ftp://example.org"],
        ["sync", "--every", "1s", "https://127.0.0.1:99999"], ["sync", "--every", "1s", "https://user@127.0.0.1:1"],
        ["sync", "/a", "/b"], ["sync", "--round-limit", "5m", "/a"], ["sync", "--metrics", "127.0.0.1:0", "/a"],
        ["sync", "--every", "1s", "/a", "/a/"], ["sync", "--every", "1s", "--metrics", "10.0.0.1:9417", "/a"],
        ["serve", "--every", "2s"], ["serve", "--round-limit", "2s"], ["serve", "--sync-with", "https://exa mple:1"], ["serve", "--sync-with", "/a", "--every", "0s"],
    ])
    func badSchedules(_ arguments: [String]) throws {
        let laptop = scratch.path("laptop")
        #expect(try MyologProcess.run(["--store", laptop, "init", "--site", "Laptop"]).status == 0)
        let before = try PermissionsCLITests().snapshot(laptop)
        let result = try MyologProcess.run(["--store", laptop] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("myolog: error: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(["every", "peer", "round-limit", "metrics", "sync-with"].contains { result.stderr.hasPrefix("myolog: error: \($0): ") }, "\(result.stderr)")
        #expect(try PermissionsCLITests().snapshot(laptop) == before)
    }
}

/// A whole store directory put back to an older copy, named by the peer it next syncs with over
/// HTTPS — at the server, from the request that reveals it, and at the client, from the summary.
@Suite("A rolled-back store named by its peers")
struct RollbackOverHTTPSTests {
    let scratch = TemporaryDirectory("cli")
    /// Its helpers for a scheduler child, whose output files live as long as this test does.
    let scheduled = ScheduledSyncCLITests()

    @Test("a laptop restored from an older copy of its whole directory syncs with a served clinic: the server logs and records the rollback naming the node, the laptop's sync names it too, and the laptop gets its events back")
    func restoredClientNamedByServer() throws {
        let clinic = scratch.path("clinic"), laptop = scratch.path("laptop"), copy = scratch.path("laptop-copy")
        #expect(try MyologProcess.run(["--store", clinic, "init", "--site", "Clinic"]).status == 0)
        #expect(try MyologProcess.run(["--store", laptop, "init", "--site", "Laptop"]).status == 0)
        try MyologProcess.trustEachOther(clinic, laptop)
        let laptopNode = try MyologProcess.nodeID(laptop)
        let server = try HTTPSyncCLITests.Server(store: clinic, scratch: scratch, name: "clinic")
        #expect(try MyologProcess.run(["--store", laptop, "sync", server.url]).status == 0)
        // The whole directory copied (database, node.key, node.head, trust.head): root's backup.
        #expect(try MyologProcess.run(["cp", "-a", laptop, copy], executable: URL(fileURLWithPath: "/usr/bin/env")).status == 0)
        for name in ["Ada Lovelace", "Alan Turing"] {
            #expect(try MyologProcess.run(["--store", laptop, "--as", "sam", "patient", "register", "--name", name, "--dob", "1990-01-01"]).status == 0)
        }
        #expect(try MyologProcess.run(["--store", laptop, "sync", server.url]).status == 0)
        let held = try MyologProcess.count(clinic, "SELECT max(sequence) FROM events WHERE origin = '\(laptopNode)'")
        // Put back: the later registrations are gone from the laptop, with no trace it can see.
        try FileManager.default.removeItem(atPath: laptop)
        try FileManager.default.moveItem(atPath: copy, toPath: laptop)
        let behind = try MyologProcess.count(laptop, "SELECT max(sequence) FROM events WHERE origin = '\(laptopNode)'")
        #expect(behind < held)
        let sync = try MyologProcess.run(["--store", laptop, "sync", server.url])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stderr.contains("rollback: Laptop (node \(laptopNode)) held its own chain only up to sequence \(behind)"), "\(sync.stderr)")
        let log = server.stop()
        #expect(log.contains("rollback: node \(laptopNode) holds its own chain only up to sequence \(behind), but this store holds it up to \(held)"), "\(log)")
        #expect(log.components(separatedBy: "rollback: node").count == 2, "logged once, not per page: \(log)")
        #expect(try MyologProcess.count(clinic, "SELECT count(*) FROM peer_rollbacks WHERE node = '\(laptopNode)' AND theirSequence = \(behind) AND heldSequence = \(held) AND site = 'Laptop'") == 1)
        #expect(try MyologProcess.count(laptop, "SELECT count(*) FROM peer_rollbacks WHERE node = '\(laptopNode)' AND heldSequence = \(held)") == 1)
        // Healed: its own events came back under its own signatures.
        #expect(try MyologProcess.count(laptop, "SELECT count(*) FROM events WHERE type = 'PatientRegistered'") == 2)
    }

    /// Stores `a` and `b` trusting each other, synced; `b`'s whole directory copied aside, then
    /// `b` registers `patients` and syncs them to `a`; the copy put back. Returns `b`'s node.
    func rollBack(_ b: String, after a: String, patients: Int, through peer: String? = nil) throws -> String {
        let copy = b + "-copy"
        #expect(try MyologProcess.run(["cp", "-a", b, copy], executable: URL(fileURLWithPath: "/usr/bin/env")).status == 0)
        for index in 0..<patients {
            #expect(try MyologProcess.run(["--store", b, "--as", "sam", "patient", "register", "--name", "Later \(index)", "--dob", "1990-01-01"]).status == 0)
        }
        #expect(try MyologProcess.run(["--store", b, "sync", peer ?? a]).status == 0)
        try FileManager.default.removeItem(atPath: b)
        try FileManager.default.moveItem(atPath: copy, toPath: b)
        return try MyologProcess.nodeID(b)
    }

    @Test("a round stopped by its time limit right after it saw a peer's rollback still leaves it recorded and logged (seen before anything moves)")
    func rollbackRecordedWhenTheRoundStops() throws {
        let a = scratch.path("a"), b = scratch.path("b")
        #expect(try MyologProcess.run(["--store", a, "init", "--site", "Abbotsford"]).status == 0)
        #expect(try MyologProcess.run(["--store", b, "init", "--site", "Balwyn"]).status == 0)
        try MyologProcess.trustEachOther(a, b)
        #expect(try MyologProcess.run(["--store", a, "sync", b]).status == 0)
        let nodeB = try rollBack(b, after: a, patients: 3)
        // A has much to send B (12,000 events, several seconds), so the round runs past its one-second limit.
        #expect(try MyologProcess.run(["--store", a, "--as", "bench", "demo", "generate", "--patients", "400", "--events-per-patient", "30"]).status == 0)
        let scheduler = try scheduled.start(["--store", a, "sync", "--every", "60s", "--round-limit", "1s", "--batch-size", "1", b], name: "every")
        var recorded = false
        for _ in 0..<100 where !recorded {
            usleep(100_000)
            recorded = try MyologProcess.count(a, "SELECT count(*) FROM peer_rollbacks WHERE node = '\(nodeB)' AND acknowledgedAt IS NULL") == 1
        }
        usleep(1_500_000)
        scheduler.process.terminate()
        scheduler.process.waitUntilExit()
        let log = scheduled.text(scheduler.stderr)
        #expect(recorded, "\(log)")
        #expect(log.contains("rollback: node \(nodeB) (Balwyn) held its own chain only up to sequence"), "\(log)")
        #expect(log.contains("ran over its limit"), "the round was stopped: \(log)")
        #expect(try MyologProcess.count(b, "SELECT count(*) FROM peer_rollbacks WHERE node = '\(nodeB)'") == 1, "the other store of a path sync records it too")
    }

    @Test("a served store put back to an older copy learns it from the client that returns its own events: its log names this store, its record holds it")
    func servedStoreLearnsItsOwnRollback() throws {
        let (clinic, laptop) = try scheduled.clinicAndLaptop()
        #expect(try MyologProcess.run(["--store", laptop, "sync", clinic]).status == 0)
        // The clinic writes and the laptop takes it; then the clinic's directory is put back.
        let nodeClinic = try rollBack(clinic, after: laptop, patients: 2)
        let server = try HTTPSyncCLITests.Server(store: clinic, scratch: scratch, name: "clinic")
        let sync = try MyologProcess.run(["--store", laptop, "sync", server.url])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stderr.contains("rollback: Clinic (node \(nodeClinic))"), "the client names it: \(sync.stderr)")
        let log = server.stop()
        #expect(log.contains("rollback: this store (node \(nodeClinic)) held its own chain only up to sequence"), "\(log)")
        #expect(try MyologProcess.count(clinic, "SELECT count(*) FROM peer_rollbacks WHERE node = '\(nodeClinic)'") == 1)
        #expect(try MyologProcess.count(clinic, "SELECT count(*) FROM events WHERE type = 'PatientRegistered'") == 2, "its events came back")
    }
}
