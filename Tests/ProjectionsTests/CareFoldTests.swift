import ClinicalEvents
import ClinicalFold
import EventModel
import Foundation
import Testing

@testable import Projections

/// How the fold derives the records of care, and that the simulated workload exercises them.
@Suite("Records of care in the fold")
struct CareFoldTests {
    @Test("the latest consent decision stands; a resolved precaution leaves; an adverse event carries its technique, until that is retracted")
    func derived() throws {
        var clinic = SimulatedClinic(nodes: 2, seed: 7)
        let patient = PatientID.make()
        _ = clinic.write(on: 0, patient: patient, PatientRegistered(name: "Ruth", dateOfBirth: CivilDate(year: 1954, month: 2, day: 3)!))
        let given = clinic.write(on: 0, patient: patient, ConsentRecorded(technique: "dry-needling", decision: "given", form: "verbal", risks: "bruising"))
        _ = clinic.write(on: 0, patient: patient, ConsentRecorded(technique: "cupping", decision: "given", form: "written"))
        let withdrawn = clinic.write(on: 0, patient: patient, ConsentRecorded(technique: "cupping", decision: "withdrawn", note: "marks"))
        let warfarin = clinic.write(on: 0, patient: patient, PrecautionRecorded(kind: "anticoagulant", note: "warfarin"))
        let pregnancy = clinic.write(on: 0, patient: patient, PrecautionRecorded(kind: "pregnancy"))
        _ = clinic.write(on: 0, patient: patient, PrecautionResolved(precaution: pregnancy.id, note: "born"))
        let needling = clinic.write(on: 0, patient: patient, TechniqueApplied(technique: "dry-needling", region: "neck", needles: 2, acknowledgedPrecautions: [warfarin.id]))
        let bruise = clinic.write(on: 0, patient: patient, AdverseEventRecorded(kind: "bruising", severity: "mild", after: needling.id))
        _ = clinic.write(on: 0, patient: patient, TreatmentNoteRecorded(plan: "review"))
        _ = clinic.write(on: 0, patient: patient, MeasurementRecorded(test: "slr", side: "left", value: "60", unit: "deg"))
        let events = clinic.nodes[0].known
        let view = try PatientFold.fold(patient, events: events).view
        #expect(view.care.consents.map(\.eventId) == [withdrawn.id, given.id], "by technique: cupping (withdrawn), then dry needling")
        #expect(view.care.hasConsent(for: "dry-needling") && !view.care.hasConsent(for: "cupping"))
        #expect(view.care.activePrecautions.map(\.eventId) == [warfarin.id])
        #expect(view.care.adverseEvents.map(\.event.eventId) == [bruise.id] && view.care.adverseEvents.first?.technique?.eventId == needling.id)
        #expect(view.care.treatmentNotes.count == 1 && view.care.measurements.first?.payload.reading == "60 deg")
        #expect(PatientListing(record: try PatientFold.fold(patient, events: events)).adverseEvents == 1)
        // Retracting the technique leaves the adverse event without one; retracting the
        // withdrawal brings the consent back; retracting the resolution reactivates.
        let retractions = [needling.id, withdrawn.id].map { clinic.write(on: 0, patient: patient, EntryRetracted(target: $0, reason: "error")) }
        let after = try PatientFold.fold(patient, events: events + retractions).view
        #expect(after.care.adverseEvents.first?.technique == nil && after.care.adverseEvents.count == 1)
        #expect(after.care.hasConsent(for: "cupping"))
        // A resolution whose precaution sorts after it does nothing (it acts only on what it saw).
        var other = SimulatedClinic(nodes: 2, seed: 8)
        let early = other.write(on: 1, patient: patient, PrecautionResolved(precaution: warfarin.id))
        let view2 = try PatientFold.fold(patient, events: events + [early]).view
        #expect(view2.care.activePrecautions.map(\.eventId) == [warfarin.id])
    }

    @Test("the simulated workload writes every kind of clinical entry (outcome measures too), needling details and acknowledgements")
    func workloadCoversCare() {
        var clinic = SimulatedClinic(nodes: 3, seed: 1)
        clinic.run(steps: 600, patients: 3)
        let events = clinic.allEvents
        let types = Set(events.map(\.type))
        for type in [TreatmentNoteRecorded.self, ConsentRecorded.self, PrecautionRecorded.self, PrecautionResolved.self, AdverseEventRecorded.self,
                     MeasurementRecorded.self, OutcomeRecorded.self] as [any ClinicalPayload.Type] {
            #expect(types.contains(type.eventType), "\(type.eventType)")
        }
        let techniques = events.compactMap { try? ClinicalEvent.decode($0)?.payload as? TechniqueApplied }
        #expect(techniques.contains { $0.needles != nil } && techniques.contains { $0.acknowledgedPrecautions != nil })
    }
}
