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
    ///
    /// - Parameter node: The client's node, as its certificate proves.
    /// - Returns: Whether to serve it.
    /// - Throws: When the trust list fails its check as a whole.
    func admits(_ node: NodeID) async throws -> Bool
    /// Offers `batch` and `keys` sealed to this node in one transaction, blocking the caller.
    ///
    /// - Parameters:
    ///   - batch: Events, per origin in sequence order.
    ///   - keys: Their patients' keys, sealed to this node.
    /// - Returns: What was done with the events and the keys.
    /// - Throws: The refusal naming the first bad event or key; nothing of the batch is stored.
    func receiveBatch(_ batch: [EventEnvelope], keys: [SealedPatientKey]) throws -> ReceiveSummary
    /// Offers `keys` sealed to this node in one transaction, blocking the caller.
    ///
    /// - Parameter keys: Keys sealed to this node.
    /// - Returns: How many were stored, and how many discarded as erased.
    /// - Throws: The refusal naming the first bad key; none is stored.
    func receiveSealedKeys(_ keys: [SealedPatientKey]) throws -> KeyReceipt
}
