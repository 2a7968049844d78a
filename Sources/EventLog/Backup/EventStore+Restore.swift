import Foundation
import EventModel

/// Restoring a backup (``EventStore/backUp(to:replacing:passphrase:field:beforeWriting:)``) into a
/// new store directory, which then awaits its own events from a peer before it writes (see
/// ``EventStore/awaitingSyncFileName``).
///
/// Guarantees:
/// - nothing is written for a file that is not a Myolog backup, a wrong passphrase or an altered
///   header (all found before any chunk is opened), nor over a directory that is not empty;
/// - the store appears at its path whole and checked, or not at all: the files are written into
///   a directory beside it (mode 0700, files 0600), every chunk must authenticate and the final
///   one must be there with nothing after it, then `check` runs on that directory (the caller's
///   `verify`), and only then is it renamed into place. A kill at any instant leaves no store at
///   the path (at most the directory beside it, removed by the next restore there);
/// - only the store's own file names are written, whatever the manifest says.
extension EventStore {
    /// The header of the backup at `url`, or a refusal naming `field` when the file cannot be
    /// read or is not a backup this build reads.
    public static func backupHeader(at url: URL, field: String) throws -> BackupHeader {
        let handle = try openBackup(url, field: field)
        defer { try? handle.close() }
        return try BackupHeader.read(from: handle, field: field, path: url.path)
    }

