import Foundation
import EventModel
import EventSync

/// A store restored from a backup is this node as it stood when the backup was taken; the node
/// may have written after that (on the machine that was lost), and its peers may hold those
/// events. Until a sync has brought back what a peer holds of this node's own chain — a peer
/// holding at least as much of it as the backup did — the restored store writes nothing of its own — like a database put back under a newer
/// `node.head` — so its first write cannot fork the node's chain against events it has not seen.
///
/// Guarantees: the mark (`restored.awaiting-sync`, mode 0600) is in the store before it appears
/// at its path (``restore(from:passphrase:into:fields:passphraseSource:awaitingSync:check:)``);
/// while it is there every local append is refused, and the store still receives, its own
/// events included. It is removed at the end of a sync's pull from a peer that holds events of
/// this node, when nothing of this node's chain forked, the peer held at least the backup's
/// head of it, and this store now holds all the peer held of it. A peer that never held an event
/// of this node, or held less of it than the backup, proves nothing and removes nothing.
///
/// Not guaranteed: a peer can only return what it holds. Events this node wrote after the backup
/// that reached no peer are gone, and the next write reuses their sequence numbers: a fork at
/// any store that did see them.
extension EventStore {
    /// The mark of a restored store still awaiting its own events from a peer.
    public static let awaitingSyncFileName = "restored.awaiting-sync"

    var awaitingSyncURL: URL { directory.appendingPathComponent(Self.awaitingSyncFileName) }

    /// Why this store may not append its own events yet, or nil: it was restored and no peer has
    /// returned its own events since. One `stat` per write.
    func awaitingOwnEvents() -> EventLogError? {
        var status = stat()
        guard stat(awaitingSyncURL.path, &status) == 0 else { return nil }
        let takenAt = (try? JSONParser.parse(Array(Data(contentsOf: awaitingSyncURL))))?.objectValue?["takenAt"]?.stringValue ?? "?"
        return .invalidField(field: "store", value: directory.path,
                             accepted: "a store that has synced since it was restored from a backup (taken at \(takenAt)); run `myolog sync PEER` first: "
                                 + "it brings back the events this node wrote after the backup, and a write of its own before that would fork its chain")
    }

    /// Whether this store was restored and still awaits its own events from a peer.
    public var isAwaitingOwnEvents: Bool { FileManager.default.fileExists(atPath: awaitingSyncURL.path) }

    /// When the backup was taken and the head of this node's chain it held, as the mark keeps
    /// them; nil when the store is not awaiting a sync.
    public var awaitingSyncMark: (takenAt: String, ownHead: Int)? {
        guard let data = FileManager.default.contents(atPath: awaitingSyncURL.path) else { return nil }
        let members = (try? JSONParser.parse(Array(data)))?.objectValue
        // A mark without its head (written by the first version of restore) asks a peer for more
        // than nothing: its head as the log holds it now.
        let ownHead = members?["ownHead"]?.intValue ?? Int.max
        return (members?["takenAt"]?.stringValue ?? "?", ownHead)
    }

    /// Writes the mark into a restored store's directory.
    static func markAwaitingSync(_ directory: URL, takenAt: Timestamp, ownHead: Int) throws {
        let mark = JSONValue.object(["takenAt": .string(takenAt.description), "ownHead": .int(ownHead)]).canonicalString + "\n"
        try writeNewFile(Data(mark.utf8), to: directory.appendingPathComponent(awaitingSyncFileName))
    }

    public func pullEnded(from summary: PeerSummary, forked: Set<NodeID>) async throws {
        let me = identity.nodeID
        guard let mark = awaitingSyncMark, !forked.contains(me), let theirs = summary.heads[me] else { return }
        let mine = try read { try $0.head(of: me) }?.sequence ?? 0
        // A peer holding less of this node's chain than the backup did is staler than the backup
        // itself: it proves nothing about what the node wrote after, and removes nothing.
        guard mine >= theirs.sequence, theirs.sequence >= min(mark.ownHead, mine) else { return }
        guard unlink(awaitingSyncURL.path) == 0 || errno == ENOENT else {
            throw EventLogError.damagedStore(path: directory.path, reason: "cannot remove \(Self.awaitingSyncFileName): \(String(cString: strerror(errno)))")
        }
        let fd = Foundation.open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
