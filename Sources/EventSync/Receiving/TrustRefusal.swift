import EventModel

/// A sync was refused because one side does not trust the other; nothing was exchanged.
public enum TrustRefusal: Remediable, CodedError, Sendable, Equatable {
    /// The peer's node is not in this store's trust list.
    case untrustedPeer(node: NodeID, site: String, store: String)
    /// This store's node is not in the peer's trust list.
    case notTrustedByPeer(node: NodeID, peer: String)

    /// One code per case. Codes are stable: scripts and tests match them, so one is never
    /// renamed nor reused for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case untrustedPeer
        case notTrustedByPeer
    }

    public var code: Code {
        switch self {
        case .untrustedPeer: .untrustedPeer
        case .notTrustedByPeer: .notTrustedByPeer
        }
    }

    public var fact: String {
        switch self {
        case .untrustedPeer(let node, let site, _):
            "peer: node \(node) (site \"\(site)\") is not in this store's trust list"
        case .notTrustedByPeer(let node, let peer):
            "peer: \(peer) does not trust this store's node \(node)"
        }
    }

    public var remedy: Remedy? {
        switch self {
        case .untrustedPeer(let node, _, let store): .trust(node: node, store: store)
        case .notTrustedByPeer(let node, _): .askPeerToTrust(node: node)
        }
    }
}
