import EventLog
import Foundation
import MyologTestSupport
import Testing
import EventModel

/// `myolog hub` and its PostgreSQL connection's protection: TLS as sslmode says (against a real
/// server that admits TCP clients only over TLS, with a certificate made for the test), and the
/// password from the URL, a password file, PGPASSWORD or ~/.pgpass — never printed.
@Suite("Hub: TLS to PostgreSQL and the password's sources", .serialized)
struct HubTLSTests {
    let scratch = TemporaryDirectory("hub-tls")

    /// The test's environment: no PG* variable of the machine's, HOME an empty directory of the
    /// test's (no ~/.pgpass or ~/.postgresql/root.crt but what a test puts there).
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        let home = scratch.path("home")
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        var environment = MyologProcess.environment(["HOME": home])
        for key in environment.keys where key.hasPrefix("PG") { environment[key] = nil }
        return environment.merging(extra) { _, new in new }
    }

    @discardableResult
    func run(_ arguments: [String], _ extra: [String: String] = [:], status expected: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(arguments, environment: environment(extra))
        #expect(result.status == expected, "myolog \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    /// Refused: a non-zero status, nothing on stdout, stderr the `warnings` lines (in order) then
    /// one error line containing `expected`; no `secrets` anywhere in what was printed.
    func refused(_ arguments: [String], _ expected: String, warnings: [String] = [], secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        try refused(arguments, [:], expected, warnings: warnings, secrets: secrets, sourceLocation: sourceLocation)
    }

    func refused(_ arguments: [String], _ extra: [String: String], _ expected: String, warnings: [String] = [], secrets: [String],
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try MyologProcess.run(arguments, environment: environment(extra))
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(result.status != 0 && result.stdout.isEmpty, "\(arguments): \(result.stdout)", sourceLocation: sourceLocation)
        #expect(lines.count == warnings.count + 1, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        for (line, warning) in zip(lines, warnings) { #expect(line.hasPrefix("myolog: warning: ") && line.contains(warning), "\(line)", sourceLocation: sourceLocation) }
        #expect(lines.last?.hasPrefix("myolog: error: ") == true && lines.last?.contains(expected) == true, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        for secret in secrets { #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret), "a password was printed: \(result.stderr)", sourceLocation: sourceLocation) }
    }

    func hubJSON(_ hub: String) throws -> [String: JSONValue] {
        let text = try String(contentsOfFile: hub + "/hub.json", encoding: .utf8)
        return try JSONParser.parse(text.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue ?? [:]
    }

    @Test("sslmode=require against a server that admits TCP only over TLS: the hub logs in (so it spoke TLS) where sslmode=disable is rejected; hub.json keeps sslmode, never the password; a Unix socket needs no TLS; require against a server without TLS fails in one line")
    func require() throws {
        let cluster = try PostgresCluster(tls: true)
        let hub = scratch.path("hub"), password = ["PGPASSWORD": cluster.password]
        let base = "postgres://myolog@127.0.0.1:\(cluster.port)/postgres"
        // The server itself refuses a plain TCP client: a login below is proof of TLS.
        try refused(["--store", scratch.path("plain"), "hub", "init", "--postgres", base + "?sslmode=disable", "--site", "H"], password,
                    "refused the login: pg_hba.conf rejects connection for host \"127.0.0.1\", user \"myolog\", database \"postgres\", no encryption (the server admits this login only over TLS", secrets: [cluster.password])
        #expect(!FileManager.default.fileExists(atPath: scratch.path("plain")))
        let made = try run(["--store", hub, "hub", "init", "--postgres", base + "?sslmode=require", "--site", "Head office"], password)
        #expect(made.stdout.contains("\(base)?sslmode=require") && made.stderr.isEmpty, "\(made.stdout) \(made.stderr)")
        let remembered = try hubJSON(hub)
        #expect(remembered["sslmode"]?.stringValue == "require" && remembered["sslrootcert"] == nil && remembered["host"]?.stringValue == "127.0.0.1", "\(remembered)")
        #expect(!(try String(contentsOfFile: hub + "/hub.json", encoding: .utf8)).contains(cluster.password))
        // Later commands take the server and its sslmode from hub.json.
        try run(["--store", hub, "hub", "verify"], password)
        // Through the server's Unix socket (no TLS there, as libpq): admitted, nothing refused.
        try run(["--store", hub, "hub", "verify"], password.merging(["PGHOST": cluster.socketDirectory]) { $1 })

        // A server with ssl = off, asked for TLS: one line saying so.
        let plain = try PostgresCluster()
        try refused(["--store", scratch.path("no-tls"), "hub", "init", "--postgres", "postgres://myolog@127.0.0.1:\(plain.port)/postgres?sslmode=require", "--site", "H"],
                    ["PGPASSWORD": plain.password], "the server does not offer TLS (ssl = off in its postgresql.conf), and sslmode=require needs it", secrets: [plain.password])
    }

    @Test("verify-full: the right root certificate and host name succeed; another CA, or a host the certificate does not name, fail in one line with nothing made; verify-ca checks the chain only; hub.json's sslrootcert is used by later commands")
    func verifyFull() throws {
        let cluster = try PostgresCluster(tls: true)
        let hub = scratch.path("hub"), password = ["PGPASSWORD": cluster.password]
        let roots = scratch.path("db-ca.pem")
        try FileManager.default.copyItem(atPath: cluster.caCertificate, toPath: roots)
        // The certificate names localhost (DNS), not 127.0.0.1.
        let named = "postgres://myolog@localhost:\(cluster.port)/postgres", numeric = "postgres://myolog@127.0.0.1:\(cluster.port)/postgres"
        try refused(["--store", scratch.path("wrong-ca"), "hub", "init", "--postgres", named + "?sslmode=verify-full&sslrootcert=\(cluster.otherCACertificate)", "--site", "H"], password,
                    "no trusted TLS connection to PostgreSQL at \(named)?sslmode=verify-full: its certificate does not chain to sslrootcert \(cluster.otherCACertificate)", secrets: [cluster.password])
        try refused(["--store", scratch.path("wrong-host"), "hub", "init", "--postgres", numeric + "?sslmode=verify-full&sslrootcert=\(roots)", "--site", "H"], password,
                    "its certificate does not name 127.0.0.1 (sslmode=verify-full checks the host name", secrets: [cluster.password])
        // As libpq, require with a root certificate checks the chain.
        try refused(["--store", scratch.path("require-wrong-ca"), "hub", "init", "--postgres", numeric + "?sslmode=require&sslrootcert=\(cluster.otherCACertificate)", "--site", "H"], password,
                    "its certificate does not chain to sslrootcert", secrets: [cluster.password])
        for refusedStore in ["wrong-ca", "wrong-host", "require-wrong-ca"] { #expect(!FileManager.default.fileExists(atPath: scratch.path(refusedStore)), "\(refusedStore)") }

        let made = try run(["--store", hub, "hub", "init", "--postgres", named + "?sslmode=verify-full&sslrootcert=\(roots)", "--site", "Head office"], password)
        #expect(made.stdout.contains("\(named)?sslmode=verify-full"), "\(made.stdout)")
        let remembered = try hubJSON(hub)
        #expect(remembered["sslmode"]?.stringValue == "verify-full" && remembered["sslrootcert"]?.stringValue == roots, "\(remembered)")
        // verify-ca: the chain, whatever the name; the variables instead of the URL's parameters.
        try run(["--store", hub, "hub", "verify", "--postgres", numeric + "?sslmode=verify-ca&sslrootcert=\(roots)"], password)
        try run(["--store", hub, "hub", "verify", "--postgres", named], password.merging(["PGSSLMODE": "verify-full", "PGSSLROOTCERT": roots]) { $1 })
        // hub.json's sslmode and sslrootcert hold for later commands: with another CA in that
        // file the server is no longer trusted (plain `prefer` would have connected).
        try run(["--store", hub, "hub", "verify"], password)
        try FileManager.default.removeItem(atPath: roots)
        try FileManager.default.copyItem(atPath: cluster.otherCACertificate, toPath: roots)
        try refused(["--store", hub, "hub", "verify"], password, "its certificate does not chain to sslrootcert \(roots)", secrets: [cluster.password])
    }

    @Test("a server reached over the network without TLS — no sslmode, disable or prefer — is refused in one line before any connection (fast, nothing made, a listener at this machine's own LAN address sees no connection); unknown sslmode values and parameters too")
    func remoteRefused() throws {
        func refusedFast(_ arguments: [String], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            try refusedFast(arguments, [:], expected, sourceLocation: sourceLocation)
        }
        func refusedFast(_ arguments: [String], _ extra: [String: String], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let clock = ContinuousClock(), start = clock.now
            try refused(arguments, extra, expected, secrets: ["hunter2"], sourceLocation: sourceLocation)
            // A connection attempt to 10.255.255.1 would wait out the 10 s connect timeout.
            #expect(clock.now - start < .seconds(4), "took \(clock.now - start): did it try to connect?", sourceLocation: sourceLocation)
        }
        let store = scratch.path("hub")
        let remote = "sslmode: postgres://myolog@10.255.255.1:5432/clinic is reached over the network (not localhost, 127.0.0.1, ::1 or a Unix socket), and the hub sends patient records over a network only with TLS: expected sslmode=verify-full (with sslrootcert), verify-ca or require"
        try refusedFast(["--store", store, "hub", "init", "--postgres", "postgres://myolog@10.255.255.1:5432/clinic", "--site", "H"], ["PGPASSWORD": "hunter2"], remote)
        try refusedFast(["--store", store, "hub", "init", "--postgres", "postgres://myolog@10.255.255.1:5432/clinic?sslmode=disable", "--site", "H"], remote)
        try refusedFast(["--store", store, "hub", "init", "--postgres", "postgres://myolog@10.255.255.1:5432/clinic?sslmode=prefer", "--site", "H"], remote)
        try refusedFast(["--store", store, "hub", "init", "--site", "H"], ["PGHOST": "10.255.255.1", "PGUSER": "myolog", "PGDATABASE": "clinic", "PGSSLMODE": "prefer"], remote)
        // A password in the URL is not echoed by the refusal (nor warned about: nothing was sent).
        try refusedFast(["--store", store, "hub", "init", "--postgres", "postgres://myolog:hunter2@10.255.255.1:5432/clinic", "--site", "H"], remote)
        try refusedFast(["--store", store, "hub", "init", "--postgres", "postgres://myolog@10.255.255.1/clinic?sslmode=hunter2", "--site", "H"],
                        "sslmode: expected disable, prefer, require, verify-ca or verify-full")
        try refusedFast(["--store", store, "hub", "init", "--postgres", "postgres://myolog@10.255.255.1/clinic", "--site", "H"], ["PGSSLMODE": "on"],
                        "PGSSLMODE: expected disable, prefer, require, verify-ca or verify-full")
        try refusedFast(["--store", store, "hub", "init", "--postgres", "postgres://myolog@10.255.255.1/clinic?sslmode=require&connect_timeout=5", "--site", "H"],
                        "--postgres: expected sslmode or sslrootcert as its query parameters, not connect_timeout")
        try refusedFast(["--store", store, "hub", "init", "--postgres", "postgres://myolog@10.255.255.1/clinic?sslmode=verify-full", "--site", "H"],
                        "sslrootcert: expected the CA certificate (PEM) that signed the server's, for sslmode=verify-full")
        #expect(!FileManager.default.fileExists(atPath: store))

        // Before any connection, checked where nothing stands in the way: a listener on this
        // machine's own non-loopback address (as remote to the rule as any) sees no connection.
        let witness = try ConnectionWitness()
        guard let address = ConnectionWitness.nonLoopbackAddress() else { return }
        try witness.connectOnce(to: address)
        #expect(witness.accepted() == 1, "the witness must see a connection to \(address):\(witness.port)")
        let process = Process()
        process.executableURL = MyologProcess.binary
        process.arguments = ["--store", store, "hub", "init", "--postgres", "postgres://myolog@\(address):\(witness.port)/clinic", "--site", "H"]
        process.environment = environment(["PGPASSWORD": "hunter2"])
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        // A hub that did connect would wait for the silent server: stopped after 5 s.
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.hasPrefix("myolog: error: sslmode: postgres://myolog@\(address):\(witness.port)/clinic is reached over the network") && !said.contains("hunter2"), "\(said)")
        #expect(witness.accepted() == 0, "the hub connected to \(address) before refusing")
    }

    @Test("~/.pgpass (chmod 600, libpq's format with wildcards and escapes) gives the password without PGPASSWORD; with group or world access it is ignored with libpq's warning; PGPASSFILE names another")
    func pgpass() throws {
        let cluster = try PostgresCluster()
        let home = scratch.path("home"), hub = scratch.path("hub"), url = cluster.url(password: "")
        _ = environment()
        let passfile = home + "/.pgpass"
        try "# hub\n127.0.0.1:\(cluster.port + 1):*:myolog:not-this-port\n127.0.0.1:\(cluster.port):*:myolog:\(cluster.password)\n".write(toFile: passfile, atomically: false, encoding: .utf8)
        #expect(chmod(passfile, 0o600) == 0)
        let made = try run(["--store", hub, "hub", "init", "--postgres", url, "--site", "Head office"])
        #expect(made.stderr.isEmpty && !made.stdout.contains(cluster.password), "\(made.stderr)")
        // Readable by others: ignored, with a warning; the server then asks for a password in vain.
        #expect(chmod(passfile, 0o644) == 0)
        try refused(["--store", hub, "hub", "verify"], "it asks for a password and none was given", warnings: ["password file \"\(passfile)\" has group or world access (mode 644)", ], secrets: [cluster.password])
        #expect(chmod(passfile, 0o600) == 0)
        try run(["--store", hub, "hub", "verify"])
        // PGPASSFILE, and libpq's escapes: a role whose password holds ':' and '\'.
        try cluster.psql("CREATE ROLE clinic LOGIN PASSWORD 'se:cr\\et'")
        try cluster.psql("CREATE DATABASE clinicdb OWNER clinic")
        let other = scratch.path("other-pgpass")
        try "*:\(cluster.port):clinicdb:clinic:se\\:cr\\\\et\n".write(toFile: other, atomically: false, encoding: .utf8)
        #expect(chmod(other, 0o600) == 0)
        let clinic = try run(["--store", scratch.path("clinic-hub"), "hub", "init", "--postgres", "postgres://clinic@127.0.0.1:\(cluster.port)/clinicdb", "--site", "Clinic"], ["PGPASSFILE": other])
        #expect(clinic.stderr.isEmpty && !clinic.stdout.contains("se:cr"), "\(clinic.stderr)")
        // Wrong in the file: the server says so, naming where the password came from.
        try "*:*:*:*:wrong-secret\n".write(toFile: other, atomically: false, encoding: .utf8)
        try refused(["--store", scratch.path("clinic-hub"), "hub", "verify"], ["PGPASSFILE": other],
                    "refused the login: password authentication failed for user \"clinic\" (check the user, and the password from the password file \(other))", secrets: ["wrong-secret", "se:cr"])
    }

    @Test("--postgres-password-file: its first line is the password (before PGPASSWORD); a file group or world can read is refused in one line naming chmod, nothing made")
    func passwordFile() throws {
        let cluster = try PostgresCluster()
        let hub = scratch.path("hub"), url = cluster.url(password: ""), file = scratch.path("db-password")
        try (cluster.password + "\nsecond line\n").write(toFile: file, atomically: false, encoding: .utf8)
        #expect(chmod(file, 0o600) == 0)
        // The file comes before PGPASSWORD (libpq's order for an explicit password).
        let made = try run(["--store", hub, "hub", "init", "--postgres", url, "--postgres-password-file", file, "--site", "Head office"], ["PGPASSWORD": "wrong-secret"])
        #expect(made.stderr.isEmpty && !made.stdout.contains(cluster.password), "\(made.stderr)")
        try run(["--store", hub, "hub", "verify", "--postgres-password-file", file])
        #expect(chmod(file, 0o644) == 0)
        try refused(["--store", scratch.path("h2"), "hub", "init", "--postgres", url, "--postgres-password-file", file, "--site", "H"],
                    "--postgres-password-file: expected a file only its owner can read; \(file) has group or world access (mode 644): run chmod 600 \(file)", secrets: [cluster.password])
        #expect(chmod(file, 0o640) == 0)
        try refused(["--store", hub, "hub", "verify", "--postgres-password-file", file], "run chmod 600 \(file)", secrets: [cluster.password])
        #expect(!FileManager.default.fileExists(atPath: scratch.path("h2")))
    }

    @Test("a password in the URL works, with one warning that ps and shell history show it; the password is in no output, no refusal and not in hub.json")
    func urlPassword() throws {
        let cluster = try PostgresCluster()
        let hub = scratch.path("hub")
        let made = try run(["--store", hub, "--json", "hub", "init", "--postgres", cluster.url(), "--site", "Head office"])
        #expect(made.stderr == "myolog: warning: the password in --postgres is visible to other users of this machine (ps) and stays in shell history: use PGPASSWORD, ~/.pgpass (chmod 600) or --postgres-password-file instead\n", "\(made.stderr)")
        #expect(!made.stdout.contains(cluster.password) && !made.stderr.contains(cluster.password))
        #expect(made.stdout.contains("\"postgres\":\"postgres://myolog@127.0.0.1:\(cluster.port)/postgres?sslmode=prefer\""), "\(made.stdout)")
        #expect(!(try String(contentsOfFile: hub + "/hub.json", encoding: .utf8)).contains(cluster.password))
        for command in [["hub", "verify"], ["--json", "hub", "patients"]] {
            let result = try run(["--store", hub] + command + ["--postgres", cluster.url()])
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("(ps)") && !(result.stdout + result.stderr).contains(cluster.password), "\(result.stderr)")
        }
        try refused(["--store", hub, "hub", "verify", "--postgres", cluster.url(password: "wrong-secret")], "refused the login: password authentication failed",
                    warnings: ["the password in --postgres is visible to other users of this machine (ps)"], secrets: ["wrong-secret", cluster.password])
    }
}

