import Foundation

/// The other side of a sync, as this side sees it: another store on this machine, or a server
/// across the network. The sync protocol (``LogExchange``) is written once against this, so
/// every carrier moves events the same way.
///
/// Requests are bounded: `events` returns at most `limit` events, `receive` takes one batch, so
/// memory stays flat however large the delta.
public protocol LogPeer: Sendable {
    /// The peer's node, site and the head of every chain it holds.
    func summary() async throws -> PeerSummary
    /// The peer's events of `origin` after `sequence`, in order, at most `limit`.
    func events(origin: NodeID, after sequence: Int, limit: Int) async throws -> [EventEnvelope]
    /// Offers the peer one batch, which it checks and commits (or refuses) whole.
    func receive(_ batch: [EventEnvelope]) async throws -> ReceiveSummary
    /// Offers the peer one batch with the keys of its patients, sealed to the peer. A peer that
    /// can stores both in one transaction, so it folds the events readable once instead of
    /// folding them unreadable now and again when the keys come; by default, the events and
    /// then the keys (``receive(_:)``, ``receiveKeys(_:)``).
    func receive(_ batch: [EventEnvelope], keys: [SealedPatientKey]) async throws -> ReceiveSummary
    /// Patients whose sealed events the peer holds without their key.
    func patientsWithoutKeys() async throws -> [PatientID]
    /// The peer's keys of `patients` (those it holds), sealed to `recipient` — the node asking,
    /// which the peer must trust and whose enrolment it must hold.
    func keys(for patients: [PatientID], to recipient: NodeID) async throws -> [SealedPatientKey]
    /// Offers the peer keys sealed to it, which it checks and stores (or refuses) whole.
    func receiveKeys(_ keys: [SealedPatientKey]) async throws -> KeyReceipt
}

extension LogPeer {
    public func receive(_ batch: [EventEnvelope], keys: [SealedPatientKey]) async throws -> ReceiveSummary {
        var summary = try await receive(batch)
        if !keys.isEmpty { summary.keys = try await receiveKeys(keys) }
        return summary
    }
}

/// The near side of a sync: a log this process holds and writes — a store directory, or a hub —
/// which ``LogExchange`` reads and writes through the same requests it sends the peer, plus
/// what only the near side knows: who it is, whom it trusts, which keys it lacks.
public protocol LocalLog: LogPeer {
    /// The node whose log this is (its key signs what it writes).
    var identity: NodeIdentity { get }
    /// The store directory holding the node's identity and trust list.
    var directory: URL { get }
    /// Whether this log exchanges records with `node` (``EventStore/accepts(_:)``).
    func accepts(_ node: NodeID) throws -> Bool
    /// The patients of `events`' sealed events whose keys this log lacks (and who are not erased).
    func patientsLackingKeys(in events: [EventEnvelope]) async throws -> [PatientID]
}

/// Who a peer is and what it holds: for each origin, the last event of its chain.
public struct PeerSummary: Sendable, Equatable {
    public var node: NodeID
    public var site: String
    public var heads: [NodeID: ChainHead]

    public init(node: NodeID, site: String, heads: [NodeID: ChainHead]) {
        self.node = node
        self.site = site
        self.heads = heads
    }

    /// The vector clock the heads imply.
    public var clock: VectorClock { VectorClock(heads.mapValues(\.sequence)) }

    public var json: JSONValue {
        .object([
            "node": .string(node.rawValue), "site": .string(site),
            "heads": .object(Dictionary(uniqueKeysWithValues: heads.map {
                ($0.key.rawValue, JSONValue.object(["sequence": .int($0.value.sequence), "hash": .string($0.value.hash.rawValue)]))
            })),
        ])
    }

    public init(json: JSONValue) throws(EnvelopeDecodingError) {
        guard case .object(let m) = json, case .string(let nodeText)? = m["node"], let node = NodeID(nodeText),
            case .string(let site)? = m["site"], case .object(let headMembers)? = m["heads"]
        else { throw EnvelopeDecodingError(field: "summary", reason: "expected {node, site, heads}") }
        var heads: [NodeID: ChainHead] = [:]
        for (key, value) in headMembers {
            guard let origin = NodeID(key), case .object(let head) = value, case .int(let sequence)? = head["sequence"], sequence >= 1,
                case .string(let hashText)? = head["hash"], let hash = EventHash(hashText)
            else { throw EnvelopeDecodingError(field: "heads.\(key)", reason: "expected {sequence: positive integer, hash: SHA-256 hex}") }
            heads[origin] = ChainHead(sequence: sequence, hash: hash)
        }
        self.init(node: node, site: site, heads: heads)
    }
}

/// What a store did with one batch offered to it.
public struct ReceiveSummary: Sendable, Equatable {
    /// Events stored, per origin (held-back events released by this batch included).
    public var stored: [NodeID: Int] = [:]
    public var duplicates = 0
    public var heldBack = 0
    /// (origin, sequence) of each event quarantined as a fork.
    public var quarantined: [ChainPlace] = []
    /// Events kept aside, per origin, because the origin is not in the receiver's trust list.
    public var awaitingTrust: [NodeID: Int] = [:]
    /// Events refused, per origin, because the receiver removed the origin from its trust list.
    public var originRemoved: [NodeID: Int] = [:]
    /// What became of the patient keys that came with the events (bundles).
    public var keys = KeyReceipt()

    public init() {}

