import EventCrypto
import EventModel

/// A log a server offers to its peers: the near side as a network carrier sees it.
///
/// Reads (``LogPeer``'s requests, ``admits(_:)``) never block the caller's thread; the two
/// receives below do — a write transaction and its fsync — and a server runs them on a pool for
/// blocking work, never on an event loop. The SQLite store (`EventStore`) is one.
public protocol ServedLog: LogPeer {
    /// The node serving (its certificate is made from this identity).
    var identity: NodeIdentity { get }
    /// Whether `node` may sync with this log now (it is trusted, or this node itself), read
    /// without blocking the caller's thread.
    func admits(_ node: NodeID) async throws -> Bool
    /// Offers `batch` and `keys` sealed to this node in one transaction, blocking the caller.
    func receiveBatch(_ batch: [EventEnvelope], keys: [SealedPatientKey]) throws -> ReceiveSummary
    /// Offers `keys` sealed to this node in one transaction, blocking the caller.
    func receiveSealedKeys(_ keys: [SealedPatientKey]) throws -> KeyReceipt
}
