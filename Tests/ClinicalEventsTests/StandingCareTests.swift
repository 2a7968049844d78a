import ClinicalEvents
@testable import ClinicalLog
import EventLog
import EventModel
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
}
