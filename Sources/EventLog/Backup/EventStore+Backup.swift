import Foundation
import GRDB
import EventModel

/// A backup of a store while it is in use: one file, encrypted under a passphrase, holding a
/// consistent copy of the whole store directory (`myolog.sqlite`, `node.key`, `node.head`,
/// `trust.head`).
///
/// Guarantees:
/// - consistent while others write: the files beside the database are copied first, then the
///   database, in one read transaction (`VACUUM INTO`), so `node.head` and `trust.head` may lag
///   the copied database — as they may lag the database itself — and are never ahead of it;
/// - the copy holds no free page: erased or deleted text that SQLite left in free pages (before
///   `secure_delete`, or in the WAL) does not travel in a backup;
/// - `beforeWriting` is told every patient whose key the copy holds before a byte of the file is
///   written (the caller records the disclosure; when it cannot, no file is written);
/// - the file appears whole or not at all (written beside it, flushed, renamed; mode 0600);
/// - the plaintext copy exists only inside the store directory (mode 0700), where the store's own
///   plaintext already is, and is removed when the backup ends (or at the next backup, after a
///   kill); memory stays at about two chunks whatever the store's size.
extension EventStore {
    /// The bytes of plaintext in each sealed chunk of a backup.
    public static let backupChunkSize = 1 << 20

    /// Writes an encrypted backup of this store to `url`.
    ///
    /// - Parameters:
    ///   - url: The file to write: a new file, or (with `replacing`) an existing regular file.
    ///   - replacing: Whether an existing file may be replaced.
    ///   - passphrase: The passphrase that seals it (as bytes).
    ///   - field: The option naming `url`, for refusals.
    ///   - beforeWriting: Called with the patients the copy holds, before the file is written.
    /// - Returns: What the backup holds.
    /// - Throws: `EventLogError` naming the field; whatever `beforeWriting` throws.
    public func backUp(to url: URL, replacing: Bool, passphrase: [UInt8], field: String = "out",
                       beforeWriting: ([PatientID]) throws -> Void) throws -> BackupManifest {
        try AtomicFile.checkTarget(url, replacing: replacing, field: field)
        let snapshot = try takeSnapshot()
        defer { try? FileManager.default.removeItem(at: snapshot) }
        let manifest = try BackupManifest(describing: snapshot, takenAt: wallClock.now())
        try beforeWriting(manifest.patients)
        let (header, key) = try BackupHeader.sealing(passphrase: passphrase, chunkSize: Self.backupChunkSize)
        try AtomicFile.write(to: url, replacing: replacing, field: field) { handle in
            try handle.write(contentsOf: header.bytes)
            var sealer = BackupChunks.Sealer(key: key, header: header, handle: handle)
            let described = Array(manifest.json.canonicalString.utf8)
            try sealer.write(withUnsafeBytes(of: UInt32(described.count).bigEndian, Array.init) + described)
            for file in manifest.files {
                let input = try FileHandle(forReadingFrom: snapshot.appendingPathComponent(file.name))
                defer { try? input.close() }
                var copied = 0
                while let data = try input.read(upToCount: Self.backupChunkSize), !data.isEmpty {
                    try sealer.write(data)
                    copied += data.count
                }
                guard copied == file.bytes else {
                    throw EventLogError.damagedStore(path: directory.path, reason: "the copy of \(file.name) changed while it was sealed")
                }
            }
            try sealer.finish()
        }
        return manifest
    }

    /// Copies the store directory into a new directory inside it: the files beside the database
    /// first, then the database (see the type's guarantees for why in this order).
    func takeSnapshot() throws -> URL {
        removeStaleSnapshots()
        let snapshot = directory.appendingPathComponent("\(Self.snapshotPrefix)\(getpid())")
        try? FileManager.default.removeItem(at: snapshot)
        guard mkdir(snapshot.path, 0o700) == 0 else {
            throw EventLogError.invalidField(field: "store", value: directory.path,
                                             accepted: "a store directory this user can write to, for the copy a backup seals (\(String(cString: strerror(errno))))")
        }
        do {
            for name in [Self.keyFileName, SignedHead.fileName, TrustHead.fileName] {
                guard let bytes = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
                try Self.writeNewFile(bytes, to: snapshot.appendingPathComponent(name))
            }
            let copy = snapshot.appendingPathComponent(Self.databaseFileName)
            // An empty file made first: VACUUM INTO fills it, and it is never readable by others.
            try Self.writeNewFile(Data(), to: copy)
            try database.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copy.path]) }
        } catch {
            try? FileManager.default.removeItem(at: snapshot)
            throw error
        }
        return snapshot
    }

    /// A backup's plaintext copy inside the store directory: `.backup-PID`.
    static let snapshotPrefix = ".backup-"

    /// Removes the copies left by backups that were killed (their process is gone): at every
    /// writable open and before every backup.
    func removeStaleSnapshots() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(Self.snapshotPrefix) {
            guard let pid = pid_t(name.dropFirst(Self.snapshotPrefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Writes `bytes` to a file that must not exist yet, mode 0600, flushed.
    static func writeNewFile(_ bytes: Data, to url: URL) throws {
        let fd = Foundation.open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw EventLogError.damagedStore(path: url.deletingLastPathComponent().path, reason: "cannot create \(url.lastPathComponent): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw EventLogError.damagedStore(path: url.deletingLastPathComponent().path, reason: "cannot write \(url.lastPathComponent): \(String(cString: strerror(errno)))")
        }
    }
}

extension EventStore {
    /// The plaintext copies of killed backups still in the store directory (a read-only open
    /// cannot remove them): what `status` names.
    public func staleBackupCopies() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasPrefix(Self.snapshotPrefix) }.sorted()
    }
}
