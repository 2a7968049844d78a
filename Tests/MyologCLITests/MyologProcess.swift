import EventLog
import Foundation
import EventModel

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
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["MYOLOG_STORE"] = nil
        environment["MYOLOG_USER"] = "tester"
        environment["TZ"] = "UTC"
        return environment.merging(extra) { _, new in new }
    }

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

    static func trustEachOther(_ stores: String...) throws {
        var nodes: [String: String] = [:]
        for store in stores {
            let id = try run(["--store", store, "--json", "id"])
            guard case .string(let node)? = try JSONParser.parse(id.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["nodeId"] else {
                throw CocoaError(.fileReadCorruptFile)
            }
            nodes[store] = node
        }
        for store in stores {
            for other in stores where other != store {
                let added = try run(["--store", store, "--as", "test", "peer", "add", nodes[other]!, "--name", other])
                guard added.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: added.stderr]) }
            }
        }
    }

    /// Starts `myolog arguments` and kills it with SIGKILL after `delay` seconds, or lets it end
    /// sooner: a crash at a seeded instant.
    static func killed(_ arguments: [String], after delay: Double) throws {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(delay)
        while process.isRunning, Date() < deadline { usleep(1_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = environment(), executable: URL = binary) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
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

