import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// `myolog serve` and `myolog sync http://…` as separate processes on 127.0.0.1.
@Suite("myolog serve and sync http://")
struct HTTPSyncCLITests {
    let scratch = TemporaryDirectory("cli")

    /// A `myolog serve` (or `ui`) child on a port the system picks; stopped with SIGTERM when done.
    final class Server {
        let process = Process()
        let stdout: URL, stderr: URL
        private(set) var url = ""
        /// The `--metrics` endpoint, when asked for.
        private(set) var metricsURL: String?

        init(store: String, scratch: TemporaryDirectory, name: String, command: [String] = ["serve", "--listen", "127.0.0.1:0"], options: [String] = [],
             address: String = #"https://127\.0\.0\.1:\d+"#) throws {
            stdout = URL(fileURLWithPath: scratch.path("\(name).out"))
            stderr = URL(fileURLWithPath: scratch.path("\(name).err"))
            FileManager.default.createFile(atPath: stdout.path, contents: nil)
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.executableURL = MyologProcess.binary
            process.arguments = ["--store", store] + command + options
            process.environment = MyologProcess.environment()
            process.standardOutput = try FileHandle(forWritingTo: stdout)
            process.standardError = try FileHandle(forWritingTo: stderr)
            try process.run()
            for _ in 0..<300 {
                let text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
                let metrics = text.range(of: #"http://127\.0\.0\.1:\d+/metrics"#, options: .regularExpression).map { String(text[$0]) }
                if let range = text.range(of: address, options: .regularExpression), !options.contains("--metrics") || metrics != nil {
                    url = String(text[range])
                    metricsURL = metrics
                    return
                }
                usleep(50_000)
            }
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "myolog \(command[0]) did not start: \((try? String(contentsOf: stderr, encoding: .utf8)) ?? "")"])
        }

