import Crypto
import Foundation
import EventModel
import EventCrypto

/// The SQLite store as a ``KeyLedger``: the key rules (``KeyLedger``, KeyLedger.swift) through its key ring.
extension AppendTransaction: KeyLedger {
    public var keyRecipient: NodeIdentity { identity }

    public func heldKey(for patient: PatientID) throws -> SymmetricKey? { try keys.key(for: patient) }

    public func keep(_ key: SymmetricKey, for patient: PatientID) throws {
        try keys.store(key, for: patient)
        // Their views are folded again at commit.
        keysReceived.append(patient)
    }
}
