import ClinicalEvents
import ClinicalFold
@testable import EventLog
@testable import EventModel
import GRDB
@testable import Projections
import Testing

/// What `show` lists under each visit (``VisitSummary``), and the corrections it marks
/// (``EntryCorrection``): grouped by the visit each entry names, and the same from the stored
/// rows — applied in place or rebuilt — as from the fold.
@Suite("Visit summaries")
struct VisitSummaryTests {
    /// A first consultation and a follow-up: entries recorded during each, one outside any visit,
    /// a trigger point found at the first and resolved at the second, corrections by another user.
    @Test("a visit holds what was recorded during it: techniques, findings, resolutions, pain before → after, its closing note")
    func groupsByVisit() throws {
        var clinic = SimulatedClinic(nodes: 2, seed: 11)
        let patient = PatientID.make()
        _ = clinic.write(on: 0, patient: patient, PatientRegistered(name: "Mia", dateOfBirth: CivilDate(year: 1988, month: 4, day: 12)!))
        let first = clinic.write(on: 0, patient: patient, VisitStarted(reason: "Neck pain after night shifts"))
        _ = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 7, region: "neck", context: "pre", visit: first.id))
        let tp = clinic.write(on: 0, patient: patient, TriggerPointFound(muscle: "upper-trapezius", side: "right", status: "active", referral: "head",
                                                                         note: "taut band", visit: first.id))
        let needling = clinic.write(on: 0, patient: patient, TechniqueApplied(technique: "dry-needling", region: "neck", minutes: 40,
                                                                              note: "2 needles R UT, LTR x2", visit: first.id))
        _ = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 4, region: "neck", context: "post", visit: first.id))
        let end = clinic.write(on: 0, patient: patient, VisitEnded(visit: first.id, note: "Heat, stretches twice daily; review in a week"))
        _ = clinic.write(on: 0, patient: patient, TechniqueApplied(technique: "cupping", region: "neck"))  // at no visit
        clinic.sync(0, into: 1)
        _ = clinic.write(on: 1, patient: patient, EntryCorrected(target: needling.id, fields: ["minutes": 50], reason: "timer said 50"))
        _ = clinic.write(on: 1, patient: patient, EntryCorrected(target: end.id, fields: ["note": "Heat; review in 5 days"], reason: "plan changed"))
        let second = clinic.write(on: 1, patient: patient, VisitStarted(reason: "Follow-up"))
        _ = clinic.write(on: 1, patient: patient, TriggerPointResolved(finding: tp.id, note: "no longer tender", visit: second.id))
        _ = clinic.write(on: 1, patient: patient, PainScoreRecorded(score: 3, region: "neck", context: "pre", visit: second.id))

        let view = try PatientFold.fold(patient, events: clinic.nodes[1].known).view
        #expect(view.visitSummaries.map(\.visit.eventId) == [second.id, first.id], "newest first")
        let followUp = view.visitSummaries[0], consultation = view.visitSummaries[1]
        #expect(followUp.ends.isEmpty && followUp.techniques.isEmpty && followUp.findings.isEmpty)
        #expect(followUp.resolved.map(\.found.eventId) == [tp.id])
        #expect(followUp.resolved.first?.resolution?.payload.note == "no longer tender")
        #expect(followUp.painChanges.map(\.region) == ["neck"])
        #expect(followUp.painChanges.map { [$0.before?.payload.score, $0.after?.payload.score] } == [[3, nil]])

        #expect(consultation.visit.payload.reason == "Neck pain after night shifts")
        #expect(consultation.techniques.map(\.payload.technique) == ["dry-needling"], "the cupping at no visit belongs to none")
        #expect(consultation.techniques.first?.payload.minutes == 50)
        let correction = try #require(consultation.techniques.first?.corrections.first)
        #expect(correction.author == "user1" && correction.reason == "timer said 50" && correction.fields == ["minutes"])
        #expect(consultation.techniques.first?.isCorrected("minutes") == true && consultation.techniques.first?.isCorrected("note") == false)
        #expect(consultation.findings.map(\.found.eventId) == [tp.id])
        #expect(consultation.findings.first?.resolution?.payload.visit == second.id, "found at the first visit, resolved at the second")
        #expect(consultation.resolved.isEmpty)
        #expect(consultation.painChanges.map { [$0.before?.payload.score, $0.after?.payload.score] } == [[7, 4]])
        #expect(consultation.ends.map(\.payload.note) == ["Heat; review in 5 days"])
        #expect(consultation.ends.first?.corrections.map(\.reason) == ["plan changed"])
    }

    /// Random histories whose entries name their visits, with visit ends, resolutions, corrections
    /// of their notes and retractions of visits, trigger points, ends and resolutions.
    func visitWorkload(seed: UInt64) -> SimulatedClinic {
        var clinic = SimulatedClinic(nodes: 2 + Int(seed % 2), seed: seed)
        let patients = (0..<(1 + Int(seed % 3))).map { _ in PatientID.make() }
        for (n, patient) in patients.enumerated() {
            _ = clinic.write(on: 0, patient: patient, PatientRegistered(name: "Patient \(n)", dateOfBirth: CivilDate(year: 1980, month: 1, day: 2)!))
        }
        for node in clinic.nodes.indices.dropFirst() { clinic.sync(0, into: node) }
        for _ in 0..<(80 + Int(seed % 4) * 20) {
            let node = Int(clinic.rng.next() % UInt64(clinic.nodes.count))
            let patient = clinic.pick(patients)
            let known = clinic.nodes[node].known.filter { $0.patient == patient }
            let visits = known.filter { $0.type == VisitStarted.eventType }.map(\.id)
            let visit: EventID? = clinic.pick(visits.suffix(2).map { Optional($0) } + [nil])
            func last(_ type: String) -> EventEnvelope? { known.last { $0.type == type } }
            switch clinic.rng.next() % 12 {
            case 0: _ = clinic.write(on: node, patient: patient, VisitStarted(reason: clinic.pick([nil, "review", "new\ncomplaint"])))
            case 1: _ = clinic.write(on: node, patient: patient, TechniqueApplied(technique: "cupping", region: "neck", minutes: 10, note: clinic.pick([nil, "light"]), visit: visit))
            case 2: _ = clinic.write(on: node, patient: patient, TriggerPointFound(muscle: "piriformis", side: clinic.pick(["left", "right"]), status: "active", visit: visit))
            case 3: _ = clinic.write(on: node, patient: patient, PainScoreRecorded(score: Int(clinic.rng.next() % 11), region: "hip", context: clinic.pick(["pre", "post", "rest"]), visit: visit))
            case 4:
                if let started = visits.last { _ = clinic.write(on: node, patient: patient, VisitEnded(visit: started, note: clinic.pick([nil, "home exercises"]))) }
            case 5:
                if let found = last(TriggerPointFound.eventType) {
                    _ = clinic.write(on: node, patient: patient, TriggerPointResolved(finding: found.id, note: clinic.pick([nil, "eased"]), visit: visit))
                }
            case 6:
                if let ended = last(VisitEnded.eventType) {
                    _ = clinic.write(on: node, patient: patient, EntryCorrected(target: ended.id, fields: ["note": .string("plan \(clinic.rng.next() % 9)")], reason: "plan"))
                }
            case 7:
                if let resolution = last(TriggerPointResolved.eventType) {
                    _ = clinic.write(on: node, patient: patient, EntryCorrected(target: resolution.id, fields: ["note": .null], reason: "not needed"))
                }
            case 8:
                if let technique = last(TechniqueApplied.eventType) {
                    _ = clinic.write(on: node, patient: patient, EntryCorrected(target: technique.id, fields: ["minutes": .int(Int(clinic.rng.next() % 60) + 1)], reason: "timer"))
                }
            case 9:
                let targets = known.filter { [VisitStarted.eventType, VisitEnded.eventType, TriggerPointFound.eventType, TriggerPointResolved.eventType].contains($0.type) }
                if !targets.isEmpty { _ = clinic.write(on: node, patient: patient, EntryRetracted(target: clinic.pick(targets).id, reason: "error")) }
            default:
                let other = Int(clinic.rng.next() % UInt64(clinic.nodes.count))
                if other != node { clinic.sync(other, into: node) }
            }
        }
        return clinic
    }

    @Test("random visit histories, random arrival: rows applied in place == a rebuild, and show from the rows == the fold (seeded)", arguments: 0..<24)
    func rowsEqualFold(seed: UInt64) throws {
        var clinic = visitWorkload(seed: seed)
        let events = clinic.allEvents
        let order = seed % 3 == 0 ? events.sorted(by: CausalOrder.precedes) : clinic.arrivalOrder(events)
        let views = InPlaceViewTests()
        let database = try views.makeDatabase(nodes: clinic.nodes)
        var start = 0
        while start < order.count {
            let end = min(order.count, start + 1 + Int(clinic.rng.next() % 4))
            _ = try views.deliver(Array(order[start..<end]), keys: clinic.patientKeys, to: database)
            start = end
        }
        let applied = try views.dump(database)
        try database.write { db in
            try PatientProjection().drop(in: db)
            try PatientProjection().create(in: db)
            try PatientProjection().rebuild(in: ProjectionTransaction(db: db, storeKey: SimulatedClinic.storeKey))
        }
        #expect(try views.dump(database) == applied, "seed \(seed): rows applied in place differ from a rebuild")
        var grouped = 0, ends = 0, resolutions = 0
        try database.read { db in
            let reader = EventReader(db: db, storeKey: SimulatedClinic.storeKey)
            for patient in Set(events.compactMap(\.patient)) {
                let folded = try PatientFold.fold(patient, events: reader.events(patient: patient)).view
                let stored = try PatientViews(reader).show(patient)
                #expect(stored == folded, "seed \(seed): show from the rows differs from the fold")
                #expect(try stored.map(CanonicalEncoder().string) == CanonicalEncoder().string(folded))
                grouped += folded.visitSummaries.reduce(0) { $0 + $1.techniques.count + $1.findings.count + $1.resolved.count + $1.ends.count + $1.painScores.count }
                ends += folded.visitSummaries.reduce(0) { $0 + $1.ends.count }
                resolutions += folded.visitSummaries.reduce(0) { $0 + $1.findings.filter { $0.resolution != nil }.count }
            }
        }
        #expect(grouped > 0, "seed \(seed): no entry was grouped under a visit")
        // The new tables hold rows exactly when the views show what they hold.
        #expect(applied.contains { $0.hasPrefix("visit_ends") } == (ends > 0), "seed \(seed)")
        #expect(resolutions == 0 || applied.contains { $0.hasPrefix("trigger_point_resolutions") }, "seed \(seed)")
    }
}
