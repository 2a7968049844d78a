import Crypto
import Foundation

/// One patient's data key on its way to another node: sealed to that node alone (HPKE,
/// X25519-HKDF-SHA256 with ChaCha20-Poly1305, to the `agreementKey` the node published in its
/// signed `NodeEnrolled`), with the patient and the recipient bound in as HPKE `info`.
///
/// Only the recipient's node key opens it; a receiver accepts it only when it opens events of
/// that patient (``AppendTransaction/receiveKeys(_:)``), so a key that is not the patient's is
/// refused however it was made.
public struct SealedPatientKey: Sendable, Equatable {
    public var patient: PatientID
    public var recipient: NodeID
    public var encapsulatedKey: Data
    public var ciphertext: Data

    static let suite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly

    static func info(patient: PatientID, recipient: NodeID) -> Data {
        Data("myolog patient key transport v1\n\(patient.rawValue)\n\(recipient.rawValue)".utf8)
    }

    /// Seals `key` for `recipient`, whose agreement public key is `agreementKey`.
    static func seal(_ key: SymmetricKey, patient: PatientID, to recipient: NodeID, agreementKey: Curve25519.KeyAgreement.PublicKey) throws -> SealedPatientKey {
        var sender = try HPKE.Sender(recipientKey: agreementKey, ciphersuite: suite, info: info(patient: patient, recipient: recipient))
        let ciphertext = try sender.seal(key.withUnsafeBytes { Data($0) })
        return SealedPatientKey(patient: patient, recipient: recipient, encapsulatedKey: sender.encapsulatedKey, ciphertext: ciphertext)
    }

    /// The key, opened with the recipient's agreement private key; nil if it does not open.
    func open(with agreementKey: Curve25519.KeyAgreement.PrivateKey) -> SymmetricKey? {
        guard var recipientContext = try? HPKE.Recipient(privateKey: agreementKey, ciphersuite: Self.suite,
                                                          info: Self.info(patient: patient, recipient: recipient), encapsulatedKey: encapsulatedKey),
              let raw = try? recipientContext.open(ciphertext), raw.count == 32
        else { return nil }
        return SymmetricKey(data: raw)
    }

    /// `{"ciphertext":…,"encapsulatedKey":…,"patient":…,"recipient":…}` (base64), as bundles and
    /// the sync API carry it.
    public var json: JSONValue {
        .object(["patient": .string(patient.rawValue), "recipient": .string(recipient.rawValue),
                 "encapsulatedKey": .string(encapsulatedKey.base64EncodedString()), "ciphertext": .string(ciphertext.base64EncodedString())])
    }

    public init(json: JSONValue) throws(EnvelopeDecodingError) {
        guard case .object(let m) = json, let patient = m["patient"]?.stringValue.flatMap(PatientID.init),
              let recipient = m["recipient"]?.stringValue.flatMap(NodeID.init),
              let encapsulated = m["encapsulatedKey"]?.stringValue.flatMap({ Data(base64Encoded: $0) }),
              let ciphertext = m["ciphertext"]?.stringValue.flatMap({ Data(base64Encoded: $0) }), m.count == 4
        else { throw EnvelopeDecodingError(field: "key", reason: "expected {patient, recipient, encapsulatedKey, ciphertext} (base64)") }
        self.init(patient: patient, recipient: recipient, encapsulatedKey: encapsulated, ciphertext: ciphertext)
    }

    public init(patient: PatientID, recipient: NodeID, encapsulatedKey: Data, ciphertext: Data) {
        self.patient = patient
        self.recipient = recipient
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
    }
}

/// What a store did with the patient keys offered to it.
public struct KeyReceipt: Sendable, Equatable {
    /// Keys stored: their patients' events are readable here now.
    public var stored = 0
    /// Keys of patients erased here: discarded, never stored.
    public var erased = 0
    public init() {}
}
