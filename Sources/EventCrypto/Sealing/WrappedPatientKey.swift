import Crypto
import Foundation
import EventModel

/// A patient's data key wrapped under a store's key-encryption key: how both engines keep keys
/// at rest, so an engine's backups alone open nothing.
public enum WrappedPatientKey {
    static func wrappingData(_ patient: PatientID) -> Data { Data("myolog patient key v1\n\(patient.rawValue)".utf8) }

    /// `key` sealed (AES-GCM) under `storeKey`, with the patient's id as associated data.
    ///
    /// - Parameters:
    ///   - key: The patient's data key.
    ///   - patient: Whose key it is: bound in as associated data.
    ///   - storeKey: The store's key-encryption key (``NodeIdentity/storeKey``).
    /// - Returns: Nonce, ciphertext and tag, as stored.
    /// - Throws: `EventLogError.damagedStore(path:reason:)` if AES-GCM fails.
    public static func wrap(_ key: SymmetricKey, for patient: PatientID, under storeKey: SymmetricKey) throws -> Data {
        let raw = key.withUnsafeBytes { Data($0) }
        guard let wrapped = try AES.GCM.seal(raw, using: storeKey, authenticating: wrappingData(patient)).combined else {
            throw EventLogError.damagedStore(path: "", reason: "AES-GCM gave no combined form")
        }
        return wrapped
    }

    /// The key in `wrapped`, or a refusal when it does not unwrap (another store's, or altered).
    ///
    /// - Parameters:
    ///   - wrapped: What ``wrap(_:for:under:)`` returned.
    ///   - patient: Whose key it is.
    ///   - storeKey: The store's key-encryption key.
    /// - Returns: The patient's data key.
    /// - Throws: `EventLogError.damagedStore(path:reason:)` when it does not unwrap (another store's, another patient's, or altered).
    public static func unwrap(_ wrapped: Data, for patient: PatientID, under storeKey: SymmetricKey) throws -> SymmetricKey {
        guard let box = try? AES.GCM.SealedBox(combined: wrapped),
              let raw = try? AES.GCM.open(box, using: storeKey, authenticating: wrappingData(patient))
        else { throw EventLogError.damagedStore(path: "", reason: "the data key of patient \(patient) does not unwrap under this store's key") }
        return SymmetricKey(data: raw)
    }

    /// Seals `keys` for `recipient` (whose agreement key is `agreementKey`) in one parcel.
    ///
    /// - Parameters:
    ///   - keys: Each patient with their data key.
    ///   - recipient: The node the keys are for.
    ///   - agreementKey: The raw X25519 public key the recipient published in its `NodeEnrolled`.
    /// - Returns: One sealed key per patient; none when `keys` is empty or `agreementKey` is not an X25519 key.
    /// - Throws: An HPKE or ChaCha20-Poly1305 failure from swift-crypto.
    public static func seal(_ keys: [(PatientID, SymmetricKey)], to recipient: NodeID, agreementKey: Data) throws -> [SealedPatientKey] {
        guard !keys.isEmpty, let publicKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: agreementKey) else { return [] }
        let parcel = try SealedPatientKey.Parcel(to: recipient, agreementKey: publicKey)
        return try keys.map { try parcel.seal($0.1, patient: $0.0) }
    }
}
