import EventLog
import Foundation
import GRDB
import Testing

/// `myolog serve` and `myolog sync http://…` as separate processes on 127.0.0.1.
@Suite("myolog serve and sync http://")
struct HTTPSyncCLITests {
    let scratch = Scratch()

    /// A `myolog serve` child on a port the system picks; stopped with SIGTERM when done.
    final class Server {
        let process = Process()
        let stdout: URL, stderr: URL
        private(set) var url = ""

        init(store: String, scratch: Scratch, name: String) throws {
            stdout = URL(fileURLWithPath: scratch.path("\(name).out"))
            stderr = URL(fileURLWithPath: scratch.path("\(name).err"))
            FileManager.default.createFile(atPath: stdout.path, contents: nil)
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.executableURL = MyologProcess.binary
            process.arguments = ["--store", store, "serve", "--listen", "127.0.0.1:0"]
            process.environment = MyologProcess.environment()
            process.standardOutput = try FileHandle(forWritingTo: stdout)
            process.standardError = try FileHandle(forWritingTo: stderr)
            try process.run()
            for _ in 0..<300 {
                let text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
                if let range = text.range(of: #"https://127\.0\.0\.1:\d+"#, options: .regularExpression) {
                    url = String(text[range])
                    return
                }
                usleep(50_000)
            }
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "myolog serve did not start: \((try? String(contentsOf: stderr, encoding: .utf8)) ?? "")"])
        }

        /// Stops the server (SIGTERM: graceful) and returns its log.
        func stop() -> String {
            process.terminate()
            process.waitUntilExit()
            return (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        }
    }

    func ids(_ store: String) throws -> Set<String> {
        Set(try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT id || ' ' || hash FROM events") })
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
        #expect(check.status == 0 && check.stdout.hasPrefix("ok: 3 paths answered as documented"), "\(check.stdout)\(check.stderr)")
        #expect(try ids(clinic) == before, "the checker only re-offers events the server holds")
    }

    @Test("serve and sync refuse bad options in one line, naming the option; the store is unchanged", arguments: [
        ["serve", "--listen", "nonsense"], ["serve", "--listen", "127.0.0.1:70000"], ["serve", "--listen", ":8417"],
        ["sync", "https://127.0.0.1:1", "--batch-size", "0"], ["sync", "https://127.0.0.1:1", "--batch-size", "10001"],
    ])
    func badOptions(_ arguments: [String]) throws {
        let laptop = scratch.path("laptop")
        #expect(try MyologProcess.run(["--store", laptop, "init", "--site", "Laptop"]).status == 0)
        let before = try ids(laptop)
        let result = try MyologProcess.run(["--store", laptop] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(arguments[0] == "serve" ? "listen:" : "batch-size:"), "\(result.stderr)")
        #expect(try ids(laptop) == before)
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
