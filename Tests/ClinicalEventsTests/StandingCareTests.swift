import ClinicalEvents
@testable import ClinicalLog
import EventLog
import EventModel
import EventSync
import MyologTestSupport
import Testing

/// The records of care a session remembers within its transaction, extended as it writes,
/// against a fresh read after every step: what a check sees never differs from what a new
/// session over the same transaction would read.
@Suite("Standing consent and precautions: remembered and extended = read afresh")
struct StandingCareTests {
    @Test("a seeded mix of consents given and withdrawn, precautions recorded and resolved, retractions and corrections in one transaction",
          arguments: 0..<24)
    func rememberedMatchesFresh(seed: Int) throws {
        let f = try ClinicalFixture()
        var rng = SplitMix64(seed: UInt64(seed))
        let patients = [try IDReference(try f.register()), try IDReference(try f.register("Mia Tanaka"))]
        func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
        try f.record.write { s in
            var written: [EventID] = []
            var compared = 0
            for _ in 0..<50 {
                let p = pick(patients)
                // Each step may be refused (nothing to withdraw, an alert not acknowledged, …): a
                // refusal appends nothing, and the comparison still runs.
                let event: EventEnvelope? = try? {
                    switch rng.next() % 8 {
                    case 0: return try s.recordConsent(p, technique: try Technique(parsing: pick(["cupping", "dry-needling"])), form: try ConsentForm(parsing: "verbal"), author: "alex")
                    case 1: return try s.withdrawConsent(p, technique: try Technique(parsing: pick(["cupping", "dry-needling"])), author: "alex")
                    case 2: return try s.recordPrecaution(p, kind: try PrecautionKind(parsing: pick(["blood thinner", "pregnancy"])), author: "alex")
                    case 3: return try s.resolvePrecaution(IDReference(pick(written + [EventID.make(at: .now())]).rawValue), author: "alex")
                    case 4: return try s.retract(IDReference(pick(written + [EventID.make(at: .now())]).rawValue), reason: "error", author: "alex")
                    case 5: return try s.correct(IDReference(pick(written + [EventID.make(at: .now())]).rawValue), fields: ["note": "corrected"], reason: "fix", author: "alex")
                    default: return try s.recordTechnique(p, technique: try Technique(parsing: pick(["cupping", "dry-needling", "myofascial-release"])),
                                                          region: try BodyRegion(parsing: "neck"), acknowledgePrecautions: rng.next() % 2 == 0, author: "alex")
                    }
                }()
                if let event { written.append(event.id) }
                let fresh = ClinicalSession(transaction: s.transaction, input: s.input)
                for patient in patients.map({ PatientID($0.text)! }) {
                    let (consents, freshConsents) = (try s.consentedTechniques(of: patient), try fresh.consentedTechniques(of: patient))
                    let (precautions, freshPrecautions) = (try s.activePrecautions(of: patient).map(\.id), try fresh.activePrecautions(of: patient).map(\.id))
                    #expect(consents == freshConsents, "seed \(seed)")
                    #expect(precautions == freshPrecautions, "seed \(seed)")
                    compared += 1
                }
            }
            #expect(written.count >= 10, "seed \(seed): only \(written.count) steps were written, too few to exercise the cache")
            #expect(compared == 100)
        }
    }

    @Test("records the session writes extend what it remembers without reading the store again; a retraction has it read afresh")
    func extendedWithoutReading() throws {
        let f = try ClinicalFixture()
        let p = try IDReference(try f.register())
        let patient = PatientID(p.text)!
        try f.record.write { s in
            #expect(try s.consentedTechniques(of: patient) == [])
            #expect(try s.activePrecautions(of: patient).isEmpty)
            let reads = s.standingReads
            #expect(reads == 2, "one read each of consents and precautions")
            // Two records written before the next question: both extend the answer, in order.
            try s.recordConsent(p, technique: "cupping", form: "verbal", author: "alex")
            let needling = try s.recordConsent(p, technique: "dry-needling", form: "written", author: "alex")
            let precaution = try s.recordPrecaution(p, kind: "pregnancy", author: "alex")
            try s.recordTechnique(p, technique: "cupping", region: "neck", acknowledgePrecautions: true, author: "alex")
            #expect(try s.consentedTechniques(of: patient) == ["cupping", "dry-needling"])
            #expect(try s.activePrecautions(of: patient).map(\.id) == [precaution.id])
            #expect(s.standingReads == reads, "the records written here were not read back")
            try s.retract(IDReference(needling.id), reason: "Wrong patient", author: "alex")
            #expect(try s.consentedTechniques(of: patient) == ["cupping"])
            #expect(s.standingReads == reads + 1, "a retraction has the consents read afresh")
        }
    }

    @Test("once the transaction has received events (its own may come back from a peer after their retraction), what stands is read afresh")
    func receivedMeansReadAgain() throws {
        let f = try ClinicalFixture()
        let peerScratch = TemporaryDirectory("standing-peer")
        let peer = try EventStore.create(at: peerScratch.url("peer"), site: "Peer clinic")
        _ = try f.store.trustPeer(peer.identity.nodeID, name: "peer", author: "test")
        let offered = try peer.read { try $0.events(origin: peer.identity.nodeID, after: 0, limit: 10) }
        let p = try IDReference(try f.register())
        let patient = PatientID(p.text)!
        try f.record.write { s in
            #expect(try s.consentedTechniques(of: patient) == [])
            let reads = s.standingReads
            let summary = try s.transaction.receiveAll(offered)
            #expect(summary.stored.values.reduce(0, +) == offered.count && s.transaction.receivedCount == offered.count)
            try s.recordConsent(p, technique: "cupping", form: "verbal", author: "alex")
            #expect(try s.consentedTechniques(of: patient) == ["cupping"])
            #expect(s.standingReads == reads + 1, "received events: the answer is read afresh, not extended")
            try s.recordConsent(p, technique: "dry-needling", form: "verbal", author: "alex")
            #expect(try s.consentedTechniques(of: patient) == ["cupping", "dry-needling"])
            #expect(s.standingReads == reads + 1, "nothing received since: extended again")
        }
    }
}