/// A TCP socket listening on all of this machine's IPv4 addresses, never read from: the kernel
/// completes a client's handshake into the backlog, so ``accepted()`` tells whether anyone
/// connected. Closed on deinit.
final class ConnectionWitness {
    let listener: SilentListener
    var port: Int { listener.port }

    init() throws { listener = try SilentListener(address: INADDR_ANY, nonBlocking: true) }

    /// Connections made since the last call (each accepted and closed).
    func accepted() -> Int {
        var count = 0
        while true {
            let connection = accept(listener.descriptor, nil, nil)
            guard connection >= 0 else { return count }
            close(connection)
            count += 1
        }
    }

    /// Connects to the witness at `address` once (and hangs up), to show it sees connections there.
    func connectOnce(to address: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, address, &target.sin_addr)
        let connected = withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
        usleep(50_000)
    }

    /// This machine's first IPv4 address that is not loopback (an interface's), if any.
    static func nonLoopbackAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return nil }
        defer { freeifaddrs(list) }
        var entry = list
        while let current = entry {
            defer { entry = current.pointee.ifa_next }
            guard let address = current.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            var ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            guard inet_ntop(AF_INET, &ipv4, &text, socklen_t(text.count)) != nil else { continue }
            let name = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !name.hasPrefix("127.") { return name }
        }
        return nil
    }
}
