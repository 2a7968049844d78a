import Crypto
import Foundation
import GRDB

/// Receiving patient keys sealed to this node.
extension AppendTransaction {
    /// Stores the keys in `sealed` that are for this node, after checking each: it opens with
    /// this node's agreement key, and it opens the patient's sealed events held here. A key of
    /// a patient erased here is discarded (counted in ``KeyReceipt/erased``), never stored.
    ///
    /// Refused whole (nothing of the transaction written), naming the key: one sealed for another
    /// node, one that does not open, one that does not open its patient's events.
    public func receiveKeys(_ sealed: [SealedPatientKey]) throws -> KeyReceipt {
        var receipt = KeyReceipt()
        guard !sealed.isEmpty else { return receipt }
        guard let agreementKey = identity.agreementKey else { throw EventLogError.missingNodeKey(path: "node.key") }
        var opener = SealedPatientKey.Opener(agreementKey: agreementKey)
        for key in sealed {
            guard key.recipient == identity.nodeID else {
                throw EventLogError.keyRefused(patient: key.patient.rawValue, reason: "it is sealed for node \(key.recipient), not this node (\(identity.nodeID))")
            }
            if try keys.erasure(of: key.patient) != nil { receipt.erased += 1; continue }
            guard let opened = opener.open(key) else {
                throw EventLogError.keyRefused(patient: key.patient.rawValue, reason: "it does not open with this node's key")
            }
            // The key must be the patient's: it opens the sealed events held of them (all of the
            // ones tried; an event it cannot open means a wrong or forged key).
            let sample = try sealedEvents(of: key.patient, limit: 3)
            guard !sample.isEmpty else { continue }  // nothing of theirs here to open: not kept
            for event in sample where PatientKeyRing.opened(event, key: opened).openedPayload == nil {
                throw EventLogError.keyRefused(patient: key.patient.rawValue, reason: "it does not decrypt the patient's event \(event.id)")
            }
            if let held = try keys.key(for: key.patient) {
                guard held == opened else { throw EventLogError.keyRefused(patient: key.patient.rawValue, reason: "it differs from the key held here") }
                continue
            }
            try keys.store(opened, for: key.patient)
            keysReceived.append(key.patient)
            receipt.stored += 1
        }
        return receipt
    }
}
