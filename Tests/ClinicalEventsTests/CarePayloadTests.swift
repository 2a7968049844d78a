@testable import ClinicalEvents
import EventModel
import Foundation
import Testing

/// The payloads of the records of care, read strictly; their quantities; the precaution rules.
@Suite("Records of care: payloads, quantities and rules")
struct CarePayloadTests {
    func refusal(_ type: any ClinicalPayload.Type, _ json: JSONValue) -> ClinicalError? {
        #expect(throws: ClinicalError.self) { _ = try type.init(json: json) }
    }

    @Test("each payload reads back what it stores, and refuses a member it does not have")
    func roundTrips() throws {
        let event = EventID.make()
        let payloads: [any ClinicalPayload] = [
            TreatmentNoteRecorded(subjective: "Neck pain\nworse at work", plan: "Review in 2 weeks", visit: event),
            ConsentRecorded(technique: "dry-needling", decision: "given", form: "verbal", risks: "Bruising, fainting"),
            ConsentRecorded(technique: "cupping", decision: "withdrawn", note: "Prefers not"),
            PrecautionRecorded(kind: "anticoagulant", note: "Warfarin"),
            PrecautionResolved(precaution: event, note: "Stopped"),
            AdverseEventRecorded(kind: "bruising", severity: "mild", after: event),
            MeasurementRecorded(test: "cervical-rotation", side: "right", value: "55", unit: "deg"),
            MeasurementRecorded(test: "spurling", side: "left", result: "positive"),
            TechniqueApplied(technique: "dry-needling", region: "neck", needles: 2, gauge: "0.25", depthMm: 15, twitch: false, acknowledgedPrecautions: [event]),
        ]
        for payload in payloads {
            let type = Swift.type(of: payload)
            let read = try type.init(json: payload.json)
            #expect(read.json == payload.json, "\(type.eventType)")
            guard case .object(var members) = payload.json else { Issue.record("not an object"); continue }
            members["extra"] = "x"
            #expect(refusal(type, .object(members))?.description.contains("extra") == true, "\(type.eventType)")
            #expect(ClinicalEvent(payload).eventType == type.eventType)
            #expect(!ClinicalEvent(payload).summary.isEmpty)
        }
        #expect(TechniqueApplied(technique: "cupping", region: "hip").json == ["technique": "cupping", "region": "hip"], "absent members stay absent")
        #expect(payloads[8].json.objectValue?["twitch"] == .bool(false))
    }

    @Test("each new type is registered: payload types, retractable, with a schema file per version")
    func registered() throws {
        let names = ClinicalEvent.payloadTypes.map { $0.eventType }
        let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Schemas/payloads")
        for type in [TreatmentNoteRecorded.self, ConsentRecorded.self, PrecautionRecorded.self, PrecautionResolved.self, AdverseEventRecorded.self,
                     MeasurementRecorded.self] as [any ClinicalPayload.Type] {
            #expect(names.contains(type.eventType))
            #expect(ClinicalEvent.retractableTypes.contains(type.eventType))
            #expect(FileManager.default.fileExists(atPath: schemas.appendingPathComponent("\(type.eventType).v1.schema.json").path), "\(type.eventType)")
        }
        for version in 1...2 {
            #expect(FileManager.default.fileExists(atPath: schemas.appendingPathComponent("TechniqueApplied.v\(version).schema.json").path))
        }
        #expect(ClinicalEvent.upcasters.currentVersion(of: TechniqueApplied.eventType) == 2)
    }

    @Test("every clinical payload type has its own decoder, straight to its case")
    func decoders() {
        #expect(Set(ClinicalEvent.decoders.keys) == Set(ClinicalEvent.payloadTypes.map { $0.eventType }))
        #expect(ClinicalEvent.decoders.count == ClinicalEvent.payloadTypes.count)
    }

