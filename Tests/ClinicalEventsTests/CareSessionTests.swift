import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel
import Foundation
import Testing

/// The write path of the records of care: consent enforced, precautions alerted and
/// acknowledged, adverse events tied to a technique, duplicates refused — each refusal writing
/// nothing.
@Suite("Records of care: the checked write path")
struct CareSessionTests {
    func decode<P: ClinicalPayload>(_ envelope: EventEnvelope, as type: P.Type) throws -> P? {
        try ClinicalEvent.decode(envelope)?.payload as? P
    }

    @Test("notes, measurements and consent link to the open visit; a note needs a section")
    func linkedToVisit() throws {
        let f = try ClinicalFixture()
        let p = try IDReference(try f.register())
        try f.record.write { s in
            let visit = try s.startVisit(p, reason: "Neck pain", author: "alex")
            let note = try s.recordNote(p, .init(subjective: "  Sore neck\nfor 3 weeks ", plan: "Review"), author: "alex")
            #expect(try decode(note, as: TreatmentNoteRecorded.self) == TreatmentNoteRecorded(subjective: "Sore neck\nfor 3 weeks", plan: "Review", visit: visit.id))
            let measured = try s.recordMeasurement(p, test: "lumbar flexion", reading: .value(try MeasuredValue(parsing: "12.50"), unit: "cm"), author: "alex")
            #expect(try decode(measured, as: MeasurementRecorded.self) == MeasurementRecorded(test: "lumbar-flexion", value: "12.5", unit: "cm", visit: visit.id))
            let usual = try s.recordMeasurement(p, test: "slr", side: "left", reading: .value(try MeasuredValue(parsing: "60"), unit: nil), author: "alex")
            #expect(try decode(usual, as: MeasurementRecorded.self)?.unit == "deg", "the test's usual unit")
            let consent = try s.recordConsent(p, technique: "dry needling", form: "Written", risks: "Bruising", author: "alex")
            #expect(try decode(consent, as: ConsentRecorded.self) == ConsentRecorded(technique: "dry-needling", decision: "given", form: "written", risks: "Bruising", visit: visit.id))
        }
        let before = try f.logBytes()
        try f.record.write { s in
            expectRefusal(.emptyTreatmentNote) { try s.recordNote(p, .init(), author: "alex") }
            expectRefusal(.invalidField) { try s.recordMeasurement(p, test: "spurling", reading: .value(try MeasuredValue(parsing: "1"), unit: nil), author: "alex") }
            expectRefusal(.invalidField) { try s.recordMeasurement(p, test: "slr", reading: .result("positive"), author: "alex") }
            expectRefusal(.invalidField) { try s.recordMeasurement(p, test: "slr", reading: .value(try MeasuredValue(parsing: "60"), unit: "kg"), author: "alex") }
        }
        #expect(try f.logBytes() == before)
    }

    @Test("dry needling and cupping are refused without a standing consent; withdrawn, refused again; retracted, as if never given")
    func consentEnforced() throws {
        let f = try ClinicalFixture()
        let p = try IDReference(try f.register())
        let before = try f.logBytes()
        let refused = try f.record.write { s in
            expectRefusal(.consentRequired) { try s.recordTechnique(p, technique: "dry-needling", region: "neck", author: "alex") }
        }
        #expect(refused?.remedy == .recordConsent(patient: p.text, technique: "dry-needling"))
        try f.record.write { s in
            expectRefusal(.consentRequired) { try s.recordTechnique(p, technique: "cupping", region: "neck", author: "alex") }
            expectRefusal(.invalidField, "nothing to withdraw") { try s.withdrawConsent(p, technique: "cupping", author: "alex") }
        }
        #expect(try f.logBytes() == before)
        try f.record.write { s in
            try s.recordTechnique(p, technique: "myofascial-release", region: "neck", author: "alex")  // no consent asked for
            try s.recordConsent(p, technique: "cupping", form: "verbal", author: "alex")
            try s.recordTechnique(p, technique: "cupping", region: "neck", author: "alex")
            expectRefusal(.consentRequired, "consent to cupping is not consent to needling") {
                try s.recordTechnique(p, technique: "dry-needling", region: "neck", author: "alex")
            }
            try s.withdrawConsent(p, technique: "cupping", note: "Marks upset her", author: "alex")
            expectRefusal(.consentRequired) { try s.recordTechnique(p, technique: "cupping", region: "neck", author: "alex") }
            try s.recordConsent(p, technique: "cupping", form: "written", author: "alex")
            try s.recordTechnique(p, technique: "cupping", region: "neck", author: "alex")
        }
        // The standing consent retracted (recorded against the wrong patient): none stands.
        let latest = try f.store.read { try $0.events(patient: PatientID(p.text)!, types: [ConsentRecorded.eventType]) }.last!
        try f.record.write { s in
            try s.retract(IDReference(latest.id), reason: "Wrong patient", author: "alex")
            expectRefusal(.consentRequired) { try s.recordTechnique(p, technique: "cupping", region: "neck", author: "alex") }
        }
    }