        /// Stops the server (SIGTERM: graceful) and returns its log.
        func stop() -> String {
            process.terminate()
            process.waitUntilExit()
            return (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        }

        /// The metrics endpoint's text, fetched by `curl` as an operator would.
        func metrics() throws -> String {
            let result = try MyologProcess.run(["curl", "-sS", "--max-time", "10", try #require(metricsURL)], executable: URL(fileURLWithPath: "/usr/bin/env"))
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }

        /// The value of one sample line (`name{labels} value`) in the metrics text; 0 when absent.
        static func sample(_ text: String, _ series: String) -> Double {
            for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
                return Double(line.dropFirst(series.count + 1)) ?? -1
            }
            return 0
        }
    }

    /// Events other than access records (a sync records its disclosures after moving events).
    func ids(_ store: String) throws -> Set<String> {
        Set(try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT id || ' ' || hash FROM events WHERE type <> 'RecordAccessed'") })
    }

    @Test("two servers and a client in three processes: everything relays through the client; a second round moves nothing; one log line per sync")
    func threeProcesses() throws {
        let carlton = scratch.path("carlton"), fitzroy = scratch.path("fitzroy"), laptop = scratch.path("laptop")
        #expect(try MyologProcess.run(["demo", "tour", "--store", carlton]).status == 0)
        #expect(try MyologProcess.run(["--store", fitzroy, "init", "--site", "Fitzroy"]).status == 0)
        #expect(try MyologProcess.run(["--store", fitzroy, "--as", "sam", "patient", "register", "--name", "Noah Walsh", "--dob", "1979-02-03"]).status == 0)
        #expect(try MyologProcess.run(["--store", laptop, "init", "--site", "Laptop"]).status == 0)
        try MyologProcess.trustEachOther(carlton, fitzroy, laptop)
        let one = try Server(store: carlton, scratch: scratch, name: "carlton")
        let two = try Server(store: fitzroy, scratch: scratch, name: "fitzroy")
        var syncs = 0
        // Laptop ↔ Carlton, laptop ↔ Fitzroy (Carlton's events relay on to Fitzroy), laptop ↔ Carlton
        // (Fitzroy's relay back): then every store holds everything, and more rounds move nothing.
        for url in [one.url, two.url, one.url] {
            let result = try MyologProcess.run(["--store", laptop, "sync", url, "--batch-size", "7"])
            syncs += 1
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("Synced with"), "\(result.stdout)")
        }
        // Rounds that carry the access records each side wrote of what it disclosed: they name no
        // patient, so carrying them records nothing new — except that a server also records the
        // event it sends for a fork check (the one at the client's head), which the client may
        // hold already. Within a few rounds nothing is left to move.
        var settled = false
        for _ in 0..<4 where !settled {
            var moved = false
            for url in [two.url, one.url] {
                let round = try MyologProcess.run(["--store", laptop, "sync", url, "--json"])
                syncs += 1
                let report = try JSONParser.parse(round.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue
                moved = moved || report?["received"] != .object([:]) || report?["sent"] != .object([:])
            }
            settled = !moved
        }
        #expect(settled, "the access records settle within four rounds")
        for url in [two.url, one.url] {
            let again = try MyologProcess.run(["--store", laptop, "sync", url, "--json"])
            syncs += 1
            let report = try JSONParser.parse(again.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue
            #expect(report?["received"] == .object([:]) && report?["sent"] == .object([:]), "\(again.stdout)")
        }
        let logOne = one.stop(), logTwo = two.stop()
        #expect(try ids(carlton) == ids(laptop))
        #expect(try ids(fitzroy) == ids(laptop))
        let lines = (logOne + logTwo).split(separator: "\n").filter { $0.contains("myolog.serve") && $0.contains(" sync ") }
        #expect(lines.count == syncs, "\(logOne)\n\(logTwo)")
        // Each server recorded, when a sync ended, what it disclosed to the laptop: Carlton its
        // four patients, Fitzroy Noah (and Carlton's, relayed); the records reached every store.
        let laptopNode = try MyologProcess.nodeID(laptop), carltonNode = try MyologProcess.nodeID(carlton)
        let (served, carltonPatients) = try DatabaseQueue(path: carlton + "/myolog.sqlite").read { db in
            (try String.fetchAll(db, sql: "SELECT payload FROM events WHERE type = 'RecordAccessed' AND origin = ?", arguments: [carltonNode]).filter { $0.contains(#""command":"serve""#) },
             try String.fetchAll(db, sql: "SELECT DISTINCT patient FROM events WHERE origin = ? AND patient IS NOT NULL", arguments: [carltonNode]))
        }
        #expect(!served.isEmpty && served.allSatisfy { $0.contains(#""peer":"\#(laptopNode)""#) && $0.contains(#""action":"disclosure""#) }, "\(served)")
        #expect(!carltonPatients.isEmpty && carltonPatients.allSatisfy { patient in served.contains { $0.contains(patient) } }, "\(served)")
        #expect(try MyologProcess.run(["--store", laptop, "verify"]).status == 0)
    }

    @Test("the server answers every operation as Schemas/sync-api.openapi.json documents (checked by an independent Python client with jsonschema)")
    func answersMatchTheOpenAPIDocument() throws {
        let clinic = scratch.path("clinic"), checker = scratch.path("checker"), identity = scratch.path("checker-tls")
        #expect(try MyologProcess.run(["demo", "tour", "--store", clinic]).status == 0)
        #expect(try MyologProcess.run(["--store", checker, "init", "--site", "API checker"]).status == 0)
        try MyologProcess.trustEachOther(clinic, checker)
        #expect(try MyologProcess.run(["--store", checker, "tls-identity", "--out", identity]).status == 0)
        let before = try ids(clinic)
        let server = try Server(store: clinic, scratch: scratch, name: "clinic")
        let check = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-api.py").path, server.url,
                                           "--cert", identity + "/certificate.pem", "--key", identity + "/private-key.pem"],
                                          executable: SchemaValidationTests.python)
        _ = server.stop()
        #expect(check.status == 0 && check.stdout.hasPrefix("ok: 6 paths answered as documented"), "\(check.stdout)\(check.stderr)")
        #expect(try ids(clinic) == before, "the checker only re-offers events the server holds")
    }

    @Test("serve and sync refuse bad options in one line, naming the option; the store is unchanged", arguments: [
        ["serve", "--listen", "nonsense"], ["serve", "--listen", "127.0.0.1:70000"], ["serve", "--listen", ":8417"],
        ["serve", "--metrics", "10.0.0.1:9417"], ["serve", "--metrics", "nonsense"], ["serve", "--log-level", "loud"],
        ["sync", "https://127.0.0.1:1", "--batch-size", "0"], ["sync", "https://127.0.0.1:1", "--batch-size", "10001"],
    ])
    func badOptions(_ arguments: [String]) throws {
        let laptop = scratch.path("laptop")
        #expect(try MyologProcess.run(["--store", laptop, "init", "--site", "Laptop"]).status == 0)
        let before = try ids(laptop)
        let result = try MyologProcess.run(["--store", laptop] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        // The option's own name leads the refusal.
        #expect(result.stderr.hasPrefix("myolog: error: \(arguments[arguments.count - 2].dropFirst(2)):"), "\(result.stderr)")
        #expect(try ids(laptop) == before)
    }

    @Test("serve --metrics: curl of the loopback endpoint shows syncs, events sent and received per origin, and request latency moving")
    func metricsMove() throws {
        let clinic = scratch.path("clinic"), laptop = scratch.path("laptop")
        #expect(try MyologProcess.run(["demo", "tour", "--store", clinic]).status == 0)
        #expect(try MyologProcess.run(["--store", laptop, "init", "--site", "Laptop"]).status == 0)
        try MyologProcess.trustEachOther(clinic, laptop)
        let clinicNode = try #require(JSONParser.parse(MyologProcess.run(["--store", clinic, "--json", "id"]).stdout).objectValue?["nodeId"]?.stringValue)
        let laptopNode = try #require(JSONParser.parse(MyologProcess.run(["--store", laptop, "--json", "id"]).stdout).objectValue?["nodeId"]?.stringValue)
        let held = try ids(clinic).count
        let server = try Server(store: clinic, scratch: scratch, name: "clinic", options: ["--metrics", "127.0.0.1:0"])
        defer { _ = server.stop() }
        let before = try server.metrics()
        #expect(Server.sample(before, "myolog_syncs_total") == 0)

        #expect(try MyologProcess.run(["--store", laptop, "sync", server.url, "--batch-size", "7"]).status == 0)
        let first = try server.metrics()
        #expect(Server.sample(first, "myolog_syncs_total") == 1, "\(first)")
        #expect(Server.sample(first, "myolog_events_sent_total{origin=\"\(clinicNode)\"}") == Double(held), "\(first)")
        #expect(Server.sample(first, "myolog_events_received_total{origin=\"\(laptopNode)\"}") == 2, "the laptop's enrolment and time zone\n\(first)")
        #expect(Server.sample(first, "myolog_request_duration_seconds_count{route=\"GET /v1/summary\",status=\"200\"}") == 1, "\(first)")
        #expect(Server.sample(first, "myolog_request_duration_seconds_count{route=\"GET /v1/events\",status=\"200\"}") >= 1, "\(first)")
        // The laptop's introduction (its enrolment), then the rest of its chain (its time zone).
        #expect(Server.sample(first, "myolog_request_duration_seconds_count{route=\"POST /v1/events\",status=\"200\"}") == 2, "\(first)")

        // A write at the laptop, a second sync: the counters move on.
        #expect(try MyologProcess.run(["--store", laptop, "--as", "sam", "patient", "register", "--name", "Noah Walsh", "--dob", "1979-02-03"]).status == 0)
        #expect(try MyologProcess.run(["--store", laptop, "sync", server.url]).status == 0)
        let second = try server.metrics()
        #expect(Server.sample(second, "myolog_syncs_total") == 2, "\(second)")
        #expect(Server.sample(second, "myolog_events_received_total{origin=\"\(laptopNode)\"}") == 3, "\(second)")
        #expect(!second.contains("Noah"), "counts only: no health data in the metrics")
    }

    @Test("SIGTERM while a peer is sending: the server finishes or rolls back the batch in flight, exits 0, and a re-sync converges with nothing lost")
    func gracefulStop() throws {
        let clinic = scratch.path("clinic"), laptop = scratch.path("laptop")
        #expect(try MyologProcess.run(["--store", clinic, "init", "--site", "Clinic"]).status == 0)
        #expect(try MyologProcess.run(["--store", laptop, "init", "--site", "Laptop"]).status == 0)
        #expect(try MyologProcess.run(["--store", laptop, "--as", "bench", "demo", "generate", "--patients", "300", "--events-per-patient", "40"]).status == 0)
        try MyologProcess.trustEachOther(clinic, laptop)
        let server = try Server(store: clinic, scratch: scratch, name: "clinic")
        // The laptop pushes 12,000 events in batches of 50; the server is stopped partway.
        let sync = Process()
        sync.executableURL = MyologProcess.binary
        sync.arguments = ["--store", laptop, "sync", server.url, "--batch-size", "50"]
        sync.environment = MyologProcess.environment()
        sync.standardOutput = FileHandle.nullDevice
        sync.standardError = FileHandle.nullDevice
        try sync.run()
        var received = 0
        for _ in 0..<400 where received < 500 {
            usleep(25_000)
            received = (try? DatabaseQueue(path: clinic + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") }) ?? 0
        }
        #expect(received >= 500, "the sync was under way before the signal")
        let log = server.stop()
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0, "\(log)")
        sync.waitUntilExit()
        let kept = try ids(clinic).count
        #expect(kept < 12_002, "stopped mid-sync (it held \(kept) events)")
        // Whatever was committed is whole: the store verifies, and a re-sync brings the rest.
        #expect(try MyologProcess.run(["--store", clinic, "verify"]).status == 0)
        let again = try Server(store: clinic, scratch: scratch, name: "clinic-again")
        #expect(try MyologProcess.run(["--store", laptop, "sync", again.url]).status == 0)
        _ = again.stop()
        #expect(try ids(clinic) == ids(laptop))
        #expect(try MyologProcess.run(["--store", clinic, "verify"]).status == 0)
    }

    @Test("a peer that is not a server, or not an https:// address, is a one-line error; nothing written", arguments: ["https://127.0.0.1:1", "http://127.0.0.1:1", "http://", "ftp://example.org"])
    func unreachable(_ address: String) throws {
        let laptop = scratch.path("laptop")
        #expect(try MyologProcess.run(["--store", laptop, "init", "--site", "Laptop"]).status == 0)
        let before = try ids(laptop)
        let result = try MyologProcess.run(["--store", laptop, "sync", address])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("myolog: error: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try ids(laptop) == before)
    }

    @Test("a peer that accepts the connection and never answers (frozen, or not a server) fails the sync in bounded time, naming it")
    func silentPeerTimesOut() throws {
        let store = scratch.path("clinic")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Clinic"]).status == 0)
        // A listening socket nobody reads from: the kernel completes TCP handshakes into its
        // backlog, exactly what a SIGSTOPped server looks like from the network.
        let listener = try SilentListener()
        let port = listener.port
        let started = Date()
        let sync = try MyologProcess.run(["--store", store, "sync", "https://127.0.0.1:\(port)"])
        let seconds = Date().timeIntervalSince(started)
        #expect(sync.status != 0)
        let peer = "https://127.0.0.1:\(port)"
        #expect(sync.stderr.contains(peer) && sync.stderr.contains("timed out"), "\(sync.stderr)")
        #expect(sync.stderr.split(separator: "\n").count == 1, "\(sync.stderr)")
        #expect(seconds < 30, "took \(seconds) s")
    }
}

@Suite("Schemathesis against the served OpenAPI document")
struct SchemathesisTests {
    @Test("Tools/schemathesis.sh: generated requests for every operation, over mutual TLS, all answered as documented; the log unchanged")
    func schemathesis() throws {
        let script = SchemaValidationTests.root.appendingPathComponent("Tools/schemathesis.sh").path
        let result = try MyologProcess.run(["bash", script, "25"], environment: MyologProcess.environment(["MYOLOG_BINARY": MyologProcess.binary.path]),
                                           executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(result.status == 0, "\(result.stdout.suffix(3000))\(result.stderr.suffix(2000))")
        #expect(result.stdout.contains("schemathesis.sh: ok"), "\(result.stdout.suffix(2000))")
    }

}
