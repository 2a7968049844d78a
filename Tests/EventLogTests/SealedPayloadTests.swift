import Crypto

@testable import EventLog
@testable import EventModel
@testable import EventCrypto
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
            #expect(encoded.withUnsafeBufferPointer(Base64.decode) == bytes)
            #expect(encoded.withUnsafeBufferPointer(Base64.decodedCount) == bytes.count)
        }
        for bad in ["A", "AB=C", "A===", "AB*D", "AA==AAAA", "QUI", "QUJ=", "QR==", "QUJDQR=="] {
            #expect(Array(bad.utf8).withUnsafeBufferPointer(Base64.decode) == nil, "\(bad)")
            #expect(Array(bad.utf8).withUnsafeBufferPointer(Base64.decodedCount) == nil, "\(bad)")
        }
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
        for index in 11..<(bytes.count - 2) {
            let original = bytes[index]
            bytes[index] = original == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(SealedPayload.open(String(decoding: bytes, as: UTF8.self), key: key, associatedData: data) == nil, "byte \(index)")
            bytes[index] = original
        }
        #expect(try SealedPayload.seal(plaintext, key: key, associatedData: data) != sealed, "a fresh nonce each time")
    }
}

/// Patient keys offered by a peer: only the patient's own key, sealed to this node, is kept.
@Suite("Patient keys on receipt")
struct PatientKeyReceiptTests {
    let directory = TemporaryDirectory()

    func keyCount(_ store: EventStore) throws -> Int {
        try store.read { try Int.fetchOne($0.database, sql: "SELECT count(*) FROM patient_keys") ?? -1 }
    }

    @Test("refused whole, nothing stored: a key that does not decrypt the patient's events, one sealed for another node; the true key is kept; an erased patient's is discarded")
    func refusals() throws {
        let a = try EventStore.create(at: directory.url("a"), site: "A"), b = try EventStore.create(at: directory.url("b"), site: "B")
        let c = try EventStore.create(at: directory.url("c"), site: "C")
        try a.trustPeer(b.identity.nodeID, name: "B", author: "t")
        try b.trustPeer(a.identity.nodeID, name: "A", author: "t")
        let patient = PatientID.make()
        try a.append([NewEvent(type: "Note", schemaVersion: 1, patient: patient, payload: ["text": "private"])], author: "alex")
        _ = try b.receiveBatch(try a.read { try $0.events(origin: a.identity.nodeID, after: 0, limit: 10) })
        _ = try a.receiveBatch(try b.read { try $0.events(origin: b.identity.nodeID, after: 0, limit: 10) })  // A learns B's agreement key
        #expect(try b.read { try $0.patientsWithoutKeys() } == [patient])
        let agreement = try #require(b.identity.agreementKey?.publicKey)
        let wrong = try SealedPatientKey.Parcel(to: b.identity.nodeID, agreementKey: agreement).seal(SymmetricKey(size: .bits256), patient: patient)
        #expect(throws: EventLogError.self) { try b.receiveSealedKeys([wrong]) }
        let forC = try SealedPatientKey.Parcel(to: c.identity.nodeID, agreementKey: try #require(c.identity.agreementKey?.publicKey)).seal(SymmetricKey(size: .bits256), patient: patient)
        #expect(throws: EventLogError.self) { try b.receiveSealedKeys([forC]) }
        #expect(try keyCount(b) == 0)
        let genuine = try a.read { try $0.sealedKeys(for: [patient], to: b.identity.nodeID) }
        #expect(genuine.count == 1)
        // The genuine wrapped key, moved onto another patient or relabelled for another node,
        // does not open (the patient and recipient are bound into its wrapping).
        var moved = genuine[0]
        moved.patient = PatientID.make()
        #expect(throws: EventLogError.self) { try b.receiveSealedKeys([moved]) }
        var relabelled = genuine[0]
        relabelled.recipient = c.identity.nodeID
        var opener = SealedPatientKey.Opener(agreementKey: try #require(b.identity.agreementKey))
        #expect(opener.open(relabelled) == nil)
        #expect(opener.open(genuine[0]) != nil, "the same opener, the untouched key: it opens")
        #expect(try b.receiveSealedKeys(genuine).stored == 1)
        #expect(try b.read { try $0.events(patient: patient).first?.readablePayload } == #"{"text":"private"}"#)
        // Erased at A; the erasure reaches B; the key offered again is discarded.
        try a.append([NewEvent(type: SystemEventType.patientErased, schemaVersion: 1, patient: patient, payload: ["basis": "request", "reason": "asked"])], author: "po")
        _ = try b.receiveBatch(try a.read { try $0.events(origin: a.identity.nodeID, after: 2, limit: 10) })
        #expect(try keyCount(b) == 0)
        #expect(try b.receiveSealedKeys(genuine) == { var r = KeyReceipt(); r.erased = 1; return r }())
        #expect(try keyCount(b) == 0)
        #expect(try b.read { try $0.events(patient: patient).first?.readablePayload } == nil)
    }
}
