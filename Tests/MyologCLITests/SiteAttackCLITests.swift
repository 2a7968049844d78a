import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// Attacks an outside reviewer made on backup, restore and status (issue 35), each now refused
/// or survived, run as the attacker ran them: real processes, real files.
@Suite("Backup, restore and status under attack", .serialized)  // one user key, made once, by the first test
struct SiteAttackCLITests {
    let scratch = TemporaryDirectory("attack")
    let backups = BackupCLITests()

    /// Runs as attack.manager, the stores' practice manager (the suite's stores have people).
    @discardableResult
    func run(_ arguments: [String], status expected: Int32 = 0) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(arguments, environment: MyologProcess.environment(["MYOLOG_USER": "attack.manager"]))
        #expect(result.status == expected, "\(arguments): exit \(result.status)\n\(result.stdout)\(result.stderr)")
        return result
    }

    func register(_ store: String, _ name: String) throws {
        try run(["--store", store, "--as", "attack.manager", "patient", "register", "--name", name, "--dob", "1990-01-01"])
    }

    @Test("a restored copy stays waiting after a sync with a peer staler than the backup (its next write would fork), and is released by one holding the node's later events")
    func stalePeerDoesNotReleaseARestore() throws {
        let a = scratch.path("a"), b = scratch.path("b"), c = scratch.path("c"), restored = scratch.path("restored"), file = scratch.path("a.backup")
        for (store, site) in [(a, "Abbotsford"), (b, "Balwyn"), (c, "Carlton")] { try run(["--store", store, "--as", "attack.manager", "init", "--site", site]) }
        try MyologProcess.trustEachOther(a, b, c, as: "attack.manager")
        try run(["--store", a, "sync", b])  // b holds a's chain as it was then
        try register(a, "Before Backup")
        try run(["--store", a, "--as", "attack.manager", "backup", "--out", file, "--passphrase-file", try backups.passphraseFile()])
        try register(a, "After Backup")
        try run(["--store", a, "sync", c])  // c holds a's newer events; b does not
        try run(["restore", file, "--store", restored, "--passphrase-file", try backups.passphraseFile()])

        // It takes what b holds, then stops before sending anything: it could not record the
        // disclosure, since it may not write yet.
        let stale = try run(["--store", restored, "sync", b], status: 1)
        #expect(stale.stderr.contains("run `myolog sync PEER` first"), "\(stale.stderr)")
        #expect(FileManager.default.fileExists(atPath: restored + "/" + EventStore.awaitingSyncFileName), "a peer staler than the backup proves nothing")
        let refused = try MyologProcess.run(["--store", restored, "--as", "attack.manager", "patient", "register", "--name", "Would Fork", "--dob", "1990-01-01"])
        #expect(refused.status != 0 && refused.stderr.contains("run `myolog sync PEER` first"), "\(refused.stderr)")
        let status = try MyologProcess.run(["--store", restored, "--as", "attack.manager", "status", "--offline"])
        #expect(status.status == 1 && status.stderr.contains("restored from a backup taken at"), "status names the wait: \(status.stderr)")

        try run(["--store", restored, "sync", c])
        #expect(!FileManager.default.fileExists(atPath: restored + "/" + EventStore.awaitingSyncFileName))
        try register(restored, "After Restore")
        let sync = try run(["--store", restored, "sync", c])
        #expect(!sync.stderr.contains("fork"), "\(sync.stderr)")
    }

    @Test("a killed backup's plaintext copy (an erasure would not reach it) is removed at the next writable open; verify then passes")
    func killedBackupCopyRemoved() throws {
        let store = scratch.path("clinic")
        try run(["--store", store, "--as", "attack.manager", "init", "--site", "Clinic"])
        try register(store, "Jack Rossi")
        // What a backup killed mid-copy leaves: .backup-PID of a process that is gone.
        let stale = store + "/.backup-2147483646"
        #expect(mkdir(stale, 0o700) == 0)
        #expect(FileManager.default.createFile(atPath: stale + "/myolog.sqlite", contents: Data("Jack Rossi".utf8)))
        try run(["--store", store, "verify"])
        #expect(!FileManager.default.fileExists(atPath: stale), "gone at the next writable open")
    }

    @Test("a passphrase file owned by another account is refused (its owner chose the key); nothing written",
          .enabled(if: getuid() == 0, "chown needs root"))
    func passphraseFileOfAnotherAccount() throws {
        let store = scratch.path("clinic")
        try run(["--store", store, "--as", "attack.manager", "init", "--site", "Clinic"])
        let pass = try backups.passphraseFile("planted")
        #expect(chown(pass, 65534, 65534) == 0)
        let result = try MyologProcess.run(["--store", store, "--as", "attack.manager", "backup", "--out", scratch.path("b.backup"), "--passphrase-file", pass])
        #expect(result.status != 0 && result.stderr.hasPrefix("myolog: error: passphrase-file: ") && result.stderr.contains("belongs to uid 65534"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("b.backup")))
    }

    @Test("a peer directory crafted to overflow status's counts, or with a sequence that is text, is reported, never a crash", arguments: ["9223372036854775807", "'abc'"])
    func craftedPeerDirectory(_ sequence: String) throws {
        let store = scratch.path("clinic"), fake = scratch.path("fake")
        try run(["--store", store, "init", "--site", "Clinic"])
        #expect(mkdir(fake, 0o700) == 0)
        let node = try #require(try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchOne($0, sql: "SELECT id FROM nodes WHERE isLocal = 1") })
        let hash = String(repeating: "ab", count: 32)
        let sql = """
            CREATE TABLE nodes(id, site, isLocal); CREATE TABLE events(origin, sequence, hash);
            INSERT INTO nodes VALUES ('zzzzzzzzzzzzzzzz', 'Fake', 1), ('yyyyyyyyyyyyyyyy', 'y', 0);
            INSERT INTO events VALUES ('zzzzzzzzzzzzzzzz', \(sequence), '\(hash)'), ('yyyyyyyyyyyyyyyy', \(sequence), '\(hash)'), ('\(node)', 1, '\(hash)');
            """
        #expect(try MyologProcess.run(["sqlite3", fake + "/myolog.sqlite", sql], executable: URL(fileURLWithPath: "/usr/bin/env")).status == 0)
        _ = try MyologProcess.run(["--store", store, "--as", "attack.manager", "sync", fake])  // refused; the address is recorded
        let status = try MyologProcess.run(["--store", store, "--as", "attack.manager", "status", "--timeout", "5"])
        #expect(status.status == 1, "exit \(status.status), not a crash: \(status.stderr)")
        #expect(status.stderr.contains("peer \(fake)"), "\(status.stderr)")
    }
}
