import EventModel

/// One row of `myolog peer list`: a node's standing in this store's trust list, and what of it
/// is held here.
public struct PeerStanding: Sendable, Equatable {
    public var node: NodeID
    /// The operator's name for it (`peer add --name`); for a node never added, the site its
    /// (not yet verified) enrolment claims, if that arrived.
    public var name: String
    public var trust: PeerTrust
    /// When and by whom the standing was last changed (nil for a node never added).
    public var changedAt: Timestamp?
    public var changedBy: String?
    /// Events of the node in the log.
    public var stored: Int
    /// Events of the node held back: waiting for trust, or for a gap in its chain to fill.
    public var waiting: Int
    /// Changes of the trust list naming this node that are not obeyed: unsigned, not signed by
    /// this node, altered — or every change when the list as a whole fails its check
    /// (`TrustListCheck`). `verify` names each.
    public var ignoredChanges: [Int64] = []

    package init(node: NodeID, name: String, trust: PeerTrust, changedAt: Timestamp? = nil, changedBy: String? = nil, stored: Int, waiting: Int,
                 ignoredChanges: [Int64] = []) {
        self.node = node
        self.name = name
        self.trust = trust
        self.changedAt = changedAt
        self.changedBy = changedBy
        self.stored = stored
        self.waiting = waiting
        self.ignoredChanges = ignoredChanges
    }

    public var json: JSONValue {
        let trustName: String = switch trust {
        case .local: "local"
        case .trusted: "trusted"
        case .removed: "removed"
        // Named only by rows this store ignores: not trusted, whatever those rows say.
        case .unknown: ignoredChanges.isEmpty ? "waiting" : "untrusted"
        }
        return .object([
            "node": .string(node.rawValue), "name": .string(name), "trust": .string(trustName),
            "changedAt": changedAt.map { .string($0.description) } ?? .null, "changedBy": changedBy.map { .string($0) } ?? .null,
            "storedEvents": .int(stored), "waitingEvents": .int(waiting), "ignoredChanges": .array(ignoredChanges.map { .int(Int($0)) }),
        ])
    }
}

