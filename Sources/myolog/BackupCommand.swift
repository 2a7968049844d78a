import ArgumentParser
import ClinicalEvents
import EventLog
import Foundation
import EventModel

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write an encrypted backup of the whole store while the clinic goes on writing.",
        discussion: """
            One file holding a consistent copy of the store directory — the database (every event,
            patient key and view), node.key, node.head and trust.head — encrypted under a
            passphrase (scrypt, then AES-256-GCM in authenticated chunks). Taken while others
            write: node.head and trust.head are copied before the database, so they may lag the
            copy, never lead it. The file appears only when complete, mode 0600.

            The passphrase comes from --passphrase-file (its first line; the file must be chmod
            600) or is asked twice at the terminal; never from the command line. It protects
            every record and the node's key: keep it apart from the backups.

            Backing up discloses everything, so it needs the back-up-store permission (practice
            managers), and it is recorded as an export of every patient the copy holds before the
            file is written. Restore with `myolog restore`.

            Examples:
              myolog --as pam backup --out /mnt/offsite/carlton-2026-12-05.myolog-backup --passphrase-file ~/.myolog-backup-passphrase
              myolog --as pam backup --out carlton.myolog-backup        # asks for the passphrase
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The backup file to write: a new file (an existing one only with --force).", valueName: "file")) var out: String
    @Option(name: .customLong("passphrase-file"), help: ArgumentHelp("A file (chmod 600) whose first line is the passphrase (else it is asked at the terminal).", valueName: "file"))
    var passphraseFile: String?
    @Flag(help: "Replace --out if it is an existing regular file.") var force = false

    func run() throws {
        let url = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        // Every refusal of the input comes before the store is opened: it touches nothing.
        try AtomicFile.checkTarget(url, replacing: force)
        let passphrase = try BackupPassphrase.read(file: passphraseFile, making: true)
        let user = try global.requireReader()
        let store = try global.openStore()
        try global.require(.backUpStore, in: store)
        let manifest = try store.backUp(to: url, replacing: force, passphrase: passphrase.bytes) { patients in
            guard !patients.isEmpty else { return }
            try global.record(RecordAccessed(action: .export, command: "backup", patients: patients, purpose: global.purpose,
                                             detail: "encrypted backup of the whole store: every event, patient key and view, and node.key"), in: store, by: user)
        }
        if global.json {
            print(JSONValue.object([
                "file": .string(url.path), "node": .string(manifest.node.rawValue), "events": .int(manifest.events),
                "ownHead": .int(manifest.ownHead), "signedHead": manifest.signedHead.map(JSONValue.int) ?? .null,
                "patients": .int(manifest.patients.count), "takenAt": .string(manifest.takenAt.description),
            ]).canonicalString)
        } else {
            print("Backed up \(manifest.events) event\(manifest.events == 1 ? "" : "s") and the keys of \(manifest.patients.count) patient\(manifest.patients.count == 1 ? "" : "s") of node \(manifest.node) (\(VisibleText.escaped(manifest.site))), taken at \(try global.siteClock(store).unambiguousMinute(manifest.takenAt)), to \(VisibleText.escaped(url.path))")
        }
    }
}
