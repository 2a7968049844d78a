import ClinicalEvents
import EventLog
import Foundation
import EventModel

import ClinicalFold
@testable import Projections
import Testing

@Suite("Patient fold")
struct PatientFoldTests {
    @Test("same events, any arrival order: byte-identical views and conflicts (seeded)", arguments: 0..<150)
    func determinism(seed: UInt64) throws {
        var clinic = SimulatedClinic(nodes: 2 + Int(seed % 4), seed: seed)
        clinic.run(steps: 60, patients: 3)
        let events = clinic.allEvents
        let patients = Set(events.compactMap(\.patient)).sorted()
        func views(_ arrival: [EventEnvelope]) throws -> [String] {
            try patients.map { patient in try CanonicalEncoder().string(PatientFold.fold(patient, events: arrival.filter { $0.patient == patient }).view) }
        }
        let reference = try views(events)
        for _ in 0..<4 {
            #expect(try views(clinic.arrivalOrder(events)) == reference, "seed \(seed)")
        }
    }

    @Test("two front desks change a phone offline: a conflict with both values until a write that saw both")
    func concurrentPhoneEdits() throws {
        var clinic = SimulatedClinic(nodes: 2, seed: 1)
        let patient = PatientID.make()
        _ = clinic.write(on: 0, patient: patient, PatientRegistered(name: "Mia", dateOfBirth: CivilDate(year: 1988, month: 4, day: 12)!, phone: "0400 000 000"))
        clinic.sync(0, into: 1)
        let a = clinic.write(on: 0, patient: patient, PatientDetailsChanged(changes: ["phone": "0411 111 111"]))
        let b = clinic.write(on: 1, patient: patient, PatientDetailsChanged(changes: ["phone": "0422 222 222"]))
        #expect(a.clock.isConcurrent(with: b.clock))
        let record = try PatientFold.fold(patient, events: [a, b] + clinic.nodes[0].known.prefix(1))
        #expect(record.conflicts.count == 1)
        #expect(record.conflicts[0].values.map(\.value) == ["0411 111 111", "0422 222 222"])
        // The winner: higher Lamport, then node id ("bbbb…" > "aaaa…" at equal Lamport).
        #expect(record.details["phone"] == "0422 222 222")
        clinic.sync(0, into: 1)
        let resolution = clinic.write(on: 1, patient: patient, PatientDetailsChanged(changes: ["phone": "0433 333 333"]))
        let resolved = try PatientFold.fold(patient, events: clinic.nodes[1].known + [resolution])
        #expect(resolved.conflicts.isEmpty)
        #expect(resolved.details["phone"] == "0433 333 333")
        // Concurrent writes of the same value are not a conflict.
        let same1 = clinic.write(on: 0, patient: patient, PatientDetailsChanged(changes: ["email": "m@example.org"]))
        let same2 = clinic.write(on: 1, patient: patient, PatientDetailsChanged(changes: ["email": "m@example.org"]))
        #expect(try PatientFold.fold(patient, events: clinic.nodes[1].known + [same1, same2]).conflicts.isEmpty)
    }

