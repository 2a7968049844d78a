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
        Data("myolog sealed payload v1\n\(id.rawValue)\n\(origin.rawValue)\n\(sequence)\n\(patient.rawValue)\n\(type)\n\(schemaVersion)".utf8)
    }

    static func associatedData(of event: EventEnvelope) -> Data? {
        event.patient.map { associatedData(id: event.id, origin: event.origin, sequence: event.sequence, patient: $0, type: event.type, schemaVersion: event.schemaVersion) }
    }

    /// The stored form of `plaintext` (canonical JSON) sealed under `key`, with a fresh nonce.
    static func seal(_ plaintext: String, key: SymmetricKey, associatedData: Data) throws -> String {
        let box = try AES.GCM.seal(Array(plaintext.utf8), using: key, nonce: AES.GCM.Nonce(), authenticating: associatedData)
        guard let combined = box.combined else { throw EventLogError.damagedStore(path: "", reason: "AES-GCM gave no combined form") }
        return String(decoding: prefix, as: UTF8.self) + combined.base64EncodedString() + String(decoding: suffix, as: UTF8.self)
    }

    /// The sealed bytes of a stored payload, or nil when it is not of the sealed form.
    static func sealedBytes(of stored: String) -> Data? {
        let bytes = Array(stored.utf8)
        guard bytes.count > prefix.count + suffix.count, bytes.starts(with: prefix), bytes.suffix(suffix.count).elementsEqual(suffix),
              let data = Data(base64Encoded: Data(bytes[prefix.count..<(bytes.count - suffix.count)])),
              data.count >= nonceLength + tagLength
        else { return nil }
        return data
    }

    /// Whether `stored` has the sealed form (not whether it opens).
    public static func isSealedForm(_ stored: String) -> Bool { sealedBytes(of: stored) != nil }

    /// The plaintext, or nil when the key is wrong or the bytes were altered.
    static func open(_ stored: String, key: SymmetricKey, associatedData: Data) -> String? {
        guard let data = sealedBytes(of: stored), let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key, authenticating: associatedData)
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}
