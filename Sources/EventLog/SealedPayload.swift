import Crypto
import Foundation

/// How a payload about a patient is stored: sealed under that patient's own data key, so that
/// destroying the key (``EventStore/erasedType``) destroys the record while the hash chain and the
/// signatures — which cover the sealed bytes — verify forever.
///
/// The stored payload of a sealed event is canonical JSON `{"sealed":"BASE64"}`, where BASE64 is
/// a 12-byte nonce, the AES-GCM-256 ciphertext of the payload's canonical JSON and its 16-byte tag.
/// The associated data binds the ciphertext to its event (id, origin, sequence, patient, type,
/// schema version): a sealed payload copied onto another event does not open.
///
/// Which events are sealed is a rule of the event, not a flag in it: every event with a patient,
/// except the erasure itself (``plaintextTypes``), which must stay readable once the key is gone.
/// A received event that breaks the rule is refused.
public enum SealedPayload {
    /// Patient events stored in plaintext: they carry no personal data by design.
    public static let plaintextTypes: Set<String> = [EventStore.erasedType]

    /// Whether an event of `type` about `patient` is stored sealed.
    public static func applies(type: String, patient: PatientID?) -> Bool {
        patient != nil && !plaintextTypes.contains(type)
    }

    static let prefix = Array(#"{"sealed":""#.utf8)
    static let suffix = Array(#""}"#.utf8)
    static let nonceLength = 12, tagLength = 16

    static func associatedData(id: EventID, origin: NodeID, sequence: Int, patient: PatientID, type: String, schemaVersion: Int) -> Data {
        // Appended piece by piece: an interpolated String here cost as much as the cipher.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160)
        bytes += associatedDataPrefix
        for (index, part) in [id.rawValue, origin.rawValue, String(sequence), patient.rawValue, type, String(schemaVersion)].enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: "\n")) }
            bytes += part.utf8
        }
        return Data(bytes)
    }

    static let associatedDataPrefix = Array("myolog sealed payload v1\n".utf8)

    static func associatedData(of event: EventEnvelope) -> Data? {
        event.patient.map { associatedData(id: event.id, origin: event.origin, sequence: event.sequence, patient: $0, type: event.type, schemaVersion: event.schemaVersion) }
    }

    /// The stored form of `plaintext` (canonical JSON) sealed under `key`, with a fresh nonce.
    static func seal(_ plaintext: String, key: SymmetricKey, associatedData: Data, nonce: AES.GCM.Nonce = AES.GCM.Nonce()) throws -> String {
        var plain = plaintext
        let box = try plain.withUTF8 { try AES.GCM.seal($0, using: key, nonce: nonce, authenticating: associatedData) }
        var bytes = prefix
        bytes.reserveCapacity(prefix.count + (nonceLength + box.ciphertext.count + tagLength + 2) / 3 * 4 + suffix.count)
        // nonce ‖ ciphertext ‖ tag, the order AES.GCM.SealedBox(combined:) reads.
        Base64.encode(nonce.withUnsafeBytes { Array($0) } + box.ciphertext + box.tag, into: &bytes)
        bytes += suffix
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The sealed bytes of a stored payload, or nil when it is not of the sealed form.
    static func sealedBytes(of stored: String) -> [UInt8]? {
        var text = stored
        return text.withUTF8 { bytes -> [UInt8]? in
            guard bytes.count > prefix.count + suffix.count, bytes.starts(with: prefix), bytes.suffix(suffix.count).elementsEqual(suffix),
                  let data = Base64.decode(bytes[prefix.count..<(bytes.count - suffix.count)]), data.count >= nonceLength + tagLength
            else { return nil }
            return data
        }
    }

    /// Whether `stored` has the sealed form (not whether it opens).
    public static func isSealedForm(_ stored: String) -> Bool { sealedBytes(of: stored) != nil }

    /// The plaintext, or nil when the key is wrong or the bytes were altered.
    static func open(_ stored: String, key: SymmetricKey, associatedData: Data) -> String? {
        guard let data = sealedBytes(of: stored),
              let nonce = try? AES.GCM.Nonce(data: data[0..<nonceLength]),
              let box = try? AES.GCM.SealedBox(nonce: nonce, ciphertext: data[nonceLength..<(data.count - tagLength)], tag: data[(data.count - tagLength)...]),
              let plain = try? AES.GCM.open(box, using: key, authenticating: associatedData)
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}