    @Test("an active precaution alerts: refused until acknowledged, the acknowledgement stored; none to acknowledge is refused; resolved, no alert")
    func precautions() throws {
        let f = try ClinicalFixture()
        let p = try IDReference(try f.register())
        let (precaution, other) = try f.record.write { s in
            (try s.recordPrecaution(p, kind: "blood thinner", note: "Warfarin", author: "alex"), try s.recordPrecaution(p, kind: "diabetes", author: "alex"))
        }
        #expect(try decode(precaution, as: PrecautionRecorded.self) == PrecautionRecorded(kind: "anticoagulant", note: "Warfarin"))
        let before = try f.logBytes()
        let refusal = try f.record.write { s in
            expectRefusal(.precautionNotAcknowledged) { try s.recordTechnique(p, technique: "deep-tissue-massage", region: "thigh", author: "alex") }
        }
        #expect(refusal?.remedy == .acknowledgePrecaution)
        #expect(refusal?.fact.contains("anticoagulant: caution") == true && refusal?.fact.contains(precaution.id.rawValue) == true, "\(String(describing: refusal))")
        try f.record.write { s in
            expectRefusal(.noPrecautionToAcknowledge) {
                try s.recordTechnique(p, technique: "exercise-prescription", region: "neck", acknowledgePrecautions: true, author: "alex")
            }
            expectRefusal(.invalidField, "needling details on cupping") {
                try s.recordTechnique(p, technique: "cupping", region: "neck", needling: .init(needles: 2), author: "alex")
            }
        }
        #expect(try f.logBytes() == before)
        try f.record.write { s in
            try s.recordConsent(p, technique: "dry-needling", form: "verbal", author: "alex")
            let needled = try s.recordTechnique(p, technique: "dry-needling", region: "neck", needling: .init(needles: 3, gauge: try NeedleGauge(parsing: ".2"), twitch: true),
                                                acknowledgePrecautions: true, author: "alex")
            let stored = try decode(needled, as: TechniqueApplied.self)
            #expect(stored?.acknowledgedPrecautions == [precaution.id, other.id], "both cautions acknowledged: \(String(describing: stored))")
            #expect(stored?.gauge == "0.20" && stored?.needles == 3 && stored?.twitch == true)
            // Plain exercise raises no alert and needs no acknowledgement.
            try s.recordTechnique(p, technique: "exercise-prescription", region: "neck", author: "alex")
            try s.resolvePrecaution(IDReference(precaution.id), note: "Stopped warfarin", author: "alex")
            expectRefusal(.precautionAlreadyResolved) { try s.resolve(IDReference(precaution.id), author: "alex") }
            try s.resolve(IDReference(other.id), author: "alex")
            try s.recordTechnique(p, technique: "deep-tissue-massage", region: "thigh", author: "alex")
            expectRefusal(.notAnEntry) { try s.resolvePrecaution(IDReference(needled.id), author: "alex") }
        }
    }

    @Test("what stands is read again after the session records what changes it: a precaution or consent recorded, withdrawn or retracted mid-transaction counts at once")
    func standingFollowsTheSession() throws {
        let f = try ClinicalFixture()
        let p = try IDReference(try f.register())
        try f.record.write { s in
            // Both checks have read the patient's records of care (none) before each change.
            try s.recordTechnique(p, technique: "deep-tissue-massage", region: "thigh", author: "alex")
            expectRefusal(.consentRequired) { try s.recordTechnique(p, technique: "cupping", region: "neck", author: "alex") }
            let precaution = try s.recordPrecaution(p, kind: "blood thinner", author: "alex")
            expectRefusal(.precautionNotAcknowledged) { try s.recordTechnique(p, technique: "deep-tissue-massage", region: "thigh", author: "alex") }
            let consent = try s.recordConsent(p, technique: "cupping", form: "verbal", author: "alex")
            try s.recordTechnique(p, technique: "cupping", region: "neck", acknowledgePrecautions: true, author: "alex")  // cups bruise: a caution
            try s.retract(IDReference(precaution.id), reason: "Wrong patient", author: "alex")
            try s.recordTechnique(p, technique: "deep-tissue-massage", region: "thigh", author: "alex")
            try s.retract(IDReference(consent.id), reason: "Wrong patient", author: "alex")
            expectRefusal(.consentRequired) { try s.recordTechnique(p, technique: "cupping", region: "neck", author: "alex") }
        }
        // Another patient's records never stand for this one.
        let q = try IDReference(try f.register("Mia Tanaka"))
        try f.record.write { s in
            try s.recordConsent(q, technique: "cupping", form: "verbal", author: "alex")
            expectRefusal(.consentRequired) { try s.recordTechnique(p, technique: "cupping", region: "neck", author: "alex") }
            try s.recordTechnique(q, technique: "cupping", region: "neck", author: "alex")
        }
    }