    @Test("concurrent clinical entries are all kept")
    func concurrentEntriesKept() throws {
        var clinic = SimulatedClinic(nodes: 2, seed: 2)
        let patient = PatientID.make()
        _ = clinic.write(on: 0, patient: patient, PatientRegistered(name: "Mia", dateOfBirth: CivilDate(year: 1988, month: 4, day: 12)!))
        clinic.sync(0, into: 1)
        _ = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 6, region: "neck", context: "pre"))
        _ = clinic.write(on: 1, patient: patient, PainScoreRecorded(score: 4, region: "neck", context: "post"))
        clinic.sync(1, into: 0)
        let record = try PatientFold.fold(patient, events: clinic.nodes[0].known)
        #expect(record.painScores.count == 2)
        #expect(record.conflicts.isEmpty)
    }

    @Test("corrections show the corrected value; retractions leave the views but not the entries list")
    func amendments() throws {
        var clinic = SimulatedClinic(nodes: 1, seed: 3)
        let patient = PatientID.make()
        _ = clinic.write(on: 0, patient: patient, PatientRegistered(name: "Ruth", dateOfBirth: CivilDate(year: 1954, month: 2, day: 3)!))
        let first = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 8, region: "lower-back", context: "rest"))
        let second = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 6, region: "lower-back", context: "post"))
        let tp = clinic.write(on: 0, patient: patient, TriggerPointFound(muscle: "quadratus-lumborum", side: "left", status: "active"))
        _ = clinic.write(on: 0, patient: patient, EntryCorrected(target: second.id, fields: ["score": 5], reason: "re-rated"))
        _ = clinic.write(on: 0, patient: patient, EntryRetracted(target: first.id, reason: "wrong patient"))
        _ = clinic.write(on: 0, patient: patient, TriggerPointResolved(finding: tp.id))
        let record = try PatientFold.fold(patient, events: clinic.nodes[0].known)
        #expect(record.painScores.map { $0.view(as: PainScoreRecorded.self)?.payload.score } == [5])
        #expect(record.painTrend == PainTrend(scores: [5]))
        #expect(record.activeTriggerPoints.isEmpty)
        #expect(record.entries.contains { $0.event.id == first.id && $0.isRetracted })
    }

    @Test("--as-of between two events shows the earlier state; a later retraction does not leak into it")
    func asOf() throws {
        var clinic = SimulatedClinic(nodes: 1, seed: 4)
        let patient = PatientID.make()
        _ = clinic.write(on: 0, patient: patient, PatientRegistered(name: "Liam", dateOfBirth: CivilDate(year: 1995, month: 9, day: 30)!))
        let pain = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 6, region: "hip", context: "activity"))
        let later = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 3, region: "hip", context: "post"))
        let retraction = clinic.write(on: 0, patient: patient, EntryRetracted(target: pain.id, reason: "duplicate"))
        let events = clinic.nodes[0].known
        let between = Timestamp(millisecondsSinceEpoch: pain.recordedAt.millisecondsSinceEpoch + 1)
        let then = try PatientFold.fold(patient, events: events, covering: .asOf(between))
        #expect(then.painScores.map { $0.view(as: PainScoreRecorded.self)?.payload.score } == [6])
        let beforeRetraction = try PatientFold.fold(patient, events: events, covering: .asOf(later.recordedAt))
        #expect(beforeRetraction.painScores.map { $0.view(as: PainScoreRecorded.self)?.payload.score } == [6, 3])
        let now = try PatientFold.fold(patient, events: events)
        #expect(now.painScores.map { $0.view(as: PainScoreRecorded.self)?.payload.score } == [3])
        #expect(try PatientFold.fold(patient, events: events, covering: .asOf(retraction.recordedAt)) == now)
        // --at-clock: exactly the events within the clock.
        let atClock = try PatientFold.fold(patient, events: events, covering: .atClock(later.clock))
        #expect(atClock.painScores.count == 2)
    }

    @Test("MCID: a fall of 2 points or 30 % is meaningful, less is not", arguments: [
        ([7, 5], true), ([7, 6], false), ([3, 2], true), ([4, 3], false), ([10, 7], true), ([2, 4], false), ([0, 0], false), ([5], false),
    ])
    func clinicallyMeaningful(scores: [Int], expected: Bool) {
        #expect(PainTrend(scores: scores)?.clinicallyMeaningful == expected)
    }

    @Test("a patient with no pain scores renders without a trend")
    func emptyPatient() throws {
        var clinic = SimulatedClinic(nodes: 1, seed: 5)
        let patient = PatientID.make()
        _ = clinic.write(on: 0, patient: patient, PatientRegistered(name: "Aiko", dateOfBirth: CivilDate(year: 2004, month: 11, day: 8)!))
        let record = try PatientFold.fold(patient, events: clinic.nodes[0].known)
        #expect(record.painTrend == nil)
        #expect(try CanonicalEncoder().value(record.view).objectValue?["painTrend"] == .null)
        #expect(PainTrend.sparkline([]) == "")
        #expect(PainTrend.sparkline([0, 5, 10]) == "▁▄█")
    }
}
