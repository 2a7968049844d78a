import Foundation
import GRDB
import EventModel

/// Erased text must leave every file of the store, not only the database's live pages.
///
/// An erasure deletes the patient's view rows and key (with `secure_delete` on, their pages are
/// zeroed), but older copies of those pages can still sit in the write-ahead log until a
/// checkpoint moves the log into the database and truncates it — and a checkpoint cannot finish
/// while another process reads an older snapshot. So the erasure's transaction first leaves a
/// marker file beside the database (fsync'd before the commit: a kill between the commit and
/// the checkpoint cannot lose it), and the marker goes only when a `TRUNCATE` checkpoint has
/// completed. Until then the store retries at every open and every write, ``erasedTextMayRemain``
/// is true, and `erase` and `verify` say so and exit non-zero.
extension EventStore {
    /// The marker: erased text may remain in `myolog.sqlite-wal`.
    public static let erasureCheckpointFileName = "erasure-checkpoint.pending"

    var erasureCheckpointURL: URL { directory.appendingPathComponent(Self.erasureCheckpointFileName) }

    /// Whether an erasure's checkpoint has not completed: the WAL may still hold erased text.
    public var erasedTextMayRemain: Bool { FileManager.default.fileExists(atPath: erasureCheckpointURL.path) }

    /// Leaves the marker, durably, before an erasure commits.
    func markErasureCheckpointPending() throws {
        let fd = Foundation.open(erasureCheckpointURL.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw EventLogError.invalidField(field: "store", value: directory.path, accepted: "a store directory this user can write to (\(String(cString: strerror(errno))))") }
        fsync(fd)
        close(fd)
        let directoryFD = Foundation.open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 { fsync(directoryFD); close(directoryFD) }
    }

    /// Moves every page of the WAL into the database and truncates the WAL, waiting for readers
    /// as long as the busy timeout allows; removes the marker when that completed. Returns whether
    /// it did (true when no checkpoint was pending).
    @discardableResult
    public func completeErasureCheckpoint() -> Bool {
        guard erasedTextMayRemain else { return true }
        guard !isReadOnly,
              let busy = try? database.writeWithoutTransaction({ try Int.fetchOne($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }),
              busy == 0
        else { return false }
        return unlink(erasureCheckpointURL.path) == 0 || errno == ENOENT
    }
}
