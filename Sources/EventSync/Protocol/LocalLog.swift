import Foundation
import EventModel
import EventCrypto

/// The near side of a sync: a log this process holds and writes — a store directory, or a hub —
/// which ``LogExchange`` reads and writes through the same requests it sends the peer, plus
/// what only the near side knows: who it is, whom it trusts, which keys it lacks.
public protocol LocalLog: LogPeer {
    /// The node whose log this is (its key signs what it writes).
    var identity: NodeIdentity { get }
    /// The store directory holding the node's identity and trust list.
    var directory: URL { get }
    /// Whether this log exchanges records with `node` (`EventStore.accepts(_:)`).
    ///
    /// - Parameter node: A peer's node.
    /// - Returns: Whether `node` is this log's own or trusted by a change it signed.
    /// - Throws: When the trust list fails its check as a whole: no peer is accepted then.
    func accepts(_ node: NodeID) throws -> Bool
    /// The patients of `events`' sealed events whose keys this log lacks (and who are not erased).
    ///
    /// - Parameter events: A batch about to be received.
    /// - Returns: Patients, each once.
    /// - Throws: The engine's read error.
    func patientsLackingKeys(in events: [EventEnvelope]) async throws -> [PatientID]
    /// Told once a sync's pull has ended, before anything is pushed: the peer's summary as the
    /// sync began, and the origins whose chains fork (nothing of them moved). A store restored
    /// from a backup learns here that a peer has returned what it held of this node's own chain.
    ///
    /// - Parameters:
    ///   - summary: The peer's heads when the sync began.
    ///   - forked: Origins whose chains fork between the two.
    /// - Throws: The engine's errors.
    func pullEnded(from summary: PeerSummary, forked: Set<NodeID>) async throws
}

extension LocalLog {
    /// Nothing to learn, for a log that is never restored from a backup.
    public func pullEnded(from summary: PeerSummary, forked: Set<NodeID>) async throws {}
}