    @Test("the shapes each type insists on")
    func shapes() {
        // A note with no section names the four.
        let empty = refusal(TreatmentNoteRecorded.self, ["visit": .string(EventID.make().rawValue)])
        #expect(empty?.description.contains("subjective, objective, assessment, plan") == true, "\(String(describing: empty))")
        // A consent given says how; risks go with a consent given only.
        #expect(refusal(ConsentRecorded.self, ["technique": "cupping", "decision": "given"])?.description.contains("form") == true)
        #expect(refusal(ConsentRecorded.self, ["technique": "cupping", "decision": "withdrawn", "risks": "Marks"])?.description.contains("risks") == true)
        #expect(refusal(ConsentRecorded.self, ["technique": "reiki", "decision": "given", "form": "verbal"])?.description.contains("technique") == true)
        // A precaution kind from the vocabulary.
        #expect(refusal(PrecautionRecorded.self, ["kind": "hangover"])?.description.contains("kind") == true)
        // A measured test has a value in one of its units; a special test a result, never a value.
        #expect(refusal(MeasurementRecorded.self, ["test": "cervical-rotation", "value": "55"])?.description.contains("unit") == true)
        #expect(refusal(MeasurementRecorded.self, ["test": "cervical-rotation", "value": "55", "unit": "kg"])?.description.contains("unit") == true)
        #expect(refusal(MeasurementRecorded.self, ["test": "cervical-rotation", "value": "55.0", "unit": "deg"])?.description.contains("value") == true)
        #expect(refusal(MeasurementRecorded.self, ["test": "cervical-rotation", "result": "positive"])?.description.contains("value") == true)
        #expect(refusal(MeasurementRecorded.self, ["test": "slump", "value": "1", "unit": "deg", "result": "negative"])?.description.contains("value") == true)
        #expect(refusal(MeasurementRecorded.self, ["test": "slump"])?.description.contains("result") == true)
        #expect((try? MeasurementRecorded(json: ["test": "lumbar-flexion", "value": "12.5", "unit": "cm"])) != nil, "a second unit of the test")
        // Needling details on dry needling only, each in range, a gauge in its canonical form.
        #expect(refusal(TechniqueApplied.self, ["technique": "cupping", "region": "hip", "needles": 2])?.description.contains("needles") == true)
        #expect(refusal(TechniqueApplied.self, ["technique": "cupping", "region": "hip", "twitch": true])?.description.contains("twitch") == true)
        #expect(refusal(TechniqueApplied.self, ["technique": "dry-needling", "region": "hip", "needles": 51])?.description.contains("needles") == true)
        #expect(refusal(TechniqueApplied.self, ["technique": "dry-needling", "region": "hip", "gauge": ".25"])?.description.contains("gauge") == true)
        #expect(refusal(TechniqueApplied.self, ["technique": "dry-needling", "region": "hip", "twitch": "yes"])?.description.contains("twitch") == true)
        #expect(refusal(TechniqueApplied.self, ["technique": "dry-needling", "region": "hip", "acknowledgedPrecautions": []]) != nil, "never an empty list")
        #expect(refusal(TechniqueApplied.self, ["technique": "dry-needling", "region": "hip", "acknowledgedPrecautions": ["x"]]) != nil)
    }

    @Test("a version-1 technique reads as version 2 unchanged; one carrying a version-2 member is refused")
    func upcastTechnique() throws {
        let v1: JSONValue = ["technique": "dry-needling", "region": "neck", "minutes": 10]
        #expect(try TechniqueApplied.upcastFromVersion1(v1) == v1)
        #expect(throws: ClinicalError.self) { try TechniqueApplied.upcastFromVersion1(["technique": "dry-needling", "region": "neck", "needles": 2]) }
        #expect(try ClinicalEvent.upcasters.upcast(type: TechniqueApplied.eventType, version: 1, payload: v1) == v1)
    }

