import Foundation
import GRDB
import EventModel
import EventSync

extension EventReader {
    /// The trust list as this store obeys it, checked once per transaction: every row's
    /// signature against this store's own key, and the list against `trust.head`
    /// (``TrustListCheck``). What `verify` reports, and what every trust decision reads.
    public func trustListCheck() throws -> TrustListCheck {
        try checkedTrust().list
    }

    func checkedTrust() throws -> (keeper: TrustKeeper, list: TrustListCheck) {
        guard let trustKeeper else {
            throw EventLogError.damagedStore(path: "", reason: "the trust list was asked about outside its store, without the store's key to check it")
        }
        if let checkedTrustList { return (trustKeeper, checkedTrustList) }
        let list = try TrustListCheck(db, keeper: trustKeeper)
        checkedTrustList = list
        return (trustKeeper, list)
    }

    /// This store's decision about `node`'s events: only rows signed by this node count
    /// (``TrustListCheck``); a node whose only rows are unsigned or forged is `.unknown`.
    /// Throws ``EventLogError/trustListAltered(reason:)`` — for every node but this one — when
    /// the list as a whole fails its check: then no peer is trusted.
    public func trust(of node: NodeID) throws -> PeerTrust {
        let (keeper, list) = try checkedTrust()
        // This store's own node by the key it was opened with, not by a column anyone could edit.
        if node == keeper.store { return .local }
        guard let row = try list.standing(of: node) else { return .unknown }
        return row.trusted == 1 ? .trusted : .removed
    }

    /// Every node this store knows of — itself, those in its trust list, those whose events
    /// wait for trust, and those named only by rows it ignores — ordered local first, then by name.
    /// Standings come from the rows that count (``TrustListCheck``) alone; when the list as a
    /// whole fails its check, no node is shown as trusted.
    public func peerStandings() throws -> [PeerStanding] {
        let (keeper, list) = try checkedTrust()
        var standings: [NodeID: PeerStanding] = [:]
        let site = try String.fetchOne(db, sql: "SELECT site FROM nodes WHERE id = ?", arguments: [keeper.store.rawValue]) ?? ""
        standings[keeper.store] = PeerStanding(node: keeper.store, name: site, trust: .local, stored: 0, waiting: 0)
        for (node, row) in list.latest where node != keeper.store {
            standings[node] = PeerStanding(node: node, name: row.name, trust: list.altered != nil ? .unknown : row.trusted == 1 ? .trusted : .removed,
                                           changedAt: Timestamp(rfc3339: row.changedAt), changedBy: row.author, stored: 0, waiting: 0,
                                           ignoredChanges: list.altered != nil ? [row.change] : [])
        }
        for problem in list.ignored {
            guard let node = NodeID(problem.node), node != keeper.store, let change = problem.change else { continue }
            if standings[node] == nil {
                standings[node] = PeerStanding(node: node, name: try claimedSite(of: node) ?? "(not in the trust list)", trust: .unknown, stored: 0, waiting: 0)
            }
            standings[node]?.ignoredChanges.append(change)
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
    /// a fork) or a node in its trust list by a change this node signed (``TrustListCheck``).
    /// Every carrier and both ends of a TLS connection ask this. Throws
    /// ``EventLogError/trustListAltered(reason:)`` when the list fails its check as a whole: then
    /// no peer is accepted.
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
        let before = written.count
        try applyWaiting(of: node)
        return written.count - before
    }

    /// Removes `node` from the trust list: its events already stored stay, any later ones are refused.
    public func distrustPeer(_ node: NodeID, author: String) throws {
        try Self.validateAuthor(author)
        guard try trust(of: node) == .trusted else {
            throw EventLogError.invalidField(field: "node", value: node.rawValue, accepted: "a node this store trusts").with(.listPeers)
        }
        let name = try checkedTrust().list.latest[node]?.name ?? ""
        try recordTrust(node, name: name, trusted: false, author: author)
    }

    /// Appends one trust change, signed by this node and linked to the last row that counts
    /// (``TrustChange/signedBytes(store:previous:)``). The caller checked the list is not altered
    /// (``trust(of:)`` throws then): a change is never signed on top of a list this node did not sign.
    private func recordTrust(_ node: NodeID, name: String, trusted: Bool, author: String) throws {
        let (keeper, list) = try checkedTrust()
        if let altered = list.altered { throw EventLogError.trustListAltered(reason: altered) }
        // The store's first change: record "none signed yet" outside the database before the
        // commit, so that no crash can leave signed rows without a record (which reads as a deletion).
        if !TrustHead.exists(in: keeper.directory) { try TrustHead(signedBy: identity, head: nil).write(in: keeper.directory) }
        // After every row, ignored ones included: their numbers are taken.
        let last = try Int64.fetchOne(db, sql: "SELECT max(change) FROM peer_trust") ?? 0
        guard last < Int64.max else {
            throw EventLogError.trustListAltered(reason: "a row outside Myolog took the last change number")
        }
        var row = TrustChange(change: last + 1, node: node.rawValue, name: name, trusted: trusted ? 1 : 0,
                              changedAt: wallClock.now().description, author: author, signature: nil)
        let signature = try identity.signature(for: row.signedBytes(store: identity.nodeID, previous: list.tail?.signature))
        row.signature = signature
        try db.execute(sql: "INSERT INTO peer_trust (change, node, name, trusted, changedAt, author, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: [row.change, row.node, row.name, row.trusted, row.changedAt, row.author, signature])
        trustRecorded = TrustHead.Link(change: row.change, signature: signature)
        checkedTrustList = nil
        forgetTrust(of: node)
    }

    /// The longest peer name accepted.
    public static let maximumPeerNameLength = 100

    static func validatePeerName(_ name: String) throws {
        try EventLogError.checkName(name, field: "name", maximumLength: maximumPeerNameLength,
                                    accepted: "a name of 1–\(maximumPeerNameLength) characters without control or invisible characters")
    }
}
