import EventModel

/// A node seen holding less of its own chain than another store holds of it.
///
/// Only a node writes its own chain, and a receiver stores another node's events only up to a
/// place that node signed: so a node whose head of its own chain is below the sequence another
/// store holds has lost signed events of its own — its store directory was put back to an older
/// copy (a restored backup, root restoring a snapshot) or cut back. A sync returns those events to
/// it (it catches up under its own signatures), but whatever it recorded after that copy and had
/// not synced — reads, disclosures, notes — is gone for good; hence it is named, not just healed.
/// Either side of a sync can see it: the peer behind (the peer went backwards), or this store
/// behind its own chain as the peer holds it (this store was put back).
public struct PeerRollback: Sendable, Equatable {
    /// The node that went backwards, and its site.
    public var node: NodeID
    public var site: String
    /// The head of its own chain it held (0: none of its own events).
    public var theirSequence: Int
    /// The head of its chain the other store held, which it signed.
    public var heldSequence: Int

    /// A rollback from its parts.
    ///
    /// - Parameters:
    ///   - node: The peer's node.
    ///   - site: Its site name.
    ///   - theirSequence: The head of its own chain it presented.
    ///   - heldSequence: The head of its chain this side held.
    public init(node: NodeID, site: String, theirSequence: Int, heldSequence: Int) {
        (self.node, self.site, self.theirSequence, self.heldSequence) = (node, site, theirSequence, heldSequence)
    }

    /// The peer's rollback `peer`'s summary shows against `held`, this side's heads read before
    /// it (so the peer's events reaching this side meanwhile, by another sync, never make it look
    /// behind), if any. A copy of this side's own store (`me`) is not a peer: the caller names
    /// that case on its own.
    ///
    /// A peer claiming less of its own chain than it has only names itself. The opposite claim —
    /// that it holds more of *this* side's chain than this side does — is not taken from the
    /// summary at all: it is believed only when those events arrive and verify under this side's
    /// own key (``LogExchange``'s pull).
    public static func peerBehind(_ peer: PeerSummary, held: [NodeID: ChainHead], me: NodeID) -> PeerRollback? {
        guard peer.node != me, let mine = held[peer.node], mine.sequence > peer.heads[peer.node]?.sequence ?? 0 else { return nil }
        return PeerRollback(node: peer.node, site: peer.site, theirSequence: peer.heads[peer.node]?.sequence ?? 0, heldSequence: mine.sequence)
    }
}
