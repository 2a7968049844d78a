import EventCrypto
import EventModel
import EventSync

/// A store directory is the hub's home: its keys, trust list and own chain stay in SQLite on the
/// hub's machine (``NodeHome``); the kept-key operations are in EventStore+KeptKeys.swift.
extension EventStore: NodeHome {
    public func trust(of nodes: Set<NodeID>) throws -> [NodeID: PeerTrust] {
        try read { reader in try Dictionary(uniqueKeysWithValues: nodes.map { ($0, try reader.trust(of: $0)) }) }
    }

    public func ownEvents(after sequence: Int, limit: Int) throws -> [EventEnvelope] {
        try read { try $0.events(origin: identity.nodeID, after: sequence, limit: limit) }
    }

    public func acknowledgeErasures(_ erasures: [(PatientID, EventEnvelope)]) throws {
        guard !erasures.isEmpty else { return }
        _ = try append(erasures.map { AppendTransaction.acknowledgement(of: $0.1, patient: $0.0) }, author: AppendTransaction.erasureRelayAuthor)
    }
}
