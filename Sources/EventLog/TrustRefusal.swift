/// A sync was refused because one side does not trust the other; nothing was exchanged.
public enum TrustRefusal: Error, CustomStringConvertible, Sendable, Equatable {
    /// The peer's node is not in this store's trust list.
    case untrustedPeer(node: NodeID, site: String, store: String)
    /// This store's node is not in the peer's trust list.
    case notTrustedByPeer(node: NodeID, peer: String)

    public var description: String {
        switch self {
        case .untrustedPeer(let node, let site, let store):
            "peer: node \(node) (site \"\(site)\") is not in this store's trust list; if it is one of the clinic's machines, run `myolog --store \(store) peer add \(node) --name NAME` and retry"
        case .notTrustedByPeer(let node, let peer):
            "peer: \(peer) does not trust this store's node \(node); add it there with `myolog peer add \(node) --name NAME` and retry"
        }
    }
}
