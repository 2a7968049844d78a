import EventModel
import EventCrypto
import EventSync

extension EventStore: LocalLog {
    public func patientsLackingKeys(in events: [EventEnvelope]) async throws -> [PatientID] {
        try await readWithoutBlocking { try $0.patientsLackingKeys(in: events) }
    }
}

/// A store on this machine is a peer as it is (the path carrier of the protocol), and the log
/// `serve` offers over HTTPS.
extension EventStore: ServedLog {
    public func admits(_ node: NodeID) async throws -> Bool {
        try await readWithoutBlocking { try $0.trust(of: node) }.acceptsEvents
    }

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
    /// first malformed one is refused (``EventProblem``) and nothing of the batch is written.
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
