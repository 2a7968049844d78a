import Crypto
import Foundation
import EventModel

/// How a payload about a patient is stored: sealed under that patient's own data key, so that
/// destroying the key (`SystemEventType.patientErased`) destroys the record while the hash chain and the
/// signatures — which cover the sealed bytes — verify forever.
///
/// The stored payload of a sealed event is canonical JSON `{"sealed":"BASE64"}`, where BASE64 is
/// a 12-byte nonce, the AES-GCM-256 ciphertext of the payload's canonical JSON and its 16-byte tag.
/// The associated data binds the ciphertext to its event (id, origin, sequence, patient, type,
/// schema version): a sealed payload copied onto another event does not open.
///
/// Which events are sealed is a rule of the event, not a flag in it: every event with a patient,
/// except the erasure itself (`SystemEventType.plaintext`), which must stay readable once the key
/// is gone (`EventEnvelope.isSealed(type:patient:)`). A received event that breaks the rule is refused.
public enum SealedPayload {
    static let prefix = Array(#"{"sealed":""#.utf8)
    static let suffix = Array(#""}"#.utf8)
    static let nonceLength = 12, tagLength = 16

    package static func associatedData(id: EventID, origin: NodeID, sequence: Int, patient: PatientID, type: String, schemaVersion: Int) -> [UInt8] {
        // Appended piece by piece into one buffer (bytes, not `Data`, which the cipher takes as
        // it is): an interpolated String here cost as much as the cipher.
        var bytes = associatedDataPrefix
        bytes.reserveCapacity(associatedDataPrefix.count + 160)
        bytes += id.rawValue.utf8
        bytes.append(UInt8(ascii: "\n"))
        bytes += origin.rawValue.utf8
        bytes.append(UInt8(ascii: "\n"))
        appendDecimal(sequence, to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        bytes += patient.rawValue.utf8
        bytes.append(UInt8(ascii: "\n"))
        bytes += type.utf8
        bytes.append(UInt8(ascii: "\n"))
        appendDecimal(schemaVersion, to: &bytes)
        return bytes
    }

    /// `String(value).utf8` without the String.
    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude, digits: [UInt8] = []
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes += digits.reversed()
    }

    static let associatedDataPrefix = Array("myolog sealed payload v1\n".utf8)

    package static func associatedData(of event: EventEnvelope) -> [UInt8]? {
        event.patient.map { associatedData(id: event.id, origin: event.origin, sequence: event.sequence, patient: $0, type: event.type, schemaVersion: event.schemaVersion) }
    }

    /// The stored form of `plaintext` (canonical JSON) sealed under `key`, with a fresh nonce.
    package static func seal(_ plaintext: String, key: SymmetricKey, associatedData: [UInt8], nonce: AES.GCM.Nonce = AES.GCM.Nonce()) throws -> String {
        var plain = plaintext
        let box = try plain.withUTF8 { try AES.GCM.seal($0, using: key, nonce: nonce, authenticating: associatedData) }
        // nonce ‖ ciphertext ‖ tag, the order AES.GCM.SealedBox(combined:) reads: the box holds
        // them so already (`combined`, present for the 12-byte nonces used here), encoded in
        // place into the string's own storage.
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return combined.withUnsafeBytes { combined in
            String(unsafeUninitializedCapacity: prefix.count + Base64.encodedCount(of: combined.count) + suffix.count) { text in
                var written = text.initialize(fromContentsOf: prefix)
                written += Base64.encode(combined, into: UnsafeMutableBufferPointer(rebasing: text[written...]))
                return written + UnsafeMutableBufferPointer(rebasing: text[written...]).initialize(fromContentsOf: suffix)
            }
        }
    }

    /// The sealed bytes of a stored payload, or nil when it is not of the sealed form.
    static func sealedBytes(of stored: String) -> [UInt8]? {
        var text = stored
        return text.withUTF8 { bytes -> [UInt8]? in
            guard let body = body(of: bytes), let data = Base64.decode(body), data.count >= nonceLength + tagLength else { return nil }
            return data
        }
    }

    /// Whether `stored` has the sealed form (not whether it opens).
    ///
    /// - Parameter stored: A stored payload's canonical JSON.
    /// - Returns: Whether it is `{"sealed":"…"}`.
    public static func isSealedForm(_ stored: String) -> Bool {
        var text = stored
        return text.withUTF8 { bytes -> Bool in
            guard let body = body(of: bytes) else { return false }
            return (Base64.decodedCount(body) ?? 0) >= nonceLength + tagLength
        }
    }

    /// The base64 between the sealed form's prefix and suffix.
    private static func body(of bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard bytes.count > prefix.count + suffix.count, bytes.starts(with: prefix), bytes.suffix(suffix.count).elementsEqual(suffix) else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[prefix.count..<(bytes.count - suffix.count)])
    }

    /// The plaintext, or nil when the key is wrong or the bytes were altered.
    static func open(_ stored: String, key: SymmetricKey, associatedData: [UInt8]) -> String? {
        // The stored bytes are already nonce ‖ ciphertext ‖ tag: the box takes them whole rather
        // than being rebuilt from three copied pieces.
        guard let data = sealedBytes(of: stored),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key, authenticating: associatedData)
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}

extension SealedPayload {
    /// `event` with its payload opened with `key` (any thread); unchanged when it is not sealed,
    /// no key is given, or the key does not open it (then `openedPayload` stays nil).
    ///
    /// - Parameters:
    ///   - event: A stored or received event.
    ///   - key: The patient's data key, if held.
    /// - Returns: The event, with `EventEnvelope.openedPayload` set when the key opened it.
    public static func opened(_ event: EventEnvelope, key: SymmetricKey?) -> EventEnvelope {
        guard event.isSealed, let key, let data = SealedPayload.associatedData(of: event) else { return event }
        var opened = event
        opened.openedPayload = SealedPayload.open(event.payload, key: key, associatedData: data)
        return opened
    }
}
