@testable import EventModel
@testable import EventCrypto
import Foundation
import Testing
import MyologTestSupport

@Suite("Identifiers")
struct IdentifierTests {
    @Test("UUIDv7 ids carry version 7 and the RFC 9562 variant, and strictly increase")
    func uuidV7() {
        var previous: EventID?
        let now = Timestamp.now()
        for _ in 0..<10_000 {
            let id = EventID.make(at: now)
            let hex = Array(id.rawValue.replacingOccurrences(of: "-", with: ""))
            #expect(hex[12] == "7")
            #expect("89ab".contains(hex[16]))
            if let previous { #expect(previous < id) }
            previous = id
        }
    }

    @Test("the id's first 48 bits are the millisecond timestamp")
    func uuidV7Time() {
        let t = Timestamp(millisecondsSinceEpoch: 1_772_529_300_123)
        let id = EventID.make(at: Timestamp(millisecondsSinceEpoch: t.millisecondsSinceEpoch + 10_000_000))
        let prefix = id.rawValue.replacingOccurrences(of: "-", with: "").prefix(12)
        #expect(Int64(prefix, radix: 16) ?? 0 >= t.millisecondsSinceEpoch + 10_000_000)
    }

    @Test("patient ids are random version-4 UUIDs, reproducible from a seeded generator")
    func patientIDs() {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let first = PatientID.make(using: &a)
        #expect(first == PatientID.make(using: &b))
        #expect(Array(first.rawValue)[14] == "4")
        #expect(PatientID.make() != PatientID.make())
    }

    @Test("base32 follows RFC 4648 (lower case, no padding)")
    func base32() {
        #expect(Base32.encode(Array("foobar".utf8)) == "mzxw6ytboi")
        #expect(Base32.encode(Array("f".utf8)) == "my")
        #expect(Base32.encode([]) == "")
    }

    @Test("a node id is base32 of the first 10 bytes of SHA-256 of the public key")
    func nodeID() {
        let key = Data(repeating: 0, count: 32)
        // sha256(32 zero bytes) = 66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925
        let expected = Base32.encode([0x66, 0x68, 0x7a, 0xad, 0xf8, 0x62, 0xbd, 0x77, 0x6c, 0x8f])
        #expect(NodeIdentity.nodeID(forPublicKey: key).rawValue == expected)
        #expect(expected.count == 16)
    }

    @Test("malformed ids are refused")
    func refusals() {
        #expect(EventID("0194F3A2-7C1E-7D2A-9B1C-2F3E4D5C6B7A") == nil)  // upper case
        #expect(EventID("0194f3a2-7c1e-7d2a-9b1c-2f3e4d5c6b7") == nil)
        #expect(NodeID("ABCDEFGHIJKLMNOP") == nil)
        #expect(EventHash(String(repeating: "g", count: 64)) == nil)
    }
}