    /// Restores the backup at `url` into `directory`.
    ///
    /// - Parameters:
    ///   - url: The backup file.
    ///   - passphrase: Its passphrase (as bytes).
    ///   - directory: Where the store is to be: a path that does not exist, or an empty directory.
    ///   - fields: The options naming the backup file, the passphrase and the directory, for refusals.
    ///   - passphraseSource: Where the passphrase came from, for a refusal (never the passphrase).
    ///   - awaitingSync: Whether the restored store writes nothing of its own until a sync has
    ///     brought back this node's events from a peer (``awaitingSyncFileName``); false only for a
    ///     node that has no peer.
    ///   - check: Run on the restored directory before it is moved into place; a throw removes it.
    /// - Returns: What the backup held.
    /// - Throws: `EventLogError.invalidField` naming the field
    ///   for a target that is not empty, a file that is not a whole and authentic backup, a wrong
    ///   passphrase; whatever `check` throws; the file system's errors. Nothing is left behind.
    public static func restore(from url: URL, passphrase: [UInt8], into directory: URL,
                               fields: (backup: String, passphrase: String, store: String), passphraseSource: String, awaitingSync: Bool = true,
                               check: (URL, BackupManifest) throws -> Void) throws -> BackupManifest {
        try checkRestoreTarget(directory, field: fields.store)
        let handle = try openBackup(url, field: fields.backup)
        defer { try? handle.close() }
        let header = try BackupHeader.read(from: handle, field: fields.backup, path: url.path)
        guard let key = try header.chunkKey(for: passphrase) else {
            throw EventLogError.invalidField(field: fields.passphrase, value: passphraseSource,
                                             accepted: "the passphrase \(url.lastPathComponent) was made with; this one does not open it (or the file's header was altered)")
        }
        let parent = directory.deletingLastPathComponent()
        removeStaleRestores(beside: directory)
        let partial = parent.appendingPathComponent(".\(directory.lastPathComponent).restoring-\(getpid())")
        try? FileManager.default.removeItem(at: partial)
        guard mkdir(partial.path, 0o700) == 0 else {
            throw EventLogError.invalidField(field: fields.store, value: directory.path,
                                             accepted: "a path in a directory you may write to (\(String(cString: strerror(errno))))")
        }
        do {
            var opener = BackupChunks.Opener(key: key, header: header, handle: handle, field: fields.backup, path: url.path)
            let manifest = try unpack(&opener, into: partial, field: fields.backup, path: url.path)
            if awaitingSync { try markAwaitingSync(partial, takenAt: manifest.takenAt, ownHead: manifest.ownHead) }
            try check(partial, manifest)
            // An empty directory at the path is replaced by the rename; a file or a store there is not.
            guard rename(partial.path, directory.path) == 0 else {
                throw EventLogError.invalidField(field: fields.store, value: directory.path,
                                                 accepted: "a path that does not exist or an empty directory (\(String(cString: strerror(errno))))")
            }
            let parentFD = Foundation.open(parent.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if parentFD >= 0 { fsync(parentFD); close(parentFD) }
            return manifest
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    /// Decrypts the chunks into the files the manifest names, in `directory`.
    private static func unpack(_ opener: inout BackupChunks.Opener, into directory: URL, field: String, path: String) throws -> BackupManifest {
        func refuse(_ what: String) -> EventLogError {
            .invalidField(field: field, value: path, accepted: "a backup this myolog reads; \(what)")
        }
        var pending: [UInt8] = []
        var offset = 0
        /// The next `count` bytes of plaintext, across chunks; nil at the end of the last chunk.
        func take(upTo count: Int) throws -> ArraySlice<UInt8>? {
            if offset == pending.count {
                guard let next = try opener.next() else { return nil }
                pending = next
                offset = 0
                if pending.isEmpty { return try take(upTo: count) }
            }
            let end = min(pending.count, offset + count)
            defer { offset = end }
            return pending[offset..<end]
        }
        func exactly(_ count: Int) throws -> [UInt8] {
            var bytes: [UInt8] = []
            while bytes.count < count {
                guard let piece = try take(upTo: count - bytes.count) else { throw refuse("its contents end early") }
                bytes += piece
            }
            return bytes
        }
        let length = Int(try exactly(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard length <= 1 << 26, let manifest = BackupManifest(json: try exactly(length)) else { throw refuse("its description of the store is not one this myolog reads") }
        for file in manifest.files {
            let url = directory.appendingPathComponent(file.name)
            let fd = Foundation.open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw EventLogError.damagedStore(path: directory.path, reason: "cannot create \(file.name): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            var remaining = file.bytes
            while remaining > 0 {
                guard let piece = try take(upTo: min(remaining, EventStore.backupChunkSize)) else { throw refuse("it ends inside \(file.name)") }
                let written = piece.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
                guard written == piece.count else {
                    throw EventLogError.damagedStore(path: directory.path, reason: "cannot write \(file.name): \(String(cString: strerror(errno)))")
                }
                remaining -= piece.count
            }
            guard fsync(fd) == 0 else { throw EventLogError.damagedStore(path: directory.path, reason: "cannot flush \(file.name)") }
        }
        // Every chunk is read to the final one (which checks nothing follows it), and no
        // plaintext is left over.
        guard try take(upTo: 1) == nil else { throw refuse("it holds more than its files") }
        return manifest
    }

    /// Refuses a target that exists and is anything but an empty directory, or whose parent is
    /// missing or not writable.
    private static func checkRestoreTarget(_ directory: URL, field: String) throws {
        var status = stat()
        if lstat(directory.path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw EventLogError.invalidField(field: field, value: directory.path, accepted: "a directory that does not exist or is empty; this is a file")
            }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? ["?"]
            guard contents.isEmpty else {
                let what = contents.contains(databaseFileName) || contents.contains(keyFileName) ? "it holds a store" : "it holds \(contents.count) file\(contents.count == 1 ? "" : "s")"
                throw EventLogError.invalidField(field: field, value: directory.path, accepted: "a directory that does not exist or is empty; \(what), which a restore never replaces")
            }
        }
        try AtomicFile.checkParent(of: directory, field: field, naming: "a path")
    }

    private static func openBackup(_ url: URL, field: String) throws -> FileHandle {
        var status = stat()
        guard stat(url.path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, let handle = FileHandle(forReadingAtPath: url.path) else {
            throw EventLogError.invalidField(field: field, value: url.path, accepted: "a backup file that can be read (`myolog backup` writes one)")
        }
        return handle
    }

    /// Removes the directories left beside `directory` by restores that were killed.
    private static func removeStaleRestores(beside directory: URL) {
        let parent = directory.deletingLastPathComponent()
        let prefix = ".\(directory.lastPathComponent).restoring-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
    }
}
