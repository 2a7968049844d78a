import EventLog
import Foundation
import EventModel
import GRDB

/// Runs the built `myolog` binary as a child process, as a script or a person would.
struct MyologProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lastWord: String { stdout.split(whereSeparator: \.isWhitespace).last.map(String.init) ?? "" }
    }

    /// The binary next to the test bundle (`.build/<config>/myolog`), or $MYOLOG_BINARY.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["MYOLOG_BINARY"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("myolog")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("myolog")
    }()

    /// A clean environment: no inherited store; the user `tester` unless a test sets another
    /// (or removes it, `"MYOLOG_USER": ""`): every command that shows patient data needs one.
    ///
    /// People's keys live in a directory of this test run's own (`XDG_CONFIG_HOME`), never the
    /// real user's configuration. A store made by `init` with no `--as` and the default user has
    /// no people (plain author names, as stores made before people had keys): the tests written
    /// before issue 33 run on such stores; `PeopleCLITests` and later ones give `--as`.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["MYOLOG_STORE"] = nil
        environment["MYOLOG_USER"] = "tester"
        environment["MYOLOG_USER_KEY"] = nil
        environment["TZ"] = "UTC"
        environment["XDG_CONFIG_HOME"] = keysDirectory
        return environment.merging(extra) { _, new in new }
    }

    /// Where this test run's people keep their keys.
    static let keysDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("myolog-test-keys-\(getpid())").path

    /// Makes every store in `stores` trust every other (`myolog peer add` each way), as one
    /// clinic's operators would before their machines sync.
    /// The node id `myolog id` prints for `store`.
    static func nodeID(_ store: String) throws -> String {
        let id = try run(["--store", store, "--json", "id"])
        guard case .string(let node)? = try JSONParser.parse(id.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["nodeId"] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return node
    }

    /// `to` learns `from`'s enrolment (and agreement key) by importing a bundle of `from`'s
    /// events: what a site does before it can make a bundle carrying keys `--for` the other.
    static func enrol(_ from: String, into to: String, via file: String) throws {
        let exported = try run(["--store", from, "bundle", "export", "--out", file, "--force"])
        let imported = try run(["--store", to, "bundle", "import", file])
        guard exported.status == 0, imported.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: exported.stderr + imported.stderr]) }
    }

    /// `user` runs the commands: in stores with people, one of their practice managers.
    static func trustEachOther(_ stores: String..., as user: String = "test") throws {
        var nodes: [String: String] = [:]
        for store in stores {
            let id = try run(["--store", store, "--json", "--as", user, "id"])
            guard case .string(let node)? = try JSONParser.parse(id.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["nodeId"] else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: id.stderr])
            }
            nodes[store] = node
        }
        for store in stores {
            for other in stores where other != store {
                let added = try run(["--store", store, "--as", user, "peer", "add", nodes[other]!, "--name", other])
                guard added.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: added.stderr]) }
            }
        }
    }

    /// Starts `myolog arguments`, polls `progress` until it says the work is under way, waits
    /// `delay` seconds more (a seeded instant inside the work), then kills the process with
    /// SIGKILL. Returns whether the kill landed (false: the process had already ended). A delay
    /// counted from the launch instead would fall before the work began on a slow machine and
    /// after it ended on a fast one, and the test would prove nothing without saying so.
    ///
    /// Throws when the process ends before `progress` is seen, or `deadline` seconds pass.
    @discardableResult
    static func killed(_ arguments: [String], once progress: () throws -> Bool, after delay: Double = 0, deadline: Double = 120) throws -> Bool {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let giveUp = Date().addingTimeInterval(deadline)
        var underWay = false
        while !underWay, process.isRunning, Date() < giveUp {
            underWay = try progress()
            if !underWay { usleep(500) }
        }
        if !underWay, !process.isRunning { underWay = try progress() }  // it may have got there and ended between two looks
        guard underWay else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey:
                "myolog \(arguments.joined(separator: " ")): its work was never seen under way (status \(process.terminationStatus), within \(deadline) s)"])
        }
        let until = Date().addingTimeInterval(delay)
        while process.isRunning, Date() < until { usleep(200) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    }

    /// A count `sql` reads from the store at `store` while another process may be writing it: a
    /// fresh read-only connection each time, waiting out a lock rather than failing on it.
    static func count(_ store: String, _ sql: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: store + "/myolog.sqlite", configuration: configuration).read { try Int.fetchOne($0, sql: sql) } ?? 0
    }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = environment(), executable: URL = binary, workingDirectory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = environment
        if executable == binary, arguments.contains("init"), !arguments.contains("--as"), environment["MYOLOG_USER"] == "tester" {
            environment["MYOLOG_USER"] = nil
        }
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.environment = environment
        // Files, not pipes: a large output can never block the child while we wait.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("myolog-out-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("stdout"), errURL = base.appendingPathExtension("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let stdout = try Data(contentsOf: outURL), stderr = try Data(contentsOf: errURL)
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A TCP socket listening on 127.0.0.1 (or `address`) at a port the system picks, which nobody
/// ever reads from: the kernel completes handshakes into its backlog, as for a frozen server.
/// `nonBlocking`: `accept` returns at once when nobody connected. Closed on deinit.
final class SilentListener {
    let descriptor: Int32
    let port: Int

    init(address host: in_addr_t = inet_addr("127.0.0.1"), nonBlocking: Bool = false) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = host
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        let listening = listen(fd, 8)
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard bound == 0, listening == 0, named == 0, !nonBlocking || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
            close(fd)
            throw CocoaError(.fileWriteUnknown)
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