    @Test("corrections: the fields each new type lets a clinician change, and a corrected entry stays valid")
    func corrections() throws {
        let needling = ClinicalEvent(TechniqueApplied(technique: "dry-needling", region: "neck", needles: 2))
        let more = ClinicalEvent.corrected(needling, by: EntryCorrected(target: EventID.make(), fields: ["needles": 3, "twitch": true], reason: "Miscounted"))
        #expect(more == ClinicalEvent(TechniqueApplied(technique: "dry-needling", region: "neck", needles: 3, twitch: true)))
        // Turning a needling entry into cupping would leave needling details on cupping: refused.
        #expect(ClinicalEvent.corrected(needling, by: EntryCorrected(target: EventID.make(), fields: ["technique": "cupping"], reason: "x")) == nil)
        let consent = ClinicalEvent(ConsentRecorded(technique: "cupping", decision: "given", form: "verbal"))
        #expect(ClinicalEvent.corrected(consent, by: EntryCorrected(target: EventID.make(), fields: ["decision": "withdrawn"], reason: "x")) == nil,
                "a decision is never rewritten")
        #expect(ClinicalEvent.corrected(consent, by: EntryCorrected(target: EventID.make(), fields: ["form": "written"], reason: "Signed form found")) != nil)
        let precaution = ClinicalEvent(PrecautionRecorded(kind: "pregnancy"))
        #expect(ClinicalEvent.corrected(precaution, by: EntryCorrected(target: EventID.make(), fields: ["kind": "diabetes"], reason: "x")) == nil)
    }

    @Test("measured values and gauges have one canonical spelling", arguments: [
        ("70", "70"), ("070", "70"), ("12.50", "12.5"), ("-5", "-5"), ("-0", "0"), ("0.05", "0.05"), (" 3 ", "3"), ("100.0", "100"),
    ])
    func measuredValue(_ typed: String, _ stored: String) throws {
        #expect(try MeasuredValue(parsing: typed).text == stored)
        #expect(MeasuredValue.isCanonical(stored))
    }

    @Test("values and gauges refused", arguments: ["", "1e3", "12.", ".5", "1.234", "seventy", "1,5", "+5", "1234567", "--5"])
    func badValue(_ typed: String) {
        #expect(throws: ClinicalError.self) { _ = try MeasuredValue(parsing: typed) }
    }

    @Test("needle gauges")
    func gauges() throws {
        for (typed, stored) in [("0.25", "0.25"), (".25", "0.25"), ("0.3", "0.30"), ("0.160", "0.16"), ("0.40", "0.40")] {
            #expect(try NeedleGauge(parsing: typed).text == stored, "\(typed)")
        }
        for typed in ["0.15", "0.41", "25", "0.2a", "1.25", "", "0..2"] {
            #expect(throws: ClinicalError.self, "\(typed)") { _ = try NeedleGauge(parsing: typed) }
        }
        #expect(NeedleGauge(stored: ".25") == nil && NeedleGauge(stored: "0.25") != nil)
    }

    @Test("every precaution rule names real terms, once; consent is asked for dry needling and cupping, with a reason")
    func rules() {
        var seen = Set<String>()
        for rule in PrecautionRules.rules {
            #expect(Vocabularies.precautionKinds.term(id: rule.precaution) != nil, "\(rule.precaution)")
            #expect(Vocabularies.techniques.term(id: rule.technique) != nil, "\(rule.technique)")
            #expect(seen.insert(rule.precaution + "/" + rule.technique).inserted, "\(rule.precaution)/\(rule.technique) twice")
            #expect(rule.reason.contains("(ASAP") || rule.reason.contains("(MAA") || rule.reason.contains("CLINIC)"), "\(rule.reason): no source")
        }
        #expect(PrecautionRules.rule(precaution: "anticoagulant", technique: "dry-needling")?.level == .caution)
        #expect(PrecautionRules.rule(precaution: "lymphoedema", technique: "dry-needling")?.level == .contraindication)
        #expect(PrecautionRules.rule(precaution: "anticoagulant", technique: "exercise-prescription") == nil)
        let consent = Vocabularies.techniques.terms.filter(\.needsConsent).map(\.id)
        #expect(consent == ["dry-needling", "cupping"])
        #expect(Vocabularies.techniques.term(id: "dry-needling")?.consent?.contains("pneumothorax") == true)
        for test in Vocabularies.measurementTests.terms {
            #expect(test.units.allSatisfy { Vocabularies.measurementUnits.term(id: $0) != nil }, "\(test.id)")
        }
    }

    @Test("anticoagulants are recognised by generic or brand name, whole words only", arguments: [
        ("Warfarin 4 mg daily", "warfarin"), ("ELIQUIS 5mg bd", "apixaban"), ("Xarelto 20mg", "rivaroxaban"), ("clopidogrel (Plavix) 75 mg", "clopidogrel"),
        ("Pradaxa", "dabigatran"), ("Clexane injections after surgery", "enoxaparin"),
    ])
    func anticoagulants(_ text: String, _ generic: String) {
        #expect(PrecautionRules.anticoagulant(namedIn: text) == generic)
    }

    @Test("not anticoagulants", arguments: ["Ibuprofen 400 mg", "Aspirin 100 mg", "Paracetamol", "Warfarinish", "Atorvastatin 20 mg"])
    func notAnticoagulants(_ text: String) {
        #expect(PrecautionRules.anticoagulant(namedIn: text) == nil)
    }
}
