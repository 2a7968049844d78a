import Crypto
import Foundation
import EventModel

/// One patient's data key on its way to another node: sealed to that node alone, under HPKE
/// (RFC 9180: X25519-HKDF-SHA256, ChaCha20-Poly1305) to the `agreementKey` the node published in
/// its signed `NodeEnrolled`.
///
/// Keys travel in parcels: one HPKE encapsulation to the recipient (`encapsulatedKey`, the same
/// for every key of a parcel) and, for each patient, a wrapping key exported from it with the
/// patient bound in (HPKE's secret export, RFC 9180 §5.3), under which ChaCha20-Poly1305 seals
/// the patient's key with the patient and the recipient as associated data. One X25519 agreement
/// per parcel at each end instead of one per patient — which was a twentieth of an initial sync.
///
/// Only the recipient's node key opens it; a wrapped key moved onto another patient does not
/// open; and a receiver accepts a key only when it opens events of that patient
/// (`AppendTransaction.receiveKeys(_:)`), so a key that is not the patient's is refused however
/// it was made.
public struct SealedPatientKey: Sendable, Equatable {
    public var patient: PatientID
    public var recipient: NodeID
    public var encapsulatedKey: Data
    public var ciphertext: Data

    static let suite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly

    static func info(recipient: NodeID) -> Data {
        Data("myolog patient key parcel v2\n\(recipient.rawValue)".utf8)
    }

    static func exportContext(patient: PatientID) -> Data {
        Data("patient key\n\(patient.rawValue)".utf8)
    }

    package static func associatedData(patient: PatientID, recipient: NodeID) -> Data {
        Data("\(patient.rawValue)\n\(recipient.rawValue)".utf8)
    }

    /// Seals patients' keys for one recipient, all under one HPKE encapsulation.
    package struct Parcel {
        package let recipient: NodeID
        private let sender: HPKE.Sender

        /// A parcel for `recipient`, whose agreement public key is `agreementKey`.
        package init(to recipient: NodeID, agreementKey: Curve25519.KeyAgreement.PublicKey) throws {
            self.recipient = recipient
            sender = try HPKE.Sender(recipientKey: agreementKey, ciphersuite: SealedPatientKey.suite, info: SealedPatientKey.info(recipient: recipient))
        }

        /// `key`, the data key of `patient`, sealed into this parcel.
        package func seal(_ key: SymmetricKey, patient: PatientID) throws -> SealedPatientKey {
            let wrapping = try sender.exportSecret(context: SealedPatientKey.exportContext(patient: patient), outputByteCount: 32)
            let box = try ChaChaPoly.seal(key.withUnsafeBytes { Data($0) }, using: wrapping,
                                          authenticating: SealedPatientKey.associatedData(patient: patient, recipient: recipient))
            return SealedPatientKey(patient: patient, recipient: recipient, encapsulatedKey: sender.encapsulatedKey, ciphertext: box.combined)
        }
    }

    /// Opens sealed keys with the recipient's agreement private key, one HPKE decapsulation per
    /// parcel met (kept for the opener's life: one receipt of keys).
    struct Opener {
        private let agreementKey: Curve25519.KeyAgreement.PrivateKey
        /// By encapsulation and the recipient named: HPKE's setup does not check `info`, so a
        /// context made for a wrongly named recipient must not serve a correctly named one.
        private var parcels: [ParcelID: HPKE.Recipient] = [:]
        private struct ParcelID: Hashable {
            var encapsulatedKey: Data
            var recipient: NodeID
        }

        init(agreementKey: Curve25519.KeyAgreement.PrivateKey) {
            self.agreementKey = agreementKey
        }

        /// The key, or nil if it does not open (another recipient, another patient, altered).
        mutating func open(_ sealed: SealedPatientKey) -> SymmetricKey? {
            let recipient: HPKE.Recipient, parcel = ParcelID(encapsulatedKey: sealed.encapsulatedKey, recipient: sealed.recipient)
            if let known = parcels[parcel] {
                recipient = known
            } else {
                guard let opened = try? HPKE.Recipient(privateKey: agreementKey, ciphersuite: SealedPatientKey.suite,
                                                       info: SealedPatientKey.info(recipient: sealed.recipient), encapsulatedKey: sealed.encapsulatedKey)
                else { return nil }
                parcels[parcel] = opened
                recipient = opened
            }
            guard let wrapping = try? recipient.exportSecret(context: SealedPatientKey.exportContext(patient: sealed.patient), outputByteCount: 32),
                  let box = try? ChaChaPoly.SealedBox(combined: sealed.ciphertext),
                  let raw = try? ChaChaPoly.open(box, using: wrapping, authenticating: SealedPatientKey.associatedData(patient: sealed.patient, recipient: sealed.recipient)),
                  raw.count == 32
            else { return nil }
            return SymmetricKey(data: raw)
        }
    }

    /// `{"ciphertext":…,"encapsulatedKey":…,"patient":…,"recipient":…}` (base64), as bundles and
    /// the sync API carry it.
    public var json: JSONValue {
        .object(["patient": .string(patient.rawValue), "recipient": .string(recipient.rawValue),
                 "encapsulatedKey": .string(encapsulatedKey.base64EncodedString()), "ciphertext": .string(ciphertext.base64EncodedString())])
    }

    /// Reads a sealed key back from the JSON bundles and the sync API carry.
    ///
    /// - Parameter json: The object ``json`` writes.
    /// - Throws: `EnvelopeDecodingError` naming the member missing or malformed.
    public init(json: JSONValue) throws(EnvelopeDecodingError) {
        guard case .object(let m) = json, let patient = m["patient"]?.stringValue.flatMap(PatientID.init),
              let recipient = m["recipient"]?.stringValue.flatMap(NodeID.init),
              let encapsulated = m["encapsulatedKey"]?.stringValue.flatMap({ Data(base64Encoded: $0) }),
              let ciphertext = m["ciphertext"]?.stringValue.flatMap({ Data(base64Encoded: $0) }), m.count == 4
        else { throw EnvelopeDecodingError(.mistyped, field: "key", reason: "expected {patient, recipient, encapsulatedKey, ciphertext} (base64)") }
        self.init(patient: patient, recipient: recipient, encapsulatedKey: encapsulated, ciphertext: ciphertext)
    }

    /// A sealed key from its parts, as received; nothing is checked until it is opened.
    ///
    /// - Parameters:
    ///   - patient: Whose key it is.
    ///   - recipient: The only node that can open it.
    ///   - encapsulatedKey: The parcel's HPKE encapsulated key.
    ///   - ciphertext: The sealed key and its tag.
    public init(patient: PatientID, recipient: NodeID, encapsulatedKey: Data, ciphertext: Data) {
        self.patient = patient
        self.recipient = recipient
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
    }
}
