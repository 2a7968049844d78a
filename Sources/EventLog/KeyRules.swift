import Crypto
import Foundation

/// What a storage engine offers the rules for receiving patient keys (``KeyLedger/receiveKeys(_:)``),
/// written once for the SQLite store and the PostgreSQL hub.
public protocol KeyLedger: AnyObject {
    /// The node the keys must be sealed to: this one.
    var keyRecipient: NodeIdentity { get }
    /// The event that erased `patient` here, if one did: their keys are never kept again.
    func erasure(of patient: PatientID) throws -> EventID?
    /// The first `limit` sealed events held about `patient`, as stored.
    func sealedEvents(of patient: PatientID, limit: Int) throws -> [EventEnvelope]
    /// The patient's key held here, if any.
    func heldKey(for patient: PatientID) throws -> SymmetricKey?
    /// Keeps `key` as the patient's key (wrapped under the store key).
    func keep(_ key: SymmetricKey, for patient: PatientID) throws
}

extension KeyLedger {
    /// Stores the keys in `sealed` that are for this node, after checking each: it opens with
    /// this node's agreement key, and it opens the patient's sealed events held here. A key of
    /// a patient erased here is discarded (counted in ``KeyReceipt/erased``), never stored.
    ///
    /// Refused whole (nothing of the transaction written), naming the key: one sealed for another
    /// node, one that does not open, one that does not open its patient's events.
    public func receiveKeys(_ sealed: [SealedPatientKey]) throws -> KeyReceipt {
        var receipt = KeyReceipt()
        guard !sealed.isEmpty else { return receipt }
        let identity = keyRecipient
        guard let agreementKey = identity.agreementKey else { throw EventLogError.missingNodeKey(path: "node.key") }
        var opener = SealedPatientKey.Opener(agreementKey: agreementKey)
        for key in sealed {
            guard key.recipient == identity.nodeID else {
                throw EventLogError.keyRefused(patient: key.patient.rawValue, reason: "it is sealed for node \(key.recipient), not this node (\(identity.nodeID))")
            }
            if try erasure(of: key.patient) != nil { receipt.erased += 1; continue }
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
            if let held = try heldKey(for: key.patient) {
                guard held == opened else { throw EventLogError.keyRefused(patient: key.patient.rawValue, reason: "it differs from the key held here") }
                continue
            }
            try keep(opened, for: key.patient)
            receipt.stored += 1
        }
        return receipt
    }
}

/// A patient's data key wrapped under a store's key-encryption key: how both engines keep keys
/// at rest, so an engine's backups alone open nothing.
public enum WrappedPatientKey {
    static func wrappingData(_ patient: PatientID) -> Data { Data("myolog patient key v1\n\(patient.rawValue)".utf8) }

    /// `key` sealed (AES-GCM) under `storeKey`, with the patient's id as associated data.
    public static func wrap(_ key: SymmetricKey, for patient: PatientID, under storeKey: SymmetricKey) throws -> Data {
        let raw = key.withUnsafeBytes { Data($0) }
        guard let wrapped = try AES.GCM.seal(raw, using: storeKey, authenticating: wrappingData(patient)).combined else {
            throw EventLogError.damagedStore(path: "", reason: "AES-GCM gave no combined form")
        }
        return wrapped
    }

    /// The key in `wrapped`, or a refusal when it does not unwrap (another store's, or altered).
    public static func unwrap(_ wrapped: Data, for patient: PatientID, under storeKey: SymmetricKey) throws -> SymmetricKey {
        guard let box = try? AES.GCM.SealedBox(combined: wrapped),
              let raw = try? AES.GCM.open(box, using: storeKey, authenticating: wrappingData(patient))
        else { throw EventLogError.damagedStore(path: "", reason: "the data key of patient \(patient) does not unwrap under this store's key") }
        return SymmetricKey(data: raw)
    }

    /// `event` with its payload opened with `key`, where it is sealed.
    public static func opened(_ event: EventEnvelope, key: SymmetricKey?) -> EventEnvelope { PatientKeyRing.opened(event, key: key) }

    /// Seals `keys` for `recipient` (whose agreement key is `agreementKey`) in one parcel.
    public static func seal(_ keys: [(PatientID, SymmetricKey)], to recipient: NodeID, agreementKey: Data) throws -> [SealedPatientKey] {
        guard !keys.isEmpty, let publicKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: agreementKey) else { return [] }
        let parcel = try SealedPatientKey.Parcel(to: recipient, agreementKey: publicKey)
        return try keys.map { try parcel.seal($0.1, patient: $0.0) }
    }
}