    /// Adds another batch's outcome to this one.
    public mutating func add(_ other: ReceiveSummary) {
        for (origin, count) in other.stored { stored[origin, default: 0] += count }
        duplicates += other.duplicates
        heldBack += other.heldBack
        quarantined += other.quarantined
        for (origin, count) in other.awaitingTrust { awaitingTrust[origin, default: 0] += count }
        for (origin, count) in other.originRemoved { originRemoved[origin, default: 0] += count }
    }

    public var json: JSONValue {
        .object([
            "stored": .object(Dictionary(uniqueKeysWithValues: stored.map { ($0.key.rawValue, JSONValue.int($0.value)) })),
            "duplicates": .int(duplicates), "heldBack": .int(heldBack),
            "quarantined": .array(quarantined.map { .object(["origin": .string($0.origin.rawValue), "sequence": .int($0.sequence)]) }),
            "awaitingTrust": Self.countsJSON(awaitingTrust), "originRemoved": Self.countsJSON(originRemoved),
        ])
    }

    static func countsJSON(_ counts: [NodeID: Int]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, JSONValue.int($0.value)) }))
    }

    static func counts(_ json: JSONValue?, field: String) throws(EnvelopeDecodingError) -> [NodeID: Int] {
        guard case .object(let members)? = json else { throw EnvelopeDecodingError(field: field, reason: "expected an object of node id → count") }
        var counts: [NodeID: Int] = [:]
        for (key, value) in members {
            guard let origin = NodeID(key), case .int(let count) = value, count >= 0 else { throw EnvelopeDecodingError(field: "\(field).\(key)", reason: "expected a count") }
            counts[origin] = count
        }
        return counts
    }

    public init(json: JSONValue) throws(EnvelopeDecodingError) {
        guard case .object(let m) = json, case .object(let storedMembers)? = m["stored"], case .int(let duplicates)? = m["duplicates"],
            case .int(let heldBack)? = m["heldBack"], case .array(let places)? = m["quarantined"]
        else { throw EnvelopeDecodingError(field: "receipt", reason: "expected {stored, duplicates, heldBack, quarantined}") }
        stored = try Self.counts(.object(storedMembers), field: "stored")
        awaitingTrust = try Self.counts(m["awaitingTrust"], field: "awaitingTrust")
        originRemoved = try Self.counts(m["originRemoved"], field: "originRemoved")
        for place in places {
            guard case .object(let p) = place, case .string(let text)? = p["origin"], let origin = NodeID(text), case .int(let sequence)? = p["sequence"]
            else { throw EnvelopeDecodingError(field: "quarantined", reason: "expected [{origin, sequence}]") }
            quarantined.append(ChainPlace(origin: origin, sequence: sequence))
        }
        self.duplicates = duplicates
        self.heldBack = heldBack
    }
}

/// A place in one origin's chain.
public struct ChainPlace: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var origin: NodeID
    public var sequence: Int
    public init(origin: NodeID, sequence: Int) {
        self.origin = origin
        self.sequence = sequence
    }
    public static func < (a: ChainPlace, b: ChainPlace) -> Bool { (a.origin, a.sequence) < (b.origin, b.sequence) }
    public var description: String { "origin \(origin) sequence \(sequence)" }
}

extension EventStore: LocalLog {
    public func patientsLackingKeys(in events: [EventEnvelope]) async throws -> [PatientID] {
        try await readWithoutBlocking { try $0.patientsLackingKeys(in: events) }
    }
}

/// A store on this machine is a peer as it is: the path carrier of the protocol.
extension EventStore: LogPeer {
    public func summary() async throws -> PeerSummary {
        PeerSummary(node: identity.nodeID, site: identity.site, heads: try await readWithoutBlocking { try $0.heads() })
    }

    public func events(origin: NodeID, after sequence: Int, limit: Int) async throws -> [EventEnvelope] {
        try await readWithoutBlocking { try $0.events(origin: origin, after: sequence, limit: limit) }
    }

    public func receive(_ batch: [EventEnvelope]) async throws -> ReceiveSummary {
        try receiveBatch(batch)
    }

    public func receive(_ batch: [EventEnvelope], keys: [SealedPatientKey]) async throws -> ReceiveSummary {
        try receiveBatch(batch, keys: keys)
    }

    public func patientsWithoutKeys() async throws -> [PatientID] {
        try await readWithoutBlocking { try $0.patientsWithoutKeys() }
    }

    public func keys(for patients: [PatientID], to recipient: NodeID) async throws -> [SealedPatientKey] {
        try await readWithoutBlocking { try $0.sealedKeys(for: patients, to: recipient) }
    }

    public func receiveKeys(_ keys: [SealedPatientKey]) async throws -> KeyReceipt {
        try receiveSealedKeys(keys)
    }

    /// Offers `keys` in one transaction; the views of the patients whose keys arrive are folded again.
    public func receiveSealedKeys(_ keys: [SealedPatientKey]) throws -> KeyReceipt {
        guard !keys.isEmpty else { return KeyReceipt() }
        return try write { try $0.receiveKeys(keys) }
    }

    /// Offers `batch` in one transaction: every event is stored, held back or quarantined, or the
    /// first malformed one is refused (``ReplicationRefusal``) and nothing of the batch is written.
    ///
    /// `keys` (sealed to this node) are checked and stored after the events, in the same
    /// transaction, so the views fold the events readable at once.
    public func receiveBatch(_ batch: [EventEnvelope], keys: [SealedPatientKey] = []) throws -> ReceiveSummary {
        try write { tx in
            var summary = try tx.receiveAll(batch)
            summary.keys = try tx.receiveKeys(keys)
            return summary
        }
    }
}
