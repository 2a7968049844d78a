
/// Whether this store accepts events written by a node.
///
/// The trust list is local to each store and never synced: each clinic machine decides for itself
/// which machines' records it takes. Only changes signed by this store's own node count
/// (`TrustListCheck`): a row written outside Myolog decides nothing. A node's events are
/// applied only while it is trusted; events of a node never trusted wait (held back, listed by
/// `myolog peer list`) and are applied when it is added; events of a removed node that were not
/// stored before its removal are refused, and the ones stored before stay.
public enum PeerTrust: Sendable, Equatable {
    /// This store's own node.
    case local
    case trusted
    case removed
    /// Never added.
    case unknown

    public var acceptsEvents: Bool { self == .local || self == .trusted }
}

