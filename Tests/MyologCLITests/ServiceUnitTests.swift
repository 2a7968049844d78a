import Foundation
import Testing
import MyologTestSupport

/// `Tools/systemd/`: the units a site installs, checked by systemd's own tools — `systemd-analyze
/// verify` (every key known, the command executable) and `systemd-analyze security --offline`
/// (the sandbox's exposure) — and their command lines run as the units would run them.
///
/// Not proved here: running under systemd itself (no systemd as PID 1 in CI's container), so a
/// sandbox setting that stopped the process at run time would be found on a real machine first.
@Suite("systemd units for a site", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd-analyze is not installed"))
struct ServiceUnitTests {
    let scratch = TemporaryDirectory("cli")
    static let units = ["myolog-serve.service", "myolog-sync.service"]
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tools/systemd")

    func unit(_ name: String) throws -> String { try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8) }

    /// The unit as installed here: this build's binary for /usr/local/bin/myolog, the example settings.
    func installed(_ name: String, _ text: String? = nil) throws -> String {
        let path = scratch.path(name)
        let body = try (text ?? unit(name))
            .replacingOccurrences(of: "/usr/local/bin/myolog", with: MyologProcess.binary.path)
            .replacingOccurrences(of: "EnvironmentFile=/etc/myolog/myolog.env", with: "EnvironmentFile=\(Self.directory.path)/myolog.env.example")
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func analyze(_ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["systemd-analyze"] + arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    @Test("each unit passes systemd-analyze verify without a word, and its sandbox scores as OK (exposure ≤ 2.0) with the hardening the issue names", arguments: units)
    func verified(_ name: String) throws {
        let path = try installed(name)
        let verify = try analyze(["verify", path])
        #expect(verify.status == 0 && verify.stdout.isEmpty && verify.stderr.isEmpty, "\(verify.stdout)\(verify.stderr)")
        let security = try analyze(["security", "--offline=yes", path])
        let line = try #require(security.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(security.stdout)\(security.stderr)")
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }, "\(line)")
        #expect(score <= 2.0, "\(line)")
        let text = try unit(name)
        for directive in ["User=myolog", "ProtectSystem=strict", "ReadWritePaths=/var/lib/myolog", "NoNewPrivileges=yes", "PrivateTmp=yes", "KillSignal=SIGTERM"] {
            #expect(text.contains("\n\(directive)\n"), "\(name) lacks \(directive)")
        }
    }

    @Test("the check can fail: a misspelt hardening key, and a command that is not there, are reported")
    func verifyFindsMistakes() throws {
        let misspelt = try installed("misspelt.service", unit("myolog-serve.service").replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSytem=strict"))
        let first = try analyze(["verify", misspelt])
        #expect((first.stdout + first.stderr).contains("Unknown key 'ProtectSytem'"), "\(first.stdout)\(first.stderr)")
        let missing = try installed("missing.service", unit("myolog-sync.service").replacingOccurrences(of: "/usr/local/bin/myolog", with: "/nonexistent/myolog"))
        let second = try analyze(["verify", missing])
        #expect(second.status != 0 && (second.stdout + second.stderr).contains("not executable"), "\(second.stdout)\(second.stderr)")
    }

    /// The unit's ExecStart as systemd would split and expand it with `settings`.
    func commandLine(_ name: String, settings: [String: String]) throws -> [String] {
        let line = try #require(try unit(name).split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        return line.dropFirst("ExecStart=".count).split(separator: " ").flatMap { word -> [String] in
            if word.hasPrefix("${"), word.hasSuffix("}") { return [settings[String(word.dropFirst(2).dropLast())] ?? ""] }
            if word.hasPrefix("$") { return (settings[String(word.dropFirst())] ?? "").split(separator: " ").map(String.init) }
            return [String(word)]
        }
    }

    @Test("each unit's command line, with the example settings' keys and this machine's store, starts (its options parse and the store opens), and SIGTERM stops it with status 0", arguments: units)
    func commandLineRuns(_ name: String) throws {
        let store = scratch.path("site"), peer = scratch.path("peer")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Site"]).status == 0)
        #expect(try MyologProcess.run(["--store", peer, "init", "--site", "Peer"]).status == 0)
        try MyologProcess.trustEachOther(store, peer)
        let example = try String(contentsOf: Self.directory.appendingPathComponent("myolog.env.example"), encoding: .utf8)
        let keys = example.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("=") }.map { String($0.prefix { $0 != "=" }) }
        #expect(Set(keys).isSuperset(of: ["MYOLOG_STORE", "MYOLOG_USER", "XDG_CONFIG_HOME", "MYOLOG_LISTEN", "MYOLOG_PEERS", "MYOLOG_EVERY", "MYOLOG_OPTIONS"]))
        // Ports: any free ones here (a test machine runs several suites at once).
        let command = try commandLine(name, settings: ["MYOLOG_LISTEN": "127.0.0.1:0", "MYOLOG_PEERS": peer, "MYOLOG_EVERY": "1s", "MYOLOG_OPTIONS": "--metrics 127.0.0.1:0"])
        #expect(command.first == "/usr/local/bin/myolog")
        let process = Process()
        process.executableURL = MyologProcess.binary
        process.arguments = Array(command.dropFirst())
        process.environment = MyologProcess.environment(["MYOLOG_STORE": store])
        let output = URL(fileURLWithPath: scratch.path("\(name).out")), errors = URL(fileURLWithPath: scratch.path("\(name).err"))
        FileManager.default.createFile(atPath: output.path, contents: nil)
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        var synced = false
        for _ in 0..<150 where !synced {
            usleep(100_000)
            synced = try MyologProcess.count(store, "SELECT count(*) FROM sync_peers WHERE lastSuccessAt IS NOT NULL") == 1
        }
        process.terminate()
        process.waitUntilExit()
        let log = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(synced, "a round with the peer succeeded: \(log)")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(log)")
    }
}
