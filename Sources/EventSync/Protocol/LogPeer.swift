import Foundation
import EventModel
import EventCrypto

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
    ///
    /// - Parameters:
    ///   - origin: Whose chain.
    ///   - sequence: The last sequence already held (0 for all).
    ///   - limit: The most events to return.
    /// - Returns: Consecutive events from `sequence + 1`; fewer than `limit` at the chain's end.
    /// - Throws: The carrier's error.
    func events(origin: NodeID, after sequence: Int, limit: Int) async throws -> [EventEnvelope]
    /// Offers the peer one batch, which it checks and commits (or refuses) whole.
    ///
    /// - Parameter batch: Events, per origin in sequence order.
    /// - Returns: What the peer did with each.
    /// - Throws: The refusal naming the first bad event (nothing of the batch stored), or the carrier's error.
    func receive(_ batch: [EventEnvelope]) async throws -> ReceiveSummary
    /// Offers the peer one batch with the keys of its patients, sealed to the peer. A peer that
    /// can stores both in one transaction, so it folds the events readable once instead of
    /// folding them unreadable now and again when the keys come; by default, the events and
    /// then the keys (``receive(_:)``, ``receiveKeys(_:)``).
    ///
    /// - Parameters:
    ///   - batch: Events, per origin in sequence order.
    ///   - keys: Their patients' keys, sealed to the peer.
    /// - Returns: What the peer did with the events and the keys.
    /// - Throws: The refusal naming the first bad event or key, or the carrier's error.
    func receive(_ batch: [EventEnvelope], keys: [SealedPatientKey]) async throws -> ReceiveSummary
    /// Patients whose sealed events the peer holds without their key.
    func patientsWithoutKeys() async throws -> [PatientID]
    /// The peer's keys of `patients` (those it holds), sealed to `recipient` — the node asking,
    /// which the peer must trust and whose enrolment it must hold.
    ///
    /// - Parameters:
    ///   - patients: Whose keys are asked for.
    ///   - recipient: The node asking.
    /// - Returns: The keys the peer holds, sealed to `recipient`; none for an untrusted recipient.
    /// - Throws: The carrier's error.
    func keys(for patients: [PatientID], to recipient: NodeID) async throws -> [SealedPatientKey]
    /// Offers the peer keys sealed to it, which it checks and stores (or refuses) whole.
    ///
    /// - Parameter keys: Keys sealed to the peer.
    /// - Returns: How many were stored, and how many discarded as erased.
    /// - Throws: The refusal naming the first bad key, or the carrier's error.
    func receiveKeys(_ keys: [SealedPatientKey]) async throws -> KeyReceipt
}

extension LogPeer {
    /// Offers the events, then the keys (``LogPeer/receiveKeys(_:)``), in two transactions.
    ///
    /// - Parameters:
    ///   - batch: Events, per origin in sequence order.
    ///   - keys: Their patients' keys, sealed to the peer.
    /// - Returns: What the peer did with the events and the keys.
    /// - Throws: The refusal naming the first bad event or key, or the carrier's error.
    public func receive(_ batch: [EventEnvelope], keys: [SealedPatientKey]) async throws -> ReceiveSummary {
        var summary = try await receive(batch)
        if !keys.isEmpty { summary.keys = try await receiveKeys(keys) }
        return summary
    }
}
