import Crypto
import Foundation
import EventModel

/// What a storage engine offers the rules for receiving patient keys (``KeyLedger/receiveKeys(_:)``),
/// written once for the SQLite store and the PostgreSQL hub.
public protocol KeyLedger: AnyObject {
    /// The node the keys must be sealed to: this one.
    var keyRecipient: NodeIdentity { get }
    /// The event that erased `patient` here, if one did: their keys are never kept again.
    ///
    /// - Parameter patient: The patient.
    /// - Returns: The erasing event's id, or nil.
    /// - Throws: The engine's read error.
    func erasure(of patient: PatientID) throws -> EventID?
    /// The first `limit` sealed events held about `patient`, as stored.
    ///
    /// - Parameters:
    ///   - patient: The patient.
    ///   - limit: The most events to return.
    /// - Returns: Up to `limit` of the patient's sealed events.
    /// - Throws: The engine's read error.
    func sealedEvents(of patient: PatientID, limit: Int) throws -> [EventEnvelope]
    /// The patient's key held here, if any.
    ///
    /// - Parameter patient: The patient.
    /// - Returns: The key, or nil.
    /// - Throws: The engine's read error, or a key that does not unwrap.
    func heldKey(for patient: PatientID) throws -> SymmetricKey?
    /// Keeps `key` as the patient's key (wrapped under the store key).
    ///
    /// - Parameters:
    ///   - key: The patient's data key.
    ///   - patient: The patient.
    /// - Throws: The engine's write error.
    func keep(_ key: SymmetricKey, for patient: PatientID) throws
}

extension KeyLedger {
    /// Stores the keys in `sealed` that are for this node, after checking each: it opens with
    /// this node's agreement key, and it opens the patient's sealed events held here. A key of
    /// a patient erased here is discarded (counted in ``KeyReceipt/erased``), never stored.
    ///
    /// Refused whole (nothing of the transaction written), naming the key: one sealed for another
    /// node, one that does not open, one that does not open its patient's events.
    ///
    /// - Parameter sealed: Keys offered by a peer or a bundle.
    /// - Returns: How many were stored, and how many discarded as erased.
    /// - Throws: `EventLogError.keyRefused(patient:reason:)` naming the first key refused; `EventLogError.missingNodeKey(path:)` without the node key.
    public func receiveKeys(_ sealed: [SealedPatientKey]) throws -> KeyReceipt {
        var receipt = KeyReceipt()
        guard !sealed.isEmpty else { return receipt }
        let identity = keyRecipient
        guard let agreementKey = identity.agreementKey else { throw EventLogError.missingNodeKey(path: "node.key") }
        var opener = SealedPatientKey.Opener(agreementKey: agreementKey)
        for key in sealed {
            guard key.recipient == identity.nodeID else {
                throw EventLogError.keyRefused(patient: key.patient, reason: "it is sealed for node \(key.recipient), not this node (\(identity.nodeID))")
            }
            if try erasure(of: key.patient) != nil { receipt.erased += 1; continue }
            guard let opened = opener.open(key) else {
                throw EventLogError.keyRefused(patient: key.patient, reason: "it does not open with this node's key")
            }
            // The key must be the patient's: it opens the sealed events held of them (all of the
            // ones tried; an event it cannot open means a wrong or forged key).
            let sample = try sealedEvents(of: key.patient, limit: 3)
            guard !sample.isEmpty else { continue }  // nothing of theirs here to open: not kept
            for event in sample where SealedPayload.opened(event, key: opened).openedPayload == nil {
                throw EventLogError.keyRefused(patient: key.patient, reason: "it does not decrypt the patient's event \(event.id)")
            }
            if let held = try heldKey(for: key.patient) {
                guard held == opened else { throw EventLogError.keyRefused(patient: key.patient, reason: "it differs from the key held here") }
                continue
            }
            try keep(opened, for: key.patient)
            receipt.stored += 1
        }
        return receipt
    }
}
