import Foundation

/// A throw-away PostgreSQL cluster for one test suite: `initdb` in a temporary directory, a
/// server on a free loopback port, password authentication (scram-sha-256) — a real server, as
/// a hub meets in production, never a mock. Stopped (and its files removed) when released.
///
/// With `tls: true` the server has `ssl = on` and a certificate made for the test (openssl CLI:
/// a throw-away CA, and a server certificate it signs for the DNS name `localhost` only), and
/// its pg_hba.conf admits TCP connections only over TLS (`hostssl`; `hostnossl … reject`): a
/// client that logs in over TCP used TLS. Unix-socket connections (in ``socketDirectory``) are
/// admitted with a password. ``otherCACertificate`` is a CA that signed nothing of this server's.
///
/// PostgreSQL refuses to run as root, so under root (CI containers) the cluster runs as `nobody`
/// through `setpriv`. The binaries are Debian's (`/usr/lib/postgresql/<version>/bin`) or
/// `$MYOLOG_PG_BIN`.
public final class PostgresCluster: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let port: Int
    public let user = "myolog"
    public let password: String
    let bin: URL
    /// Whether the server speaks TLS only (over TCP).
    public let tls: Bool

    public var data: String { directory.path("data") }
    /// The directory of the server's Unix socket (`PGHOST` for a socket connection).
    public var socketDirectory: String { data }
    /// The CA certificate (PEM) that signed the server's (with `tls: true`).
    public var caCertificate: String { directory.path("tls/ca.crt") }
    /// A CA certificate (PEM) that signed nothing this server presents (with `tls: true`).
    public var otherCACertificate: String { directory.path("tls/other-ca.crt") }

    /// `postgres://user:password@127.0.0.1:port/database`; with `password: ""`, none in the URL
    /// (the client takes `PGPASSWORD`).
    public func url(database: String = "postgres", password: String? = nil) -> String {
        let secret = password ?? self.password
        return "postgres://\(user)\(secret.isEmpty ? "" : ":" + secret)@127.0.0.1:\(port)/\(database)"
    }

    public enum Failure: Error, CustomStringConvertible {
        case noServer, noOpenSSL, command(String, String)
        public var description: String {
            switch self {
            case .noServer: "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or $MYOLOG_PG_BIN: install Debian's postgresql"
            case .noOpenSSL: "no openssl command (for the TLS cluster's certificates): install Debian's openssl (postgresql's ssl-cert brings it)"
            case .command(let command, let output): "\(command) failed: \(output)"
            }
        }
    }

    /// The directory of `initdb` and `pg_ctl`: the newest installed major version.
    public static func binaries() -> URL? {
        if let path = ProcessInfo.processInfo.environment["MYOLOG_PG_BIN"] { return URL(fileURLWithPath: path) }
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let bin = root.appendingPathComponent("\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
        }
        return nil
    }

    /// Makes and starts a cluster; with `tls`, one that admits TCP clients over TLS only.
    public init(tls: Bool = false) throws {
        guard let bin = Self.binaries() else { throw Failure.noServer }
        self.bin = bin
        self.tls = tls
        directory = TemporaryDirectory("pg")
        password = "pw-" + UUID().uuidString.prefix(8).lowercased()
        port = Self.freePort()
        let passwordFile = directory.path("pwfile")
        try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        if tls { try Self.makeCertificates(in: directory.path("tls")) }
        if geteuid() == 0 {
            // The cluster's files belong to the user the server runs as.
            try Self.shell(["chown", "-R", "nobody:nogroup", directory.url.path])
        }
        try run("initdb", ["-D", data, "-U", user, "--pwfile=\(passwordFile)", "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        if tls {
            let certificates = directory.path("tls")
            let settings = "\nssl = on\nssl_cert_file = '\(certificates)/server.crt'\nssl_key_file = '\(certificates)/server.key'\n"
            guard let configuration = FileHandle(forWritingAtPath: data + "/postgresql.conf"), let hba = FileHandle(forWritingAtPath: data + "/pg_hba.conf") else {
                throw Failure.command("initdb", "made no postgresql.conf or pg_hba.conf in \(data)")
            }
            try configuration.seekToEnd()
            try configuration.write(contentsOf: Data(settings.utf8))
            try configuration.close()
            // TCP only over TLS: a plain TCP client is rejected whatever its password.
            let rules = """
                local     all all           scram-sha-256
                hostssl   all all 127.0.0.1/32 scram-sha-256
                hostssl   all all ::1/128      scram-sha-256
                hostnossl all all all          reject

                """
            try hba.truncate(atOffset: 0)
            try hba.write(contentsOf: Data(rules.utf8))
            try hba.close()
        }
        try start()
    }

    /// A throw-away CA, a server key and certificate it signs (subjectAltName DNS:localhost —
    /// not 127.0.0.1, so verify-full to 127.0.0.1 must fail), and an unrelated CA, in `directory`.
    static func makeCertificates(in directory: String) throws {
        guard (try? shell(["openssl", "version"])) != nil else { throw Failure.noOpenSSL }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for (name, subject) in [("ca", "/CN=Myolog test CA"), ("other-ca", "/CN=Someone else's CA")] {
            try shell(["openssl", "req", "-x509"] + curve + ["-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).crt", "-days", "2",
                       "-subj", subject, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        }
        try shell(["openssl", "req", "-new"] + curve + ["-keyout", "\(directory)/server.key", "-out", "\(directory)/server.csr", "-subj", "/CN=localhost"])
        try "subjectAltName = DNS:localhost\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\n"
            .write(toFile: "\(directory)/server.ext", atomically: true, encoding: .utf8)
        try shell(["openssl", "x509", "-req", "-in", "\(directory)/server.csr", "-CA", "\(directory)/ca.crt", "-CAkey", "\(directory)/ca.key",
                   "-set_serial", "2", "-days", "2", "-extfile", "\(directory)/server.ext", "-out", "\(directory)/server.crt"])
        // PostgreSQL refuses a key others can read.
        guard chmod("\(directory)/server.key", 0o600) == 0 else { throw Failure.command("chmod 600 server.key", String(cString: strerror(errno))) }
    }

    /// Starts the (stopped) server and waits until it accepts connections.
    public func start() throws {
        // fsync off: a test machine's power does not fail mid-test, and commits are still
        // synchronous to the server (a killed server loses no acknowledged commit).
        try run("pg_ctl", ["-D", data, "-l", directory.path("server.log"), "-w", "-t", "60", "-o",
                           "-p \(port) -k \(data) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=40", "start"])
    }

    /// Stops the server: `fast` (clean) or `immediate` (no shutdown checkpoint, as a crash).
    public func stop(mode: String = "fast") throws {
        try run("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"])
    }

    /// Runs `sql` with the cluster's `psql` (as an operator would), returning what it printed.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let process = Process()
        process.executableURL = bin.appendingPathComponent("psql")
        process.arguments = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database, "-c", sql]
        process.environment = ["PGPASSWORD": password, "PATH": "/usr/bin:/bin"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure.command("psql -c \(sql)", problem) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The server's log, for a failing test's message.
    public var log: String { (try? String(contentsOfFile: directory.path("server.log"), encoding: .utf8)) ?? "" }

    deinit { try? stop(mode: "immediate") }

    func run(_ tool: String, _ arguments: [String]) throws {
        var argv = [bin.appendingPathComponent(tool).path] + arguments
        if geteuid() == 0 { argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] + argv }
        try Self.shell(argv)
    }

    /// Runs `argv` (through PATH) with its output in a file, and waits for it with waitpid:
    /// Foundation's `Process` waits on its own reaping, which `pg_ctl start` — whose server
    /// keeps the output file open — was seen to leave hanging as a zombie.
    @discardableResult
    static func shell(_ argv: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("myolog-pg-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments = ["/usr/bin/env"] + argv
        var cArguments = arguments.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw Failure.command(argv.joined(separator: " "), String(cString: strerror(spawned))) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        // Exited normally with status 0: (status & 0x7f) == 0 and (status >> 8) & 0xff == 0.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else { throw Failure.command(argv.joined(separator: " "), text) }
        return text
    }

    /// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
    public static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

