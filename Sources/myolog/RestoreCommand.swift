import ArgumentParser
import EventLog
import Foundation
import EventModel

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new store directory, checked as `myolog verify` checks a store.",
        discussion: """
            Decrypts the backup (every chunk must authenticate, none may be missing), writes the
            store into a directory beside --store, runs every check of `myolog verify` on it, and
            only then moves it into place: --store must not exist or be an empty directory, and a
            killed restore leaves nothing there. Nothing is written into the restored store's log,
            and no patient data is shown: only what the backup holds, in counts.

            The restored store is the node as it stood when the backup was taken. It writes
            nothing of its own — and so shows no patient data, since every read is recorded —
            until `myolog sync PEER` has brought back what that peer holds of this node's chain:
            the events it wrote after the backup, and every erasure made since (until then the
            copy still holds the keys of patients erased after the backup). A node with no peer
            at all restores with --without-peers and writes at once.

            Examples:
              myolog restore /mnt/offsite/carlton-2026-12-05.myolog-backup --store ~/clinic --passphrase-file ~/.myolog-backup-passphrase
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The backup file (`myolog backup` writes one).", valueName: "file")) var file: String
    @Option(name: .customLong("passphrase-file"), help: ArgumentHelp("A file (chmod 600) whose first line is the passphrase (else it is asked at the terminal).", valueName: "file"))
    var passphraseFile: String?
    @Flag(name: .customLong("without-peers"), help: "This node has no peer that could hold its later events: the restored store writes at once, without a sync first.")
    var withoutPeers = false

    func run() throws {
        let directory = try global.storeDirectory()
        let url = URL(fileURLWithPath: (file as NSString).expandingTildeInPath)
        // A file that is not a backup is refused before anyone is asked for a passphrase.
        _ = try EventStore.backupHeader(at: url, field: "file")
        let passphrase = try BackupPassphrase.read(file: passphraseFile, making: false)
        var checks = ""
        let manifest = try EventStore.restore(from: url, passphrase: passphrase.bytes, into: directory,
                                              fields: (backup: "file", passphrase: passphraseFile == nil ? "passphrase" : "passphrase-file", store: "store"),
                                              passphraseSource: passphrase.source, awaitingSync: !withoutPeers) { restored, _ in
            let (output, failure) = try Self.verify(restored, json: global.json)
            checks = output
            if let failure {
                print(output, terminator: "")
                throw CommandFailure("file: \(url.path) restores to a store that fails `myolog verify` (\(failure)); nothing was restored at \(directory.path)")
            }
        }
        let taken = manifest.takenAt.description
        if global.json {
            let verify = (try? JSONParser.parse(Array(checks.utf8))) ?? .string(checks)
            print(JSONValue.object([
                "store": .string(directory.path), "node": .string(manifest.node.rawValue), "site": .string(manifest.site),
                "takenAt": .string(taken), "events": .int(manifest.events), "ownHead": .int(manifest.ownHead),
                "signedHead": manifest.signedHead.map(JSONValue.int) ?? .null, "patients": .int(manifest.patients.count),
                "erasedPatients": .int(manifest.erasedPatients), "awaitingSync": .bool(!withoutPeers), "verify": verify,
            ]).canonicalString)
            return
        }
        print("""
            Restored node \(manifest.node) (\(VisibleText.escaped(manifest.site))) into \(VisibleText.escaped(directory.path)), as it stood at \(taken):
              \(manifest.events) event\(manifest.events == 1 ? "" : "s"); this node's chain up to sequence \(manifest.ownHead), signed head \
            \(manifest.signedHead.map(String.init) ?? "none") in \(SignedHead.fileName); the keys of \(manifest.patients.count) patient\(manifest.patients.count == 1 ? "" : "s") \
            (\(manifest.erasedPatients) erased before the backup).
            Checked as `myolog verify` checks a store:
            """)
        for line in checks.split(separator: "\n") { print("  \(line)") }
        print("""
            Erasures made since \(taken) are not in this copy: it still holds the keys of patients erased after the backup, \
            and each erasure reaches it at its next sync with a peer that holds it (`myolog sync PEER`).
            """)
        print(withoutPeers
            ? "Restored --without-peers: it writes at once. If this node wrote after \(taken) and any store holds those events, its next write forks its chain there (they quarantine the fork)."
            : "It writes nothing of its own, and shows no patient data, until `myolog sync PEER` has brought back what that peer holds of this node's chain (its events written after \(taken)): a write before that could fork it.")
    }

    /// Runs `myolog verify` on `directory` — the same command, not a copy of its checks — and
    /// returns what it printed and why it failed (nil when the store checks; undecided forks are
    /// reported, not refused: they are part of the store as it was backed up).
    static func verify(_ directory: URL, json: Bool) throws -> (output: String, failure: String?) {
        // The restore acts as no person: verify needs none, and the restored store's people need
        // not include whoever restores it.
        unsetenv("MYOLOG_USER")
        let command = try VerifyCommand.parse(["--store", directory.path] + (json ? ["--json"] : []))
        var failure: String?
        let output = try capturingStandardOutput {
            do {
                try command.run()
            } catch let code as ExitCode where code.rawValue == 3 {
                return
            } catch let code as ExitCode {
                failure = "exit status \(code.rawValue)"
            } catch {
                failure = "\(error)"
            }
        }
        return (output, failure)
    }

    /// What `body` prints on standard output, captured in an unlinked temporary file.
    static func capturingStandardOutput(_ body: () throws -> Void) throws -> String {
        var template = Array((NSTemporaryDirectory() + "/myolog-restore-XXXXXX").utf8CString)
        let capture = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard capture >= 0 else { throw CommandFailure("restore: cannot make a temporary file (\(String(cString: strerror(errno))))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        defer { close(capture) }
        fflush(nil)  // every C stream: print() writes through stdout's buffer
        let saved = dup(STDOUT_FILENO)
        dup2(capture, STDOUT_FILENO)
        defer {
            fflush(nil)
            dup2(saved, STDOUT_FILENO)
            close(saved)
        }
        try body()
        fflush(nil)
        let size = lseek(capture, 0, SEEK_END)
        lseek(capture, 0, SEEK_SET)
        var bytes = [UInt8](repeating: 0, count: Int(max(size, 0)))
        let count = bytes.withUnsafeMutableBytes { Foundation.read(capture, $0.baseAddress, $0.count) }
        return String(decoding: bytes.prefix(max(count, 0)), as: UTF8.self)
    }
}
