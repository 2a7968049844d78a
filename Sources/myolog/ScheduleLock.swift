import Foundation

/// The one process that syncs a store on a schedule: `sync --every` and `serve --sync-with` take
/// an exclusive `flock` on the store's directory (no file added to it), held until the process
/// ends — the kernel drops it at any exit, `kill -9` too, so a crash never leaves it stuck. A
/// second scheduler on the same store refuses in one line instead of syncing beside it (both
/// would be safe — every batch is checked and committed whole — but twice the rounds, the log
/// lines and the metrics would mislead whoever reads them). A one-shot `sync` takes no lock.
final class ScheduleLock {
    private let descriptor: Int32

    /// Takes the lock on `directory`, or throws naming the store.
    init(_ directory: URL) throws {
        descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CommandFailure("store: \(directory.path) cannot be opened to lock: \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK ? "another process (sync --every or serve --sync-with) already syncs this store on a schedule; stop it first, or add the peer to it" : String(cString: strerror(errno))
            close(descriptor)
            throw CommandFailure("store: \(directory.path): \(reason)")
        }
    }

    deinit { close(descriptor) }
}
