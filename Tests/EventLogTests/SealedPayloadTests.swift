import Crypto
@testable import EventLog
import Foundation
import Testing
import MyologTestSupport

/// The sealed payload form: base64 in place agrees with Foundation's; a payload opens only with
/// its key, for its own event, unaltered.
@Suite("Sealed payloads")
struct SealedPayloadTests {
    @Test("base64 in place equals Foundation's both ways, and refuses what is not canonical base64 (seeded)", arguments: [UInt64(1), 2, 3])
    func base64(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var encoded: [UInt8] = []
            Base64.encode(bytes, into: &encoded)
            #expect(String(decoding: encoded, as: UTF8.self) == Data(bytes).base64EncodedString())
            #expect(Base64.decode(encoded) == bytes)
        }
        for bad in ["A", "AB=C", "A===", "AB*D", "AA==AAAA", "QUI"] { #expect(Base64.decode(Array(bad.utf8)) == nil, "\(bad)") }
    }

    @Test("a sealed payload opens with its key and its event's data only; any altered byte refuses")
    func sealing() throws {
        let key = SymmetricKey(size: .bits256), other = SymmetricKey(size: .bits256)
        let patient = PatientID.make(), id = EventID.make(), origin = NodeID(String(repeating: "a", count: 16))!
        let data = SealedPayload.associatedData(id: id, origin: origin, sequence: 7, patient: patient, type: "PainScoreRecorded", schemaVersion: 2)
        let plaintext = #"{"context":"pre","region":"neck","score":7}"#
        let sealed = try SealedPayload.seal(plaintext, key: key, associatedData: data)
        #expect(sealed.hasPrefix(#"{"sealed":""#) && !sealed.contains("neck"))
        #expect(CanonicalJSON.isCanonical(Array(sealed.utf8)))
        #expect(SealedPayload.open(sealed, key: key, associatedData: data) == plaintext)
        #expect(SealedPayload.open(sealed, key: other, associatedData: data) == nil)
        let elsewhere = SealedPayload.associatedData(id: EventID.make(), origin: origin, sequence: 7, patient: patient, type: "PainScoreRecorded", schemaVersion: 2)
        #expect(SealedPayload.open(sealed, key: key, associatedData: elsewhere) == nil, "copied onto another event, it does not open")
        var bytes = Array(sealed.utf8)
        for index in 11..<(bytes.count - 2) where index % 7 == 0 {
            let original = bytes[index]
            bytes[index] = original == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(SealedPayload.open(String(decoding: bytes, as: UTF8.self), key: key, associatedData: data) == nil, "byte \(index)")
            bytes[index] = original
        }
        #expect(try SealedPayload.seal(plaintext, key: key, associatedData: data) != sealed, "a fresh nonce each time")
    }
}
