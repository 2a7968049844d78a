import Foundation
import GRDB

/// Whether this store accepts events written by a node.
///
/// The trust list is local to each store and never synced: each clinic machine decides for itself
/// which machines' records it takes. A node's events are applied only while it is trusted;
/// events of a node never trusted wait (held back, listed by `myolog peer list`) and are applied
/// when it is added; events of a removed node that were not stored before its removal are
/// refused, and the ones stored before stay.
public enum PeerTrust: Sendable, Equatable {
    /// This store's own node.
    case local
    case trusted
    case removed
    /// Never added.
    case unknown

    public var acceptsEvents: Bool { self == .local || self == .trusted }
}

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

    public var json: JSONValue {
        let trustName: String = switch trust {
        case .local: "local"
        case .trusted: "trusted"
        case .removed: "removed"
        case .unknown: "waiting"
        }
        return .object([
            "node": .string(node.rawValue), "name": .string(name), "trust": .string(trustName),
            "changedAt": changedAt.map { .string($0.description) } ?? .null, "changedBy": changedBy.map { .string($0) } ?? .null,
            "storedEvents": .int(stored), "waitingEvents": .int(waiting),
        ])
    }
}

extension EventReader {
    /// This store's decision about `node`'s events.
    public func trust(of node: NodeID) throws -> PeerTrust {
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT isLocal FROM nodes WHERE id = ?"), arguments: [node.rawValue]) == true { return .local }
        guard let trusted = try Bool.fetchOne(db.cachedStatement(sql: "SELECT trusted FROM peer_trust WHERE node = ? ORDER BY change DESC LIMIT 1"),
                                              arguments: [node.rawValue])
        else { return .unknown }
        return trusted ? .trusted : .removed
    }

    /// Every node this store knows of — itself, those in its trust list, and those whose events
    /// wait for trust — ordered local first, then by name.
    public func peerStandings() throws -> [PeerStanding] {
        var standings: [NodeID: PeerStanding] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, site FROM nodes WHERE isLocal = 1") {
            guard let node = NodeID(row[0]) else { continue }
            standings[node] = PeerStanding(node: node, name: row[1], trust: .local, stored: 0, waiting: 0)
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT node, name, trusted, changedAt, author FROM peer_trust p
            WHERE change = (SELECT max(change) FROM peer_trust q WHERE q.node = p.node)
            """)
        {
            guard let node = NodeID(row[0]) else { continue }
            standings[node] = PeerStanding(node: node, name: row[1], trust: (row[2] as Bool) ? .trusted : .removed,
                                           changedAt: Timestamp(rfc3339: row[3]), changedBy: row[4], stored: 0, waiting: 0)
        }
        for (node, count) in try heldBack() {
            if standings[node] == nil {
                standings[node] = PeerStanding(node: node, name: try claimedSite(of: node) ?? "(enrolment not yet received)", trust: .unknown, stored: 0, waiting: 0)
            }
            standings[node]?.waiting = count
        }
        for node in standings.keys {
            standings[node]?.stored = try head(of: node)?.sequence ?? 0
        }
        return standings.values.sorted { a, b in
            (a.trust == .local ? 0 : 1, a.name, a.node) < (b.trust == .local ? 0 : 1, b.name, b.node)
        }
    }

    /// The site a waiting node's held-back enrolment names (unverified until the node is trusted).
    func claimedSite(of node: NodeID) throws -> String? {
        guard let text = try String.fetchOne(db, sql: "SELECT envelope FROM held_events WHERE origin = ? AND sequence = 1", arguments: [node.rawValue]),
            let event = try? EventEnvelope(canonicalLine: Array(text.utf8)), case .object(let payload)? = try? event.payloadValue()
        else { return nil }
        return payload["site"]?.stringValue
    }
}

extension EventStore {
    /// Whether this store exchanges records with `node`: itself (a copy of it is then named as
    /// a fork) or a node in its trust list. Every carrier and both ends of a TLS connection ask this.
    public func accepts(_ node: NodeID) throws -> Bool {
        try read { try $0.trust(of: node) }.acceptsEvents
    }

    /// Adds `node` to this store's trust list in a transaction of its own; see
    /// ``AppendTransaction/trustPeer(_:name:author:)``.
    @discardableResult
    public func trustPeer(_ node: NodeID, name: String, author: String) throws -> Int {
        try write { try $0.trustPeer(node, name: name, author: author) }
    }
}

extension AppendTransaction {
    /// Adds `node` to the trust list as `name`, then applies its events that were waiting —
    /// verified exactly as on receipt, up to the last one its signature covers. Returns how
    /// many were applied.
    @discardableResult
    public func trustPeer(_ node: NodeID, name: String, author: String) throws -> Int {
        try Self.validateAuthor(author)
        try Self.validatePeerName(name)
        switch try trust(of: node) {
        case .local: throw EventLogError.invalidField(field: "node", value: node.rawValue, accepted: "another node's id: this store always trusts its own node")
        case .trusted: throw EventLogError.invalidField(field: "node", value: node.rawValue, accepted: "a node not already trusted").with(.listPeers)
        case .removed, .unknown: break
        }
        try recordTrust(node, name: name, trusted: true, author: author)
        let before = appended.count
        try applyWaiting(of: node)
        return appended.count - before
    }

    /// Removes `node` from the trust list: its events already stored stay, any later ones are refused.
    public func distrustPeer(_ node: NodeID, author: String) throws {
        try Self.validateAuthor(author)
        guard try trust(of: node) == .trusted else {
            throw EventLogError.invalidField(field: "node", value: node.rawValue, accepted: "a node this store trusts").with(.listPeers)
        }
        let name = try String.fetchOne(db, sql: "SELECT name FROM peer_trust WHERE node = ? ORDER BY change DESC LIMIT 1", arguments: [node.rawValue]) ?? ""
        try recordTrust(node, name: name, trusted: false, author: author)
    }

    private func recordTrust(_ node: NodeID, name: String, trusted: Bool, author: String) throws {
        try db.execute(sql: "INSERT INTO peer_trust (node, name, trusted, changedAt, author) VALUES (?, ?, ?, ?, ?)",
                       arguments: [node.rawValue, name, trusted, wallClock.now().description, author])
        forgetTrust(of: node)
    }

    /// The longest peer name accepted.
    public static let maximumPeerNameLength = 100

    static func validatePeerName(_ name: String) throws {
        try EventLogError.checkName(name, field: "name", maximumLength: maximumPeerNameLength,
                                    accepted: "a name of 1–\(maximumPeerNameLength) characters without control or invisible characters")
    }
}
