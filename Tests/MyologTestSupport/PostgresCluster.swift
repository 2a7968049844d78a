import Foundation

/// A throw-away PostgreSQL cluster for one test suite: `initdb` in a temporary directory, a
/// server on a free loopback port, password authentication (scram-sha-256) — a real server, as
/// a hub meets in production, never a mock. Stopped (and its files removed) when released.
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

    public var data: String { directory.path("data") }

    /// `postgres://user:password@127.0.0.1:port/database`; with `password: ""`, none in the URL
    /// (the client takes `PGPASSWORD`).
    public func url(database: String = "postgres", password: String? = nil) -> String {
        let secret = password ?? self.password
        return "postgres://\(user)\(secret.isEmpty ? "" : ":" + secret)@127.0.0.1:\(port)/\(database)"
    }

    public enum Failure: Error, CustomStringConvertible {
        case noServer, command(String, String)
        public var description: String {
            switch self {
            case .noServer: "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or $MYOLOG_PG_BIN: install Debian's postgresql"
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

    /// Makes and starts a cluster.
    public init() throws {
        guard let bin = Self.binaries() else { throw Failure.noServer }
        self.bin = bin
        directory = TemporaryDirectory("pg")
        password = "pw-" + UUID().uuidString.prefix(8).lowercased()
        port = Self.freePort()
        let passwordFile = directory.path("pwfile")
        try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        if geteuid() == 0 {
            // The cluster's files belong to the user the server runs as.
            try Self.shell(["chown", "-R", "nobody:nogroup", directory.url.path])
        }
        try run("initdb", ["-D", data, "-U", user, "--pwfile=\(passwordFile)", "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        try start()
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
