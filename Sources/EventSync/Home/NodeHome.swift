import Crypto
import EventCrypto
import EventModel
import Foundation

/// The directory a node keeps on its own machine when its log lives elsewhere — the hub, whose
/// log is in PostgreSQL: the node's identity and trust list, its own chain as it signed it, and
/// the patient keys it holds. Everything of the node that must never reach the log's server.
///
/// The SQLite store (`EventStore`) is one; the hub is written against this protocol, so it links
/// no storage engine of its own besides its server's client. Calls block the calling thread (a
/// SQLite transaction), as the hub's turns expect.
public protocol NodeHome: Sendable {
    /// The node (its key signs what it writes).
    var identity: NodeIdentity { get }
    /// The directory holding the node's key, trust list and kept keys.
    var directory: URL { get }
    /// Whether this node exchanges records with `node` (itself, or trusted by a change it signed).
    ///
    /// - Parameter node: A peer's node.
    /// - Returns: Whether records are exchanged with it.
    /// - Throws: When the trust list fails its check as a whole.
    func accepts(_ node: NodeID) throws -> Bool
    /// The standing of each of `nodes` in the trust list, read in one snapshot.
    ///
    /// - Parameter nodes: The nodes to look up.
    /// - Returns: Each node's standing.
    /// - Throws: When the trust list fails its check as a whole.
    func trust(of nodes: Set<NodeID>) throws -> [NodeID: PeerTrust]
    /// This node's own events after `sequence`, in order, at most `limit`.
    ///
    /// - Parameters:
    ///   - sequence: The last sequence already held (0 for all).
    ///   - limit: The most events to return.
    /// - Returns: Consecutive events of this node's chain.
    /// - Throws: The store's read error.
    func ownEvents(after sequence: Int, limit: Int) throws -> [EventEnvelope]
    /// Appends, in one transaction, this node's acknowledgement of each erasure (patient, the
    /// erasing event) it applied, so stores trusting it but not the erasing node apply it too.
    ///
    /// - Parameter erasures: Each erased patient with the event that erased them.
    /// - Throws: The store's refusal to write (its chain behind its signed head, no node key) or its write error.
    func acknowledgeErasures(_ erasures: [(PatientID, EventEnvelope)]) throws
    /// The keys held for `patients`, unwrapped (absent: none held, or erased).
    ///
    /// - Parameter patients: The patients.
    /// - Returns: The keys held, by patient.
    /// - Throws: The store's read error, or a key that does not unwrap.
    func keptKeys(for patients: [PatientID]) throws -> [PatientID: SymmetricKey]
    /// Every patient a key is held of.
    func patientsWithKeptKeys() throws -> Set<PatientID>
    /// Keeps `keys`; a patient already holding one keeps it, an erased patient's is not stored.
    ///
    /// - Parameter keys: Data keys by patient.
    /// - Throws: The store's write error.
    func keepKeys(_ keys: [PatientID: SymmetricKey]) throws
    /// Keeps keys already wrapped under this node's store key, as they are.
    ///
    /// - Parameter wrapped: Each patient with their key as `WrappedPatientKey.wrap(_:for:under:)` returned it.
    /// - Throws: The store's write error.
    func keepWrappedKeys(_ wrapped: [(PatientID, Data)]) throws
    /// Destroys the keys of the erased patients (patient → erasing event) and records their
    /// erasures; false when a key was deleted but its pages may remain on disk for now.
    ///
    /// - Parameter erasures: Each erased patient with the event that erased them.
    /// - Returns: False when the WAL checkpoint that removes the deleted pages could not complete yet.
    /// - Throws: The store's write error.
    @discardableResult
    func destroyKeptKeys(_ erasures: [PatientID: EventID]) throws -> Bool
}
