import ClinicalEvents
import EventLog
import Foundation
import EventModel

import ClinicalFold
@testable import Projections
import Testing

/// Sign-off, addenda, late entries and co-signature in the fold (issue 33), with envelopes whose
/// author role is set directly.
@Suite("Sign-off, addenda, late entries and co-signature in the fold")
struct SignOffFoldTests {
    /// A registered patient with a visit holding a pain score, written on node 0.
    func visitWithScore(_ clinic: inout SimulatedClinic) -> (patient: PatientID, visit: EventEnvelope, score: EventEnvelope) {
        let patient = PatientID.make()
        _ = clinic.write(on: 0, patient: patient, PatientRegistered(name: "Ruth", dateOfBirth: CivilDate(year: 1954, month: 2, day: 3)!))
        let visit = clinic.write(on: 0, patient: patient, VisitStarted(reason: "neck"))
        let score = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 6, region: "neck", context: "pre", visit: visit.id))
        return (patient, visit, score)
    }

    @Test("after a sign-off a correction and a retraction are addenda: the signed text stands and the entry stays shown")
    func addenda() throws {
        var clinic = SimulatedClinic(nodes: 1, seed: 7)
        let (patient, visit, score) = visitWithScore(&clinic)
        let before = clinic.write(on: 0, patient: patient, EntryCorrected(target: score.id, fields: ["score": 7], reason: "misread"))
        let end = clinic.write(on: 0, patient: patient, VisitEnded(visit: visit.id))
        let signOff = clinic.write(on: 0, patient: patient, VisitSignedOff(visit: visit.id, entries: [visit.id, score.id, end.id]))
        let after = clinic.write(on: 0, patient: patient, EntryCorrected(target: score.id, fields: ["score": 3], reason: "re-rated after"))
        let retraction = clinic.write(on: 0, patient: patient, EntryRetracted(target: score.id, reason: "wrong patient"))
        let record = try PatientFold.fold(patient, events: clinic.nodes[0].known)
        let view = try #require(record.view.painScores.first)
        #expect(view.payload.score == 7, "the correction before the sign-off applies; the one after does not")
        #expect(view.corrections.map(\.eventId) == [before.id])
        #expect(view.signOff?.eventId == signOff.id)
        #expect(view.addenda.map(\.eventId) == [after.id, retraction.id])
        #expect(view.addenda.map(\.kind) == [.correction, .retraction])
        #expect(view.addenda.first?.fields == ["score": 3])
        #expect(record.view.visitSummaries.first?.visit.signOff?.eventId == signOff.id)
        let json = try CanonicalEncoder().string(record.view)
        #expect(json.contains("\"addenda\":[") && json.contains("\"signedOff\":{"))
    }

    @Test("a sign-off marks only the entries it lists that sort before it; an entry retracted before it is not signed")
    func signOffScope() throws {
        var clinic = SimulatedClinic(nodes: 2, seed: 8)
        let (patient, visit, score) = visitWithScore(&clinic)
        let retracted = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 2, region: "hip", context: "pre", visit: visit.id))
        _ = clinic.write(on: 0, patient: patient, EntryRetracted(target: retracted.id, reason: "duplicate"))
        clinic.sync(0, into: 1)
        // Node 1 signs off what it saw; node 0, concurrently, records another score into the visit.
        let signOff = clinic.write(on: 1, patient: patient, VisitSignedOff(visit: visit.id, entries: [visit.id, score.id, retracted.id]))
        let concurrent = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 4, region: "neck", context: "post", visit: visit.id))
        clinic.sync(1, into: 0)
        let record = try PatientFold.fold(patient, events: clinic.nodes[0].known)
        #expect(record.entries.first { $0.event.id == score.id }?.signOff?.id == signOff.id)
        #expect(record.entries.first { $0.event.id == concurrent.id }?.signOff == nil, "not listed: not signed")
        #expect(record.entries.first { $0.event.id == retracted.id }?.signOff == nil, "retracted before the sign-off: not signed")
    }

    @Test("a student's entry awaits a co-signature until one covers it; a co-signature of a therapist's entry marks nothing")
    func coSignature() throws {
        var clinic = SimulatedClinic(nodes: 3, seed: 9)  // node 2 writes as a student
        #expect(clinic.role(of: 2) == EntryCoSigned.studentRole)
        let patient = PatientID.make()
        _ = clinic.write(on: 0, patient: patient, PatientRegistered(name: "Liam", dateOfBirth: CivilDate(year: 1995, month: 9, day: 30)!))
        clinic.sync(0, into: 2)
        let students = clinic.write(on: 2, patient: patient, PainScoreRecorded(score: 5, region: "hip", context: "pre"))
        let therapists = clinic.write(on: 0, patient: patient, PainScoreRecorded(score: 4, region: "hip", context: "post"))
        clinic.sync(2, into: 0)
        var record = try PatientFold.fold(patient, events: clinic.nodes[0].known)
        #expect(record.awaitingCoSignature.map(\.event.id) == [students.id])
        #expect(record.view.painScores.first { $0.eventId == students.id }?.isAwaitingCoSignature == true)
        #expect(PatientListing(record: record).awaitingCoSignature == 1)
        let coSign = clinic.write(on: 0, patient: patient, EntryCoSigned(events: [students.id, therapists.id]))
        record = try PatientFold.fold(patient, events: clinic.nodes[0].known)
        #expect(record.awaitingCoSignature.isEmpty)
        #expect(record.entries.first { $0.event.id == students.id }?.coSignature?.id == coSign.id)
        #expect(record.entries.first { $0.event.id == therapists.id }?.coSignature == nil)
        #expect(!(try CanonicalEncoder().string(record.view)).contains("awaitingCoSignature"))
    }

    @Test("late entries: end-of-day judged in the writing site's zone, an hours rule by the interval; the same marks in any arrival order")
    func lateEntries() throws {
        let node = NodeID(String(repeating: "a", count: 16))!
        let melbourne = SiteClock(identifier: "Australia/Melbourne")!
        func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }
        let endOfDay = LateEntryPolicy(rule: .endOfDay, clocks: [node: melbourne])
        // 23:30 on 3 March in Melbourne (UTC+11) is 12:30Z; recorded 00:10 the next local day.
        #expect(endOfDay.mark(recordedAt: at("2026-03-03T13:10:00Z"), occurredAt: at("2026-03-03T12:30:00Z"), origin: node) != nil)
        // The same instants judged on UTC: the same day, not late.
        #expect(LateEntryPolicy(rule: .endOfDay).mark(recordedAt: at("2026-03-03T13:10:00Z"), occurredAt: at("2026-03-03T12:30:00Z"), origin: node) == nil)
        // 09:00 local, recorded 23:59 local the same day: in time.
        #expect(endOfDay.mark(recordedAt: at("2026-03-03T12:59:00Z"), occurredAt: at("2026-03-02T22:00:00Z"), origin: node) == nil)
        let twoHours = LateEntryPolicy(rule: .hours(2), clocks: [node: melbourne])
        #expect(twoHours.mark(recordedAt: at("2026-03-03T02:00:01Z"), occurredAt: at("2026-03-03T00:00:00Z"), origin: node)?.rule == "2h")
        #expect(twoHours.mark(recordedAt: at("2026-03-03T02:00:00Z"), occurredAt: at("2026-03-03T00:00:00Z"), origin: node) == nil)

        var clinic = SimulatedClinic(nodes: 3, seed: 10)
        clinic.run(steps: 300, patients: 3)
        let events = clinic.allEvents
        let policy = LateEntryPolicy(rule: .hours(20), clocks: [clinic.nodes[0].id: melbourne])
        let patients = Set(events.compactMap(\.patient)).sorted()
        func marks(_ arrival: [EventEnvelope]) throws -> [String] {
            try patients.map { patient in try CanonicalEncoder().string(PatientFold.fold(patient, events: arrival.filter { $0.patient == patient }, lateEntries: policy).view) }
        }
        let reference = try marks(events)
        #expect(reference.contains { $0.contains("\"lateEntry\":{") }, "the workload records late entries")
        #expect(try marks(clinic.arrivalOrder(events)) == reference)
    }

    @Test("the simulated workload signs off, co-signs, amends signed entries and records late entries")
    func workloadCoversSignOff() throws {
        var clinic = SimulatedClinic(nodes: 3, seed: 1)
        clinic.run(steps: 400, patients: 3)
        let events = clinic.allEvents
        let records = try Set(events.compactMap(\.patient)).map { patient in try PatientFold.fold(patient, events: events.filter { $0.patient == patient }) }
        let entries = records.flatMap(\.entries)
        #expect(entries.contains { $0.signOff != nil })
        #expect(entries.contains { !$0.addenda.isEmpty })
        #expect(entries.contains { $0.coSignature != nil })
        #expect(entries.contains { $0.isAwaitingCoSignature })
        #expect(entries.contains { $0.lateEntry != nil })
    }

    @Test("rules parse as typed and refuse anything else", arguments: [
        ("end-of-day", "end-of-day"), ("24h", "24h"), ("2h", "2h"), ("3d", "72h"), (" END-OF-DAY ", "end-of-day"),
        ("0h", nil), ("721h", nil), ("31d", nil), ("2 h", nil), ("h", nil), ("-2h", nil), ("tomorrow", nil), ("", nil), ("2m", nil),
    ] as [(String, String?)])
    func rules(typed: String, stored: String?) throws {
        #expect(LateEntryRule(typed)?.description == stored)
        if let stored {
            #expect(try LateEntryRuleSet(json: .object(["rule": .string(stored)])).rule == stored)
        }
    }

    @Test("a stored rule not in its stored form, or an empty list of entries, is a malformed payload")
    func strictPayloads() {
        #expect(throws: ClinicalError.self) { try LateEntryRuleSet(json: .object(["rule": "3d"])) }
        #expect(throws: ClinicalError.self) { try VisitSignedOff(json: .object(["visit": .string(EventID.make().rawValue), "entries": .array([])])) }
        #expect(throws: ClinicalError.self) { try EntryCoSigned(json: .object([:])) }
    }
}
