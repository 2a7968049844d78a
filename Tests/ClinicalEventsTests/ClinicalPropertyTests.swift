import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation
import Testing
import EventModel
import EventSync

/// Seeded, reproducible random workloads: a failing seed is the whole reproduction.
@Suite("Clinical record properties")
struct ClinicalPropertyTests {
    @Test("random writes, good and bad: a refusal changes nothing, a success appends exactly one decodable event, chains verify",
          arguments: 0..<40)
    func randomWorkload(seed: Int) throws {
        let f = try ClinicalFixture()
        var rng = SplitMix64(seed: UInt64(seed))
        var patients = [try f.register()]
        var entries: [EventID] = []
        func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
        // Mostly valid values, sometimes not: the store must tell them apart.
        let scores = ["0", "3", "7", "10", "11", "-1", "seven"]
        let muscles = ["upper trapezius", "QL", "piriformis", "bicep femoris", ""]
        let regions = ["neck", "Lower Back", "hip", "elbowpit"]
        for _ in 0..<60 {
            let before = try f.logBytes()
            let p = pick(patients + ["ffffffff"])
            do {
                let written: EventEnvelope = try f.record.write { s in
                    switch rng.next() % 10 {
                    case 0: return try s.register(.init(name: pick(["Ana", "", "Bo\u{7}"]), dateOfBirth: pick(["1980-01-01", "2999-01-01"])), author: "jo")
                    case 1: return try s.recordTriggerPoint(try IDReference(p), muscle: try Muscle(parsing: pick(muscles)), side: try Side(parsing: pick(["left", "r", "middle"])), author: "alex")
                    case 2: return try s.recordTechnique(try IDReference(p), technique: try Technique(parsing: pick(["cupping", "dry needling", "reiki"])), region: try BodyRegion(parsing: pick(regions)), minutes: try pick([nil, "10", "0"]).map { try TreatmentMinutes($0) }, author: "alex")
                    case 3: return try s.startVisit(try IDReference(p), author: "alex")
                    case 4: return try s.endVisit(try IDReference(p), author: "alex")
                    case 5: return try s.correct(try IDReference(pick(entries.map(\.rawValue) + ["ffffffff"])), fields: pick([["score": pick(scores)], ["muscle": "soleus"], ["note": "x"]]), reason: "fix", author: "alex")
                    case 6: return try s.retract(try IDReference(pick(entries.map(\.rawValue) + ["ffffffff"])), reason: "error", author: pick(["alex", ""]))
                    case 7: return try s.recordHistory(try IDReference(p), kind: try HistoryKind(parsing: pick(["medication", "occupation", "allergy"])), text: "text", author: "alex")
                    default: return try s.recordPain(try IDReference(p), score: try PainScore(pick(scores)), region: try BodyRegion(parsing: pick(regions)), context: try pick([nil, "pre", "sleeping"]).map { try PainContext(parsing: $0) }, author: "alex")
                    }
                }
                let after = try f.logBytes()
                #expect(after.count == before.count + 1)
                #expect(Array(after.prefix(before.count)) == before)
                #expect(try ClinicalEvent.decode(written) != nil)
                if written.type == PatientRegistered.eventType { patients.append(written.patient!.rawValue) }
                if ClinicalEvent.retractableTypes.contains(written.type) { entries.append(written.id) }
            } catch is EventLogError, is ClinicalError {
                #expect(try f.logBytes() == before, "seed \(seed)")
            }
        }
        let check = try f.store.read { try ChainCheck.run($0) }
        #expect(check.totalEvents == (try f.logBytes()).count)
    }

    @Test("the synthetic clinic is deterministic per seed", arguments: [1, 2, 3])
    func syntheticDeterminism(seed: UInt64) throws {
        func contents(_ f: ClinicalFixture) throws -> [String] {
            var lines: [String] = []
            try f.store.read { reader in
                try reader.forEachEvent { lines.append("\($0.type) \($0.patient?.rawValue ?? "-") \(($0.readablePayload ?? "unreadable").replacingOccurrences(of: #""(visit|finding|target|after|precaution)":"[0-9a-f-]+""#, with: "ref", options: .regularExpression))") }
            }
            return Array(lines.dropFirst())  // the NodeEnrolled event differs: each store has its own key
        }
        let a = try ClinicalFixture(), b = try ClinicalFixture()
        let generator = SyntheticClinic(patients: 8, eventsPerPatient: 40, seed: seed)
        try generator.generate(into: a.record)
        try generator.generate(into: b.record)
        let first = try contents(a)
        #expect(first.count == 8 * 40)
        #expect(first == (try contents(b)))
        let other = try ClinicalFixture()
        try SyntheticClinic(patients: 8, eventsPerPatient: 40, seed: seed + 100).generate(into: other.record)
        #expect(first != (try contents(other)))
    }

    @Test("the demo clinic decodes completely and its chain verifies")
    func demoClinic() throws {
        let f = try ClinicalFixture()
        let summary = try DemoClinic.populate(f.record)
        #expect(summary.patients.count == 4)
        var types = Set<String>()
        try f.store.read { reader in
            try reader.forEachEvent { envelope in
                types.insert(envelope.type)
                if envelope.type != SystemEventType.nodeEnrolled { _ = try ClinicalEvent.decode(envelope) }
            }
            _ = try ChainCheck.run(reader)
        }
        // Every type but retention's and the erasure's (and its relay's), which the demo leaves to
        // the operator to try, and the site's zone, which `init` records, not the sample patients.
        let operatorTypes: Set<String> = [SystemEventType.patientErased, ErasureAcknowledged.eventType, RetentionPolicySet.eventType, LegalHoldPlaced.eventType,
                                          LegalHoldReleased.eventType, SiteTimeZoneSet.eventType,
                                          // Sign-off, co-signature and the late-entry rule (issue 33): a clinic's people do them.
                                          VisitSignedOff.eventType, EntryCoSigned.eventType, LateEntryRuleSet.eventType]
        #expect(types.isSuperset(of: ClinicalEvent.payloadTypes.map { $0.eventType }.filter { !operatorTypes.contains($0) }))
    }
}
