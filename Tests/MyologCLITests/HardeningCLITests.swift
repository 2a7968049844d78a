import GRDB
import EventLog
import Foundation
import Testing
import MyologTestSupport
import EventModel

/// What a careless or hostile user does to a store's files and options: every case is refused in
/// one line naming what is wrong, with a non-zero exit, and nothing is written anywhere.
@Suite("Hardening: damaged stores, lost keys, read-only copies, --out targets")
struct HardeningCLITests {
    let scratch = TemporaryDirectory("cli")

    /// Every file of a store directory, byte for byte.
    func contents(_ directory: String) throws -> [String: Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return Dictionary(uniqueKeysWithValues: names.map { ($0, FileManager.default.contents(atPath: directory + "/" + $0) ?? Data()) })
    }

    func demoStore(_ name: String) throws -> String {
        let store = scratch.path(name)
        #expect(try MyologProcess.run(["demo", "tour", "--store", store]).status == 0)
        // Fold the WAL into the database file, so the copies below are whole.
        #expect(try MyologProcess.run(["sqlite3", store + "/myolog.sqlite", "PRAGMA wal_checkpoint(TRUNCATE)"], executable: URL(fileURLWithPath: "/usr/bin/env")).status == 0)
        return store
    }

    func firstPatient(_ store: String) throws -> String {
        let text = try MyologProcess.run(["--store", store, "patients", "--json"]).stdout
        return try #require(JSONParser.parse(text.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest.first?.objectValue?["patientId"]?.stringValue)
    }

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case truncated, garbage, emptyFile, someoneElsesSQLite, databaseDeleted
        var testDescription: String { rawValue }
    }

    @Test("a damaged or foreign database file: one line saying so for reads, writes and verify; nothing written into it", arguments: Damage.allCases)
    func damagedDatabase(_ damage: Damage) throws {
        let store = try demoStore("store")
        let database = store + "/myolog.sqlite"
        for file in ["-wal", "-shm"].map({ database + $0 }) where FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
        switch damage {
        case .truncated: try FileHandle(forWritingTo: URL(fileURLWithPath: database)).truncate(atOffset: 12_288)
        case .garbage: try Data((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }).write(to: URL(fileURLWithPath: database))
        case .emptyFile: try Data().write(to: URL(fileURLWithPath: database))
        case .someoneElsesSQLite:
            try FileManager.default.removeItem(atPath: database)
            #expect(try MyologProcess.run(["sqlite3", database, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)"], executable: URL(fileURLWithPath: "/usr/bin/env")).status == 0)
        case .databaseDeleted: try FileManager.default.removeItem(atPath: database)
        }
        let before = try contents(store)
        for arguments in [["patients"], ["verify"], ["--as", "alex", "patient", "register", "--name", "Zoe Park", "--dob", "1990-01-01"]] {
            let result = try MyologProcess.run(["--store", store] + arguments)
            #expect(result.status == 1, "\(damage) \(arguments): \(result.stdout)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(damage) \(arguments): \(result.stderr)")
            let expected = damage == .databaseDeleted ? "myolog.sqlite is missing beside node.key" : "is not a Myolog store or is damaged"
            #expect(result.stderr.contains(expected) && !result.stderr.contains("PRAGMA") && !result.stderr.contains("myolog init"), "\(damage): \(result.stderr)")
            #expect(try contents(store) == before, "\(damage) \(arguments): the store's files changed")
        }
    }

    @Test("what is missing is named: no directory, an empty one, a sync peer that is not there")
    func missingThingsNamed() throws {
        let missing = scratch.path("nowhere")
        let none = try MyologProcess.run(["--store", missing, "patients"])
        #expect(none.status == 1 && none.stderr.contains("no store at \(missing)"), "\(none.stderr)")
        let store = try demoStore("store")
        let peer = try MyologProcess.run(["--store", store, "sync", missing])
        #expect(peer.status != 0 && peer.stderr.contains("peer: no store at \(missing)") && !peer.stderr.contains("myolog init"), "\(peer.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test("a lost node.key: verify works; reads fail closed (they cannot be recorded) and writes are refused, naming the recovery; nothing written")
    func lostKey() throws {
        let store = try demoStore("store")
        let patient = try firstPatient(store)
        try FileManager.default.removeItem(atPath: store + "/node.key")
        let before = try contents(store)
        let read = try MyologProcess.run(["--store", store, "show", patient])
        #expect(read.status == 1 && read.stdout.isEmpty && read.stderr.contains("audit: this access could not be recorded, so nothing is shown")
                && read.stderr.contains("node.key is missing") && read.stderr.split(separator: "\n").count == 1, "\(read.stderr)")
        let verify = try MyologProcess.run(["--store", store, "verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let write = try MyologProcess.run(["--store", store, "--as", "alex", "record", "pain", patient, "--score", "3", "--region", "neck"])
        #expect(write.status == 1 && write.stderr.contains("node.key is missing") && write.stderr.contains("re-enrols as a new node"), "\(write.stderr)")
        #expect(write.stderr.split(separator: "\n").count == 1)
        #expect(try contents(store).filter { !$0.key.hasSuffix("-shm") } == before.filter { !$0.key.hasSuffix("-shm") })
    }

    @Test("a read-only copy (another user's backup, no write permission): verify works; reads fail closed and writes are refused")
    func readOnlyCopy() throws {
        let store = try demoStore("store")
        let patient = try firstPatient(store)
        let backup = scratch.path("backup")
        try FileManager.default.copyItem(atPath: store, toPath: backup)
        for file in ["-wal", "-shm"].map({ backup + "/myolog.sqlite" + $0 }) where FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
        // As root, permissions do not bind: run as `nobody`, who owns the copy read-only.
        var prefix: [String] = []
        if getuid() == 0 {
            let binary = scratch.path("myolog")
            try FileManager.default.copyItem(atPath: MyologProcess.binary.path, toPath: binary)
            chmod(scratch.url.path, 0o755)
            #expect(try MyologProcess.run(["chown", "-R", "nobody", backup], executable: URL(fileURLWithPath: "/usr/bin/env")).status == 0)
            prefix = ["setpriv", "--reuid=nobody", "--regid=\(getgid())", "--clear-groups", binary]
        }
        for file in ["myolog.sqlite", "node.key", "node.head"] { chmod(backup + "/" + file, 0o400) }
        chmod(backup, 0o500)
        defer { chmod(backup, 0o700) }
        let before = try contents(backup)
        func run(_ arguments: [String]) throws -> MyologProcess.Result {
            prefix.isEmpty ? try MyologProcess.run(arguments) : try MyologProcess.run(prefix + arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
        }
        let verify = try run(["--store", backup, "verify"])
        #expect(verify.status == 0 && verify.stdout.contains("Views: ok"), "\(verify.stdout)\(verify.stderr)")
        let read = try run(["--store", backup, "show", patient])
        #expect(read.status == 1 && read.stdout.isEmpty && read.stderr.contains("could not be recorded, so nothing is shown"), "\(read.stderr)")
        if !prefix.isEmpty {
            // Another user's store (0700, not theirs): permission denied, said as such.
            let denied = try run(["--store", store, "patients"])
            #expect(denied.status == 1 && denied.stderr.contains("Permission denied") && !denied.stderr.contains("myolog init"), "\(denied.stderr)")
        }
        let write = try run(["--store", backup, "--as", "alex", "record", "pain", patient, "--score", "3", "--region", "neck"])
        #expect(write.status == 1 && write.stderr.contains("is read-only here"), "\(write.stderr)")
        #expect(try contents(backup) == before)
    }

    @Test("--out never replaces a device, a directory or a link, an existing file only with --force; the write is atomic")
    func outTargets() throws {
        let store = try demoStore("store")
        let patient = try firstPatient(store)
        let existing = scratch.path("existing.json"), link = scratch.path("link.json"), target = scratch.path("target.json")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        try Data("target".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let refusals: [(String, String)] = [("/dev/null", "is a device"), (scratch.url.path, "is a directory"), (link, "is a symbolic link"),
                                            (existing, "exists (pass --force"), (scratch.path("no/such/dir/x.json"), "does not exist")]
        for (out, reason) in refusals {
            for command in [["export", "fhir", patient, "--out", out], ["bundle", "export", "--out", out], ["export", "fhir", "--codes", "--out", out]] {
                let result = try MyologProcess.run(["--store", store] + command)
                #expect(result.status == 1 && result.stderr.hasPrefix("myolog: error: out:") && result.stderr.contains(reason), "\(command): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1)
            }
        }
        #expect(FileManager.default.contents(atPath: existing) == Data("keep me".utf8))
        #expect(FileManager.default.contents(atPath: target) == Data("target".utf8))
        var status = stat()
        #expect(lstat(link, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK)
        #expect(try MyologProcess.run(["--store", store, "export", "fhir", patient, "--out", existing, "--force"]).status == 0)
        #expect(FileManager.default.contents(atPath: existing).map { $0.starts(with: Data("{".utf8)) } == true)
        #expect(try MyologProcess.run(["--store", store, "export", "fhir", "--codes", "--out", scratch.path("codes.json")]).status == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path("codes.json")))
        // No temporary file is left behind by any of it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).allSatisfy { !$0.contains("partial") })
    }

    @Test("--out inside a store directory is refused, with --force and through a link: a report, an export or a bundle never replaces node.key or myolog.sqlite — issue 29")
    func outInsideStore() throws {
        let store = try demoStore("store")
        let patient = try firstPatient(store)
        let link = scratch.path("into-store")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: store)
        let attempts: [[String]] = [
            ["report", patient, "--out", store + "/node.key", "--force"],
            ["export", "fhir", patient, "--out", store + "/myolog.sqlite", "--force"],
            ["bundle", "export", "--out", store + "/myolog.sqlite", "--force"],
            ["bundle", "export", "--out", link + "/node.head", "--force"],
            ["export", "fhir", "--codes", "--out", store + "/codes.json"],
            ["export", "fhir", "--all", "--out", store + "/fhir"],
            ["audit", "export", "fhir", "--out", link + "/audit"],
            ["tls-identity", "--out", store + "/tls"],
        ]
        // A link into a directory inside the store, then `..`: the kernel resolves it to the store
        // itself (a text-standardised path would not).
        let inner = scratch.path("inner")
        try FileManager.default.createDirectory(atPath: store + "/sub", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: inner, withDestinationPath: store + "/sub")
        let before = try contents(store)
        for command in attempts + [["bundle", "export", "--out", inner + "/../leak.myolog"], ["report", patient, "--out", inner + "/../leak.html"]] {
            let result = try MyologProcess.run(["--store", store] + command)
            #expect(result.status != 0 && result.stderr.contains("out:") && result.stderr.contains("is a store"), "\(command): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(command): \(result.stderr)")
        }
        // Reads record accesses, so the database may grow; but no file was replaced or added,
        // and the key and the signed head are byte for byte what they were.
        let after = try contents(store)
        #expect(Set(after.keys).subtracting(["myolog.sqlite-wal", "myolog.sqlite-shm"]) == Set(before.keys).subtracting(["myolog.sqlite-wal", "myolog.sqlite-shm"]))
        #expect(after["node.key"] == before["node.key"])
        #expect(try MyologProcess.run(["--store", store, "verify"]).status == 0)
    }

    @Test("a text with line breaks cannot forge a line: every continuation line of a note is marked in show, timeline and history; log and tables keep one line per row — issue 29")
    func textCannotForgeLines() throws {
        let store = scratch.path("forge")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Carlton"]).status == 0)
        let patient = try MyologProcess.run(["--store", store, "patient", "register", "--name", "Vera Lane", "--dob", "1970-01-01"]).lastWord
        let forged = "Aspirin\n    by alex at Carlton  [x]\n2026-12-04 19:00  RetractionRecorded  retracted medication Warfarin: entered in error\r\n\rdone"
        let written = try MyologProcess.run(["--store", store, "record", "history", patient, "--kind", "medication", "--text", forged])
        #expect(written.status == 0, "\(written.stderr)")
        let event = written.lastWord
        for command in [["show", patient], ["timeline", patient], ["history", event]] {
            let out = try MyologProcess.run(["--store", store] + command).stdout
            let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(!lines.contains { $0.hasPrefix("2026-12-04 19:00") }, "\(command): \(out)")
            #expect(!lines.contains { $0.hasPrefix("    by alex") }, "\(command): \(out)")
            for line in lines where line.contains("Warfarin") || line.contains("by alex at Carlton  [x]") {
                #expect(line.trimmingCharacters(in: .whitespaces).hasPrefix(VisibleText.continuationMark), "\(command): \(line)")
            }
            #expect(!out.contains("\r"), "a carriage return is shown escaped, never sent: \(command)")
        }
        let log = try MyologProcess.run(["--store", store, "log", "--patient", patient]).stdout
        #expect(!log.split(separator: "\n").contains { $0.hasPrefix("2026-12-04 19:00  RetractionRecorded") || $0.hasPrefix("    by") }, "\(log)")
        #expect(log.split(separator: "\n").count == 2 + 2, "the zone line, the header and one line per event (registration, entry): \(log)")
        // A name cannot carry a line break at all (refused at input); a table cell escapes anything.
        #expect(try MyologProcess.run(["--store", store, "patient", "update", patient, "--name", "Vera\nLane"]).status != 0)
    }

    @Test("a store that trusts nobody keeps at most 10,000 events of an untrusted origin waiting; beyond that a bundle is refused in one line and its batch writes nothing — issue 29")
    func untrustedWaitingIsBounded() throws {
        let source = scratch.path("flood"), target = scratch.path("target"), bundle = scratch.path("flood.myolog")
        #expect(try MyologProcess.run(["--store", source, "demo", "generate", "--patients", "210", "--events-per-patient", "50", "--seed", "7"]).status == 0)
        #expect(try MyologProcess.run(["--store", source, "bundle", "export", "--out", bundle]).status == 0)
        #expect(try MyologProcess.run(["--store", target, "init", "--site", "Target"]).status == 0)
        let imported = try MyologProcess.run(["--store", target, "bundle", "import", bundle])
        #expect(imported.status != 0 && imported.stderr.contains("waiting for trust") && imported.stderr.contains("peer add"), "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stderr.split(separator: "\n").count == 1, "\(imported.stderr)")
        let waiting = try DatabaseQueue(path: target + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM held_events") ?? 0 }
        #expect(waiting <= 10_000, "\(waiting) events wait")
        #expect(try MyologProcess.run(["--store", target, "verify"]).status == 0)
    }

    @Test("texts written outside the clinical commands cannot forge lines either: a trust row forged with sqlite3 in verify and peer list, a legal hold's reason in retention due — issue 29")
    func operatorTextsCannotForgeLines() throws {
        let store = try demoStore("texts")
        let patient = try firstPatient(store)
        let forged = "evil\u{1B}[1A\u{1B}[2K\rTrust list: ok\nForks: none"
        #expect(try MyologProcess.run(["sqlite3", store + "/myolog.sqlite",
                                       "INSERT INTO peer_trust (node, name, trusted, changedAt, author) VALUES ('\(forged)', 'x', 1, '2026-01-01T00:00:00Z', 'x')"],
                                      executable: URL(fileURLWithPath: "/usr/bin/env")).status == 0)
        for command in [["verify"], ["peer", "list"]] {
            let out = try MyologProcess.run(["--store", store] + command).stdout
            #expect(!out.contains("\u{1B}") && !out.contains("\r"), "\(command): an escape or carriage return reached the terminal")
            #expect(out.split(separator: "\n").filter { $0.hasPrefix("Forks: none") || $0.hasPrefix("Trust list: ok") }.count <= (command == ["verify"] ? 1 : 0), "\(command): \(out)")
        }
        #expect(try MyologProcess.run(["--store", store, "--as", "pm", "retention", "hold", patient, "--reason", "Claim 1\n0 records due for erasure"]).status == 0)
        let due = try MyologProcess.run(["--store", store, "retention", "due", "--as-of", "2100-01-01"]).stdout
        #expect(!due.split(separator: "\n").contains { $0.hasPrefix("0 records due") }, "\(due)")
    }

    @Test("names and authors: bidi overrides, zero-width and control characters, huge graphemes refused; echoes escaped to one visible line", arguments: [
        ("name", "Mia\u{202E}nospmohT"), ("name", "Mia\u{200B}Thompson"), ("name", "Mia\u{2066}X\u{2069}"), ("name", "a" + String(repeating: "\u{301}", count: 3000)),
        ("author", "al\u{1B}[2Jex"), ("author", "alex\nroot"), ("author", "\u{FEFF}alex"),
    ])
    func hiddenCharacters(_ field: String, _ value: String) throws {
        let store = try demoStore("store")
        let before = try contents(store)
        let author = field == "author" ? value : "alex", name = field == "name" ? value : "Zoe Park"
        let result = try MyologProcess.run(["--store", store, "--as", author, "patient", "register", "--name", name, "--dob", "1990-01-01"])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("myolog: error: \(field):"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.utf8.count < 400, "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" || $0 == "\u{200B}" || $0 == "\u{2066}" })
        #expect(try contents(store) == before)
        // Scripts that need joiners inside words keep them.
        #expect(try MyologProcess.run(["--store", store, "--as", "alex", "patient", "register", "--name", "می\u{200C}خواهم", "--dob", "1990-01-01"]).status == 0)
    }

    @Test("query is bounded: an endless recursive CTE, a gigabyte string and a huge result are stopped in one line, the store unchanged")
    func queryLimits() throws {
        let store = try demoStore("store")
        let before = try contents(store)
        let cases: [([String], String)] = [
            (["query", "--timeout", "1", "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r"], "ran longer than 1.0 s"),
            (["query", "SELECT zeroblob(1000000000)"], "larger than 16 MiB"),
            (["query", "--timeout", "30", "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r LIMIT 400) SELECT x, zeroblob(1000000) FROM r"], "larger than 256 MiB"),
            (["query", "--timeout", "0", "SELECT 1"], "timeout:"),
        ]
        for (arguments, reason) in cases {
            let started = Date()
            let result = try MyologProcess.run(["--store", store] + arguments)
            #expect(result.status != 0 && result.stderr.contains(reason), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(Date().timeIntervalSince(started) < 20)
        }
        // Opening may leave an empty -wal beside the database: no data.
        func data(_ files: [String: Data]) -> [String: Data] { files.filter { !$0.key.hasSuffix("-shm") && !($0.key.hasSuffix("-wal") && $0.value.isEmpty) } }
        #expect(try data(contents(store)) == data(before))
    }

    @Test("event ids: the last 12 characters find one event; a time prefix shared by many says how many matched")
    func shortEventIDs() throws {
        let store = try demoStore("store")
        let log = try JSONParser.parse(try MyologProcess.run(["--store", store, "log", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest
        let ids = log.compactMap { $0.objectValue?["id"]?.stringValue }
        let id = try #require(ids.dropFirst(5).first)
        let byTail = try MyologProcess.run(["--store", store, "history", String(id.suffix(12))])
        #expect(byTail.status == 0 && byTail.stdout.contains(id), "\(byTail.stderr)")
        let prefix = String(id.prefix(8))
        // Counted now, with SQLite: the reads above were recorded, as events of their own.
        let sharing = try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT id FROM events") }.filter { $0.hasPrefix(prefix) }.count
        if sharing > 1 {
            let ambiguous = try MyologProcess.run(["--store", store, "history", prefix])
            #expect(ambiguous.status != 0 && ambiguous.stderr.contains("matches \(sharing) events") && ambiguous.stderr.contains("last 12 characters"), "\(ambiguous.stderr)")
        }
    }

    @Test("serve on a port that is taken: one line naming the address and the reason, exit 1")
    func serveOnTakenPort() throws {
        let store = try demoStore("store")
        let listener = try SilentListener()
        let port = listener.port
        let result = try MyologProcess.run(["--store", store, "serve", "--listen", "127.0.0.1:\(port)"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("listen: cannot listen on 127.0.0.1:\(port)") && result.stderr.contains("in use"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
