import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// `myolog backup` and `myolog restore` end to end, with the built binary and real files: the
/// round trip, the file's confidentiality and integrity (every byte altered, every cut, a wrong
/// passphrase), a backup taken while another process writes, an erasure made after the backup
/// reaching the restored store at its next sync, and restores and backups killed mid-way.
@Suite("Backup and restore (CLI)")
struct BackupCLITests {
    let scratch = TemporaryDirectory("backup")
    static let passphrase = "correct horse battery staple"

    @discardableResult
    func run(_ arguments: [String], _ environment: [String: String] = [:]) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(arguments, environment: MyologProcess.environment(environment))
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result
    }

    /// A passphrase file (mode 0600 unless told) holding `text` and a line break.
    func passphraseFile(_ name: String = "passphrase", _ text: String = passphrase, mode: Int = 0o600) throws -> String {
        let path = scratch.path(name)
        try? FileManager.default.removeItem(atPath: path)
        FileManager.default.createFile(atPath: path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: mode])
        return path
    }

    /// Every event of `store`: id → hash.
    func hashes(_ store: String) throws -> [String: String] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, hash FROM events").map { ($0["id"] as String, $0["hash"] as String) })
        }
    }

    /// Every table's rows and the files beside the database: what a refusal must leave as it was.
    func state(_ store: String) throws -> String {
        let tables = try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map { table in
                "\(table): " + (try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map(\.description).joined(separator: "|"))
            }.joined(separator: "\n")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: store).sorted().filter { !$0.hasPrefix("myolog.sqlite") }
        return tables + "\n" + files.map { "\($0): \(FileManager.default.contents(atPath: store + "/" + $0)?.base64EncodedString() ?? "-")" }.joined(separator: "\n")
    }

    func accessRecords(_ store: String) throws -> [[String: JSONValue]] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM events WHERE type = 'RecordAccessed' ORDER BY position").map { try JSONParser.parse($0).objectValue ?? [:] }
        }
    }

    func patientKeys(_ store: String) throws -> [String] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT patient FROM patient_keys ORDER BY patient") }
    }

    func contains(_ data: Data, _ needle: String) -> Bool { data.range(of: Data(needle.utf8)) != nil }

    func mode(_ path: String) throws -> Int { try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }

    /// A refusal: non-zero, one line on stderr naming `field`, nothing on stdout.
    func expectRefused(_ result: MyologProcess.Result, field: String, saying: String = "", _ what: String) {
        #expect(result.status != 0, "\(what) was not refused: \(result.stdout)")
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("error: \(field):"), "\(what): \(result.stderr)")
        #expect(saying.isEmpty || result.stderr.contains(saying), "\(what): \(result.stderr)")
    }

    /// A restore into `target` was refused and left nothing: no store, nothing beside it.
    func expectNothingRestored(_ target: String, _ what: String) throws {
        #expect(!FileManager.default.fileExists(atPath: target), "\(what) left \(target)")
        let parent = (target as NSString).deletingLastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0.contains(".restoring-") }
        #expect(leftovers.isEmpty, "\(what) left \(leftovers)")
    }

    @Test("backup → restore: one encrypted file (0600, no plaintext), the export of every patient recorded first, the restored store is the copy and verifies")
    func roundTrip() throws {
        let store = scratch.path("clinic"), restored = scratch.path("restored"), file = scratch.path("clinic.myolog-backup")
        try run(["demo", "tour", "--store", store])
        let before = try hashes(store)
        let keys = try patientKeys(store)
        #expect(!keys.isEmpty)
        let backup = try run(["--store", store, "--as", "pam", "--purpose", "operations", "backup", "--out", file, "--passphrase-file", passphraseFile()])
        #expect(backup.stdout.contains("Backed up \(before.count) events and the keys of \(keys.count) patients"), "\(backup.stdout)")
        // The access record comes first, naming every patient the copy can read.
        let record = try #require(try accessRecords(store).last)
        #expect(record["action"] == "export" && record["command"] == "backup" && record["purpose"] == "operations", "\(record)")
        #expect(record["patients"]?.arrayValue?.compactMap(\.stringValue) == keys)
        #expect(try hashes(store).count == before.count + 1, "the record, and nothing else")
        // Nothing left behind: no plaintext copy in the store, no partial file beside the backup.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store).allSatisfy { !$0.hasPrefix(".backup-") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).allSatisfy { !$0.contains(".partial") })

        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(try mode(file) == 0o600)
        #expect(bytes.starts(with: Data("MYOLOG-BACKUP\n".utf8)))
        for plaintext in ["Mia Thompson", "SQLite format 3", "myolog-store-backup", "PainScoreRecorded", "node.key"] {
            #expect(!contains(bytes, plaintext), "the backup holds \"\(plaintext)\" in the clear")
        }

        let restore = try run(["restore", file, "--store", restored, "--passphrase-file", passphraseFile()])
        #expect(restore.stdout.contains("Restored node") && restore.stdout.contains("\(before.count) events"), "\(restore.stdout)")
        #expect(restore.stdout.contains("Chains: ok") && restore.stdout.contains("Views: ok"), "verify's own checks ran: \(restore.stdout)")
        #expect(restore.stdout.contains("Erasures made since") && restore.stdout.contains("still holds the keys of patients erased after the backup"), "\(restore.stdout)")
        #expect(restore.stdout.contains("It writes nothing of its own, and shows no patient data, until `myolog sync PEER`"), "\(restore.stdout)")
        #expect(!contains(Data(restore.stdout.utf8), "Mia"), "no patient data is shown")
        #expect(try hashes(restored) == before, "exactly the events up to the backup")
        #expect(try patientKeys(restored) == keys)
        #expect(try mode(restored) == 0o700)
        for name in try FileManager.default.contentsOfDirectory(atPath: restored) { #expect(try mode(restored + "/" + name) == 0o600, "\(name)") }
        #expect(FileManager.default.contents(atPath: restored + "/node.key") == FileManager.default.contents(atPath: store + "/node.key"))
        #expect(try run(["--store", restored, "verify"]).status == 0)
        // Until a peer has returned this node's later events, it writes nothing — not even the
        // record of a read, so it shows nothing.
        #expect(FileManager.default.fileExists(atPath: restored + "/restored.awaiting-sync"))
        let unchanged = try state(restored)
        let patient = try #require(keys.first)
        for (attempt, field) in [(["patients"], "audit"), (["--as", "alex", "record", "pain", patient, "--score", "2", "--region", "neck"], "store")] {
            let refused = try MyologProcess.run(["--store", restored] + attempt)
            expectRefused(refused, field: field, saying: "run `myolog sync PEER` first", "\(attempt) in a restored store")
            #expect(try state(restored) == unchanged)
        }
        // A node without peers restores to write at once.
        let alone = scratch.path("alone")
        let standalone = try run(["restore", file, "--store", alone, "--passphrase-file", passphraseFile(), "--without-peers"])
        #expect(standalone.stdout.contains("Restored --without-peers: it writes at once"), "\(standalone.stdout)")
        #expect(!FileManager.default.fileExists(atPath: alone + "/restored.awaiting-sync"))
        #expect(try run(["--store", alone, "patients"]).stdout.contains("Mia Thompson"), "the restored store reads its records")

        // --json for scripts: one object, verify's own included.
        let again = scratch.path("again")
        let json = try run(["--json", "restore", file, "--store", again, "--passphrase-file", passphraseFile()]).stdout
        let object = try #require(try JSONParser.parse(json.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue)
        #expect(object["events"] == .int(before.count) && object["verify"]?.objectValue?["chains"]?.objectValue?["ok"] == .bool(true), "\(json)")
    }

    @Test("bad input and faults: one line naming the field and what is accepted, non-zero, nothing written — backup and restore")
    func refusals() throws {
        let store = scratch.path("clinic"), file = scratch.path("clinic.myolog-backup"), target = scratch.path("target")
        try run(["demo", "tour", "--store", store])
        let pass = try passphraseFile()
        try run(["--store", store, "--as", "pam", "backup", "--out", file, "--passphrase-file", pass])
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        var unchanged = try state(store)

        // Backup: an existing file without --force; passphrase files missing, empty, readable by others, too short.
        let backupRefusals: [(arguments: [String], field: String, saying: String)] = [
            (["--out", file, "--passphrase-file", pass], "out", "pass --force to replace it"),
            (["--out", scratch.path("b1"), "--passphrase-file", scratch.path("missing")], "passphrase-file", "cannot be read"),
            (["--out", scratch.path("b2"), "--passphrase-file", try passphraseFile("empty", "")], "passphrase-file", "that line is empty"),
            (["--out", scratch.path("b3"), "--passphrase-file", try passphraseFile("open", Self.passphrase, mode: 0o644)], "passphrase-file", "group or world access"),
            (["--out", scratch.path("b4"), "--passphrase-file", try passphraseFile("short", "too short")], "passphrase-file", "at least 12 characters"),
            (["--out", store + "/inside", "--passphrase-file", pass], "out", "outside every store directory"),
        ]
        for refusal in backupRefusals {
            let result = try MyologProcess.run(["--store", store, "--as", "pam", "backup"] + refusal.arguments)
            expectRefused(result, field: refusal.field, saying: refusal.saying, "backup \(refusal.arguments)")
            #expect(try state(store) == unchanged, "backup \(refusal.arguments) changed the store")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == original, "the existing file was replaced")
        for name in ["b1", "b2", "b3", "b4"] { #expect(!FileManager.default.fileExists(atPath: scratch.path(name))) }
        // No passphrase file and no terminal to ask on (a new session has none).
        let noTerminal = try MyologProcess.run(["setsid", "-w", MyologProcess.binary.path, "--store", store, "--as", "pam", "backup", "--out", scratch.path("b5")],
                                               executable: URL(fileURLWithPath: "/usr/bin/env"))
        expectRefused(noTerminal, field: "passphrase-file", saying: "no terminal to ask on", "backup without a passphrase")
        #expect(try state(store) == unchanged)

        // Restore: a wrong passphrase; every cut; one byte altered in the header, the middle, the end; not a backup.
        func restore(_ backup: String, _ passphrase: String = pass) throws -> MyologProcess.Result {
            try MyologProcess.run(["restore", backup, "--store", target, "--passphrase-file", passphrase])
        }
        let wrong = try restore(file, try passphraseFile("wrong", "correct horse battery stapler"))
        expectRefused(wrong, field: "passphrase-file", saying: "does not open it", "a wrong passphrase")
        try expectNothingRestored(target, "a wrong passphrase")

        let header = 95
        let cuts = [0, 10, header - 1, header, header + 3, header + 5 + 100, original.count / 2, original.count - 17, original.count - 1]
        for cut in cuts {
            let cutFile = scratch.path("cut-\(cut)")
            try original.prefix(cut).write(to: URL(fileURLWithPath: cutFile))
            let result = try restore(cutFile)
            expectRefused(result, field: "file", "a backup cut at byte \(cut)")
            #expect(cut < 14 || result.stderr.contains("truncated") || result.stderr.contains("ends"), "cut at \(cut): \(result.stderr)")
            try expectNothingRestored(target, "a backup cut at byte \(cut)")
        }
        // One byte: the magic, the version, the scrypt cost, the salt, the chunk size, the
        // commitment; the first chunk's frame and body; the middle; the last tag byte.
        let altered = [0, 15, 17, 30, 60, 88, 94, header, header + 2, header + 40, original.count / 2, original.count - 1]
        for offset in altered {
            var bytes = original
            bytes[offset] ^= 0x01
            let alteredFile = scratch.path("altered-\(offset)")
            try bytes.write(to: URL(fileURLWithPath: alteredFile))
            let result = try restore(alteredFile)
            #expect(result.status != 0 && result.stderr.split(separator: "\n").count == 1, "a byte altered at \(offset): \(result.stderr)")
            #expect(offset >= header ? result.stderr.contains("error: file:") && result.stderr.contains("altered")
                    : result.stderr.contains("error: file:") || result.stderr.contains("error: passphrase-file:"), "offset \(offset): \(result.stderr)")
            try expectNothingRestored(target, "a byte altered at \(offset)")
        }
        // A byte appended after the last chunk.
        let appended = scratch.path("appended")
        try (original + Data([0])).write(to: URL(fileURLWithPath: appended))
        expectRefused(try restore(appended), field: "file", saying: "follow its last chunk", "a byte appended")
        try expectNothingRestored(target, "a byte appended")

        let notBackups: [(name: String, bytes: Data)] = [
            ("empty", Data()), ("text", Data("hello, this is not a backup\n".utf8)),
            ("sqlite", try Data(contentsOf: URL(fileURLWithPath: store + "/myolog.sqlite"))), ("bundle", Data("MYOLOG-BUNDLE\n".utf8)),
        ]
        for notBackup in notBackups {
            let path = scratch.path("not-\(notBackup.name)")
            try notBackup.bytes.write(to: URL(fileURLWithPath: path))
            expectRefused(try restore(path), field: "file", saying: "written by `myolog backup`", "\(notBackup.name)")
            try expectNothingRestored(target, notBackup.name)
        }
        expectRefused(try restore(scratch.path("no-such-file")), field: "file", "a missing backup file")

        // Over an existing store, or a directory holding anything: refused, nothing changed.
        unchanged = try state(store)
        let over = try MyologProcess.run(["restore", file, "--store", store, "--passphrase-file", pass])
        expectRefused(over, field: "store", saying: "it holds a store, which a restore never replaces", "a restore over a store")
        #expect(try state(store) == unchanged)
        let occupied = scratch.path("occupied")
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: occupied + "/notes.txt", contents: Data("mine".utf8))
        expectRefused(try MyologProcess.run(["restore", file, "--store", occupied, "--passphrase-file", pass]), field: "store", "a directory holding a file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied) == ["notes.txt"])

        // The intact file still restores, into an empty directory too.
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try run(["restore", file, "--store", target, "--passphrase-file", pass])
        #expect(try run(["--store", target, "verify"]).status == 0)
    }

    @Test("chunks dropped, repeated, swapped or taken from another backup of the same store and passphrase: refused, nothing restored")
    func chunksMoved() throws {
        let store = scratch.path("clinic"), target = scratch.path("target")
        try run(["--store", store, "demo", "generate", "--patients", "150", "--events-per-patient", "30"])
        let pass = try passphraseFile()
        let first = scratch.path("first.backup"), second = scratch.path("second.backup")
        try run(["--store", store, "backup", "--out", first, "--passphrase-file", pass])
        try run(["--store", store, "backup", "--out", second, "--passphrase-file", pass])
        /// The header and each chunk's bytes (frame, ciphertext, tag), as the file lays them out.
        func chunks(_ path: String) throws -> (header: Data, chunks: [Data]) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            var offset = 95, chunks: [Data] = []
            while offset < bytes.count {
                let length = bytes[(offset + 1)..<(offset + 5)].reduce(0) { $0 << 8 | Int($1) }
                chunks.append(bytes[offset..<(offset + 5 + length + 16)])
                offset += 5 + length + 16
            }
            return (bytes.prefix(95), chunks)
        }
        let (header, original) = try chunks(first)
        let other = try chunks(second)
        #expect(original.count >= 3, "a store of several chunks: \(original.count)")
        let variants: [(String, [Data], Data)] = [
            ("a middle chunk dropped", Array(original.prefix(1) + original.dropFirst(2)), header),
            ("the first chunk repeated", [original[0]] + original, header),
            ("two chunks swapped", [original[1], original[0]] + original.dropFirst(2), header),
            ("the last chunk dropped", Array(original.dropLast()), header),
            ("a chunk from the other backup", [other.chunks[0]] + original.dropFirst(), header),
            ("the other backup's header", original, other.header),
        ]
        for (what, layout, head) in variants {
            let path = scratch.path("variant")
            try (layout.reduce(head) { $0 + $1 }).write(to: URL(fileURLWithPath: path))
            let result = try MyologProcess.run(["restore", path, "--store", target, "--passphrase-file", pass])
            #expect(result.status != 0 && result.stderr.split(separator: "\n").count == 1, "\(what): \(result.stderr)")
            #expect(result.stderr.contains("error: file:") || result.stderr.contains("error: passphrase-file:"), "\(what): \(result.stderr)")
            try expectNothingRestored(target, what)
        }
        // Reassembled as written, it restores.
        try (original.reduce(header) { $0 + $1 }).write(to: URL(fileURLWithPath: scratch.path("whole")))
        try run(["restore", scratch.path("whole"), "--store", target, "--passphrase-file", pass])
    }

    @Test("the passphrase typed at a terminal: asked twice with echo off (never shown), two that differ refused; restore asks once")
    func typedPassphrase() throws {
        let store = scratch.path("clinic"), file = scratch.path("typed.backup"), restored = scratch.path("restored")
        try run(["demo", "tour", "--store", store])
        /// Runs `arguments` on a terminal of its own (`script` gives it a pseudo-terminal), typing
        /// each answer only once its prompt is shown; returns everything the terminal showed.
        func typed(_ arguments: [String], answers: [(prompt: String, text: String)]) throws -> (status: Int32, screen: String) {
            let command = ([MyologProcess.binary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-q", "-f", "-e", "-c", command, "/dev/null"]
            process.environment = MyologProcess.environment()
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            try process.run()
            var screen = ""
            for answer in answers {
                let deadline = Date().addingTimeInterval(30)
                while !screen.contains(answer.prompt), Date() < deadline {
                    let data = output.fileHandleForReading.availableData
                    if data.isEmpty { break }
                    screen += String(decoding: data, as: UTF8.self)
                }
                usleep(100_000)
                input.fileHandleForWriting.write(Data((answer.text + "\n").utf8))
                screen = screen.replacingOccurrences(of: answer.prompt, with: "[asked]")
            }
            try input.fileHandleForWriting.close()
            screen += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, screen)
        }
        let differing = try typed(["--store", store, "--as", "pam", "backup", "--out", file],
                                  answers: [("Backup passphrase: ", Self.passphrase), ("Again, to confirm: ", Self.passphrase + "!")])
        #expect(differing.status != 0 && differing.screen.contains("the two passphrases typed differ"), "\(differing.screen)")
        #expect(!FileManager.default.fileExists(atPath: file))
        let made = try typed(["--store", store, "--as", "pam", "backup", "--out", file],
                             answers: [("Backup passphrase: ", Self.passphrase), ("Again, to confirm: ", Self.passphrase)])
        #expect(made.status == 0 && made.screen.contains("Backed up"), "\(made.screen)")
        #expect(!made.screen.contains("horse"), "the passphrase was echoed: \(made.screen)")
        let restore = try typed(["restore", file, "--store", restored], answers: [("Backup passphrase: ", Self.passphrase)])
        #expect(restore.status == 0 && restore.screen.contains("Restored node") && !restore.screen.contains("horse"), "\(restore.screen)")
        // The same file opens with the same passphrase from a file.
        try run(["restore", file, "--store", scratch.path("again"), "--passphrase-file", passphraseFile()])
    }

    @Test("a patient erased after the backup: restore says so, holds the key until its next sync, and the sync with the peer holding the erasure destroys it")
    func erasureAfterBackup() throws {
        let carlton = scratch.path("carlton"), fitzroy = scratch.path("fitzroy"), restored = scratch.path("restored"), file = scratch.path("carlton.backup")
        try run(["demo", "tour", "--store", carlton])
        try run(["--store", fitzroy, "init", "--site", "Fitzroy"])
        try MyologProcess.trustEachOther(carlton, fitzroy)
        try run(["--store", fitzroy, "sync", carlton])
        let mia = try #require(try DatabaseQueue(path: carlton + "/myolog.sqlite").read {
            try String.fetchOne($0, sql: "SELECT patient FROM patient_summary WHERE name = 'Mia Thompson'")
        })
        try run(["--store", carlton, "--as", "pam", "backup", "--out", file, "--passphrase-file", passphraseFile()])

        // After the backup, Mia is erased (at Fitzroy) and the erasure reaches Carlton.
        try run(["--store", fitzroy, "--as", "privacy.officer", "erase", "--yes", mia, "--basis", "request", "--reason", "Written request 2026-301"])
        try run(["--store", carlton, "sync", fitzroy])
        #expect(try !patientKeys(carlton).contains(mia))

        // Carlton's disk dies; the backup is restored. It still holds Mia's key, and says so.
        let restore = try run(["restore", file, "--store", restored, "--passphrase-file", passphraseFile()])
        #expect(restore.stdout.contains("Erasures made since"), "\(restore.stdout)")
        #expect(try patientKeys(restored).contains(mia), "the backup predates the erasure")

        // It writes nothing before its own events are back.
        let refused = try MyologProcess.run(["--store", restored, "--as", "alex", "record", "pain", mia, "--score", "2", "--region", "neck"])
        expectRefused(refused, field: "store", saying: "run `myolog sync PEER` first", "a write before the sync")
        // Restored standalone (--without-peers), it receives its own later events back and acknowledges the
        // erasure in the same transaction: its chain links on from the events received.
        let standalone = scratch.path("standalone")
        try run(["restore", file, "--store", standalone, "--passphrase-file", passphraseFile(), "--without-peers"])

        // Its next sync brings the erasure (and Carlton's own later events) back.
        try run(["--store", restored, "sync", fitzroy])
        #expect(!FileManager.default.fileExists(atPath: restored + "/restored.awaiting-sync"), "the sync returned its own events: it writes again")
        try run(["--store", standalone, "sync", fitzroy])
        // Each catch-up names the copy's rollback (its own events came back from a peer): verify
        // lists it until an operator acknowledges it, as `status` says.
        let node = try MyologProcess.nodeID(carlton)
        for store in [standalone, restored] {
            let named = try MyologProcess.run(["--store", store, "verify"])
            #expect(named.status == 1 && named.stdout.contains("Rollbacks: 1 unacknowledged"), "\(named.stdout)")
            try run(["--store", store, "--as", "pam", "status", "--acknowledge", node])
        }
        let standaloneVerify = try MyologProcess.run(["--store", standalone, "verify"])
        #expect(standaloneVerify.status == 0 && standaloneVerify.stdout.contains("Chains: ok"), "\(standaloneVerify.stdout)")
        #expect(try !patientKeys(standalone).contains(mia))
        #expect(try !patientKeys(restored).contains(mia), "the erased patient's key is gone from the restored store")
        let show = try MyologProcess.run(["--store", restored, "show", mia])
        #expect(show.status != 0 && show.stderr.contains("was erased on"), "\(show.stderr)")
        let files = try FileManager.default.subpathsOfDirectory(atPath: restored).filter { !$0.hasSuffix("/") }
        for name in files {
            guard let data = FileManager.default.contents(atPath: restored + "/" + name) else { continue }
            #expect(!contains(data, "Mia Thompson"), "\(name) keeps her name")
        }
        // Every event Fitzroy holds — Carlton's own written after the backup among them — came back.
        let back = try hashes(restored)
        #expect(try hashes(fitzroy).allSatisfy { back[$0.key] == $0.value })
        let verify = try MyologProcess.run(["--store", restored, "verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(try run(["--store", restored, "--as", "alex", "patients"]).status == 0, "it reads (and records the read) again")
    }

    @Test("a backup taken while another process keeps writing restores to a store that verifies, holding a prefix of every chain")
    func backupWhileWriting() throws {
        let store = scratch.path("busy"), restored = scratch.path("restored"), file = scratch.path("busy.backup")
        try run(["--store", store, "demo", "generate", "--patients", "20", "--events-per-patient", "10"])
        let writer = Process()
        writer.executableURL = MyologProcess.binary
        writer.arguments = ["--store", store, "demo", "generate", "--patients", "20000", "--events-per-patient", "20", "--seed", "7"]
        writer.environment = MyologProcess.environment()
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        defer { if writer.isRunning { writer.terminate() } }
        func count() throws -> Int {
            try DatabaseQueue(path: store + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") ?? 0 }
        }
        // Writing has started (not a guessed delay): the log has grown.
        let initial = try count()
        let deadline = Date().addingTimeInterval(60)
        while try count() < initial + 500, Date() < deadline { usleep(20_000) }
        let started = try count()
        try run(["--store", store, "backup", "--out", file, "--passphrase-file", passphraseFile()])
        #expect(writer.isRunning, "the writer went on writing through the whole backup")
        let ended = try count()
        writer.terminate()
        writer.waitUntilExit()
        #expect(ended > started, "events were written while the backup ran")

        let restore = try run(["restore", file, "--store", restored, "--passphrase-file", passphraseFile()])
        #expect(restore.stdout.contains("Views: ok"), "\(restore.stdout)")
        #expect(try run(["--store", restored, "verify"]).status == 0)
        // Every restored event is the original's, and every chain is a prefix (no gap): a
        // consistent cut of the log, not a mixture.
        let live = try hashes(store), copy = try hashes(restored)
        #expect(copy.count >= started && copy.count <= ended + 1, "\(started) ≤ \(copy.count) ≤ \(ended)")
        #expect(copy.allSatisfy { live[$0.key] == $0.value })
        let gaps = try DatabaseQueue(path: restored + "/myolog.sqlite").read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM (SELECT origin, max(sequence) AS top, count(*) AS n FROM events GROUP BY origin) WHERE top <> n") ?? -1
        }
        #expect(gaps == 0)
    }

    @Test("a restore or a backup killed (SIGKILL) at any instant leaves no half store and no partial file; the next run cleans up what it left")
    func killed() throws {
        let store = scratch.path("clinic"), file = scratch.path("clinic.backup")
        try run(["--store", store, "demo", "generate", "--patients", "300", "--events-per-patient", "20"])
        let pass = try passphraseFile()
        try run(["--store", store, "backup", "--out", file, "--passphrase-file", pass])
        func killedAfter(_ milliseconds: Int, _ arguments: [String]) throws {
            let process = Process()
            process.executableURL = MyologProcess.binary
            process.arguments = arguments
            process.environment = MyologProcess.environment()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(milliseconds * 1000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        for (index, milliseconds) in [150, 400, 700, 1000, 1500, 2500].enumerated() {
            let target = scratch.path("restored-\(index)")
            try killedAfter(milliseconds, ["restore", file, "--store", target, "--passphrase-file", pass])
            // Either nothing at the path, or the whole store, checked.
            if FileManager.default.fileExists(atPath: target) {
                #expect(try run(["--store", target, "verify"]).status == 0, "killed after \(milliseconds) ms")
            }
            // The next restore there removes what the killed one left beside it, and completes.
            try? FileManager.default.removeItem(atPath: target)
            try run(["restore", file, "--store", target, "--passphrase-file", pass])
            try expectNothingRestored(target + "-none", "the next restore")
        }
        for milliseconds in [300, 800, 1300] {
            let out = scratch.path("killed-\(milliseconds).backup")
            try killedAfter(milliseconds, ["--store", store, "backup", "--out", out, "--passphrase-file", pass])
            if FileManager.default.fileExists(atPath: out) {
                try run(["restore", out, "--store", scratch.path("from-killed-\(milliseconds)"), "--passphrase-file", pass])
            }
            #expect(try run(["--store", store, "verify"]).status == 0)
        }
        // A later backup removes the plaintext copies killed backups left in the store.
        try run(["--store", store, "backup", "--out", scratch.path("after.backup"), "--passphrase-file", pass])
        #expect(try FileManager.default.contentsOfDirectory(atPath: store).allSatisfy { !$0.hasPrefix(".backup-") })
    }
}