    @Test("an adverse event follows a technique entry of the same patient, not retracted")
    func adverseEvents() throws {
        let f = try ClinicalFixture()
        let p = try IDReference(try f.register())
        let q = try IDReference(try f.register("Liam O'Connor", dob: "1995-09-30"))
        let (technique, pain, retracted, theirs) = try f.record.write { s in
            (try s.recordTechnique(p, technique: "trigger-point-pressure", region: "neck", author: "alex"),
             try s.recordPain(p, score: 4, region: "neck", author: "alex"),
             try s.recordTechnique(p, technique: "heat-therapy", region: "neck", author: "alex"),
             try s.recordTechnique(q, technique: "heat-therapy", region: "neck", author: "alex"))
        }
        try f.record.write { s in _ = try s.retract(IDReference(retracted.id), reason: "Not given", author: "alex") }
        let before = try f.logBytes()
        try f.record.write { s in
            for after in [pain.id, retracted.id, theirs.id] {
                let refusal = expectRefusal(.invalidField) { try s.recordAdverseEvent(p, kind: "bruising", severity: "mild", after: IDReference(after), author: "alex") }
                #expect(refusal?.fact.hasPrefix("after: ") == true && refusal?.fact.contains("TechniqueApplied") == true, "\(String(describing: refusal))")
            }
        }
        #expect(try f.logBytes() == before)
        let adverse = try f.record.write { s in
            try s.recordAdverseEvent(p, kind: "pain flare", severity: "Moderate", after: IDReference(technique.id), note: "Sore 2 days", author: "alex")
        }
        #expect(try decode(adverse, as: AdverseEventRecorded.self) == AdverseEventRecorded(kind: "pain-flare", severity: "moderate", after: technique.id, note: "Sore 2 days"))
    }

    @Test("the same name and date of birth is refused, naming the patient, unless it is a new patient; case and spacing do not matter")
    func duplicates() throws {
        let f = try ClinicalFixture()
        let first = try f.register("Ruth Nguyen", dob: "1954-02-03")
        let before = try f.logBytes()
        for name in ["Ruth Nguyen", "ruth  NGUYEN", " Ruth Nguyen "] {
            let refusal = try f.record.write { s in
                expectRefusal(.possibleDuplicatePatient) { try s.register(.init(name: name, dateOfBirth: "1954-02-03"), author: "jo") }
            }
            #expect(refusal?.fact.contains(first) == true && refusal?.remedy == .registerAsNewPatient, "\(String(describing: refusal))")
        }
        #expect(try f.logBytes() == before)
        // Another birthday, or another name: a different patient.
        try f.record.write { s in
            try s.register(.init(name: "Ruth Nguyen", dateOfBirth: "1954-02-04"), author: "jo")
            try s.register(.init(name: "Ruth Nguyen-Smith", dateOfBirth: "1954-02-03"), author: "jo")
        }
        let second = try f.record.write { try $0.register(.init(name: "Ruth Nguyen", dateOfBirth: "1954-02-03"), newPatient: true, author: "jo") }.patient!
        let both = try f.record.write { s in expectRefusal(.possibleDuplicatePatient) { try s.register(.init(name: "Ruth Nguyen", dateOfBirth: "1954-02-03"), author: "jo") } }
        #expect(both?.fact.contains(first) == true && both?.fact.contains(second.rawValue) == true)
        // The current name counts: a patient renamed is found under the new name only.
        try f.record.write { s in try s.updatePatient(IDReference(first), changes: ["name": "Ruth Tran"], author: "jo") }
        let renamed = try f.record.write { s in expectRefusal(.possibleDuplicatePatient) { try s.register(.init(name: "Ruth Tran", dateOfBirth: "1954-02-03"), author: "jo") } }
        #expect(renamed?.fact.contains(first) == true && renamed?.fact.contains(second.rawValue) == false)
    }

    @Test("a medication naming an anticoagulant suggests the precaution, until one is recorded")
    func anticoagulantSuggestion() throws {
        let f = try ClinicalFixture()
        let p = try IDReference(try f.register())
        try f.record.write { s in
            let warfarin = try s.recordHistory(p, kind: "medication", text: "Marevan 3 mg daily", author: "alex")
            #expect(try s.suggestedPrecaution(for: warfarin)?.medicine == "warfarin")
            let illness = try s.recordHistory(p, kind: "illness", text: "DVT in 2019, was on warfarin", author: "alex")
            #expect(try s.suggestedPrecaution(for: illness) == nil, "medications only")
            let ibuprofen = try s.recordHistory(p, kind: "medication", text: "Ibuprofen", author: "alex")
            #expect(try s.suggestedPrecaution(for: ibuprofen) == nil)
            try s.recordPrecaution(p, kind: "anticoagulant", author: "alex")
            let again = try s.recordHistory(p, kind: "medication", text: "Eliquis 5 mg", author: "alex")
            #expect(try s.suggestedPrecaution(for: again) == nil, "already recorded")
        }
    }
}
