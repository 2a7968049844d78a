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
