import Crypto
import EventModel

/// The stages of a write and a receive that have no public entry point of their own, for the
/// stage budget in Tools/Benchmarks: each calls the very function the paths call, nothing else.
extension SealedPayload {
    /// Seals `plaintext` for the event at (`id`, `origin`, `sequence`) about `patient`, as
    /// `AppendTransaction.append` does before hashing: the associated data, then AES-GCM.
    ///
    /// - Returns: The stored (sealed) form of the payload.
    @_spi(Benchmarks) public static func stageSeal(_ plaintext: String, key: SymmetricKey, id: EventID, origin: NodeID, sequence: Int, patient: PatientID,
                                                   type: String, schemaVersion: Int) throws -> String {
        try seal(plaintext, key: key, associatedData: associatedData(id: id, origin: origin, sequence: sequence, patient: patient, type: type,
                                                                     schemaVersion: schemaVersion))
    }
}
