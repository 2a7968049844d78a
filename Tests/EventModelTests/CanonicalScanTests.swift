@testable import EventModel
import Foundation
import Testing
import MyologTestSupport

/// The one-pass envelope scan (bundles, HTTP batches) against the reference reader: whatever
/// the scan accepts, the reference accepts as the same envelope; it only ever declines more.
@Suite("Canonical envelope lines: the one-pass scan agrees with the parser")
struct CanonicalScanTests {
    func envelope(_ rng: inout SeededGenerator, signed: Bool) -> EventEnvelope {
        let node = NodeID(String((0..<16).map { _ in Array("abcdefghijklmnopqrstuvwxyz234567")[Int(rng.next() % 32)] }))!
        let sequence = Int(rng.next() % 1000) + 1
        let authors = ["alex", "Zoë Ng", "o'brien", "quote\"d", "back\\slash", "tab\there", "", "日本語", "line\nbreak"]
        let payloads: [JSONValue] = [["score": 4, "region": "neck", "context": "pre"], [:], ["text": "quote \" and \\ and \u{1}"], ["fields": ["a": nil, "b": [1, -2]]]]
        var clock = VectorClock([node: sequence])
        if rng.next() % 2 == 0 { clock[NodeID("aaaaaaaaaaaaaaaa")!] = Int(rng.next() % 50) + 1 }
        let when = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000 + Int64(rng.next() % 100_000_000_000))
        var event = EventEnvelope(
            id: EventID.make(at: when), origin: node, sequence: sequence, clock: clock, lamport: Int(rng.next() % 5000) + 1, recordedAt: when,
            occurredAt: rng.next() % 2 == 0 ? when : Timestamp(millisecondsSinceEpoch: when.millisecondsSinceEpoch - 60_000),
            author: authors[Int(rng.next() % UInt64(authors.count))], patient: rng.next() % 3 == 0 ? nil : PatientID.make(),
            type: ["PainScoreRecorded", "NodeEnrolled", "Type \"odd\""][Int(rng.next() % 3)], schemaVersion: Int(rng.next() % 3) + 1,
            payload: payloads[Int(rng.next() % UInt64(payloads.count))].canonicalString,
            prevHash: sequence == 1 ? nil : EventHash(Hex.encode((0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) })),
            hash: EventHash(unchecked: ""))
        event.hash = event.computedHash
        if signed { event.signature = ChainSignature(bytes: (0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
        return event
    }

    @Test("valid lines: the scan reads what the parser reads; damaged lines: the scan never accepts what the parser refuses (seeded)", arguments: 0..<20)
    func agrees(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed))
        var scanned = 0
        for _ in 0..<200 {
            let event = envelope(&rng, signed: rng.next() % 2 == 0)
            let line = event.canonicalBytes(includingHash: true)
            let reference = try EventEnvelope(parsingCanonicalLine: line)
            #expect(reference == event)
            if let fast = EventEnvelope.scanCanonical(line) {
                #expect(fast == reference)
                scanned += 1
            }
            // One byte changed, inserted or removed: whatever the scan accepts, the parser accepts alike.
            for _ in 0..<20 {
                var damaged = line
                let at = Int(rng.next() % UInt64(damaged.count))
                switch rng.next() % 3 {
                case 0: damaged[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: damaged.insert([UInt8(ascii: " "), UInt8(ascii: "0"), UInt8(ascii: "\\"), UInt8(ascii: ","), 0x7F, 0xC3][Int(rng.next() % 6)], at: at)
                default: damaged.remove(at: at)
                }
                guard let fast = EventEnvelope.scanCanonical(damaged) else { continue }
                #expect(try EventEnvelope(parsingCanonicalLine: damaged) == fast, "\(String(decoding: damaged, as: UTF8.self))")
            }
        }
        // Lines without escapes (most) take the scan: it is not a path that never runs.
        #expect(scanned > 40, "only \(scanned) of 200 lines were scanned")
    }
}
