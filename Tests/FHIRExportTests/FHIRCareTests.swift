import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

@testable import FHIRExport
import Foundation
import Projections
import Testing
import MyologTestSupport

/// The records of care in the FHIR export: a treatment note as a Composition, consent decisions
/// as Consents, precautions as Flags, an adverse event as an AdverseEvent pointing at the
/// Procedure it followed, measurements as Observations in UCUM, needling details on the Procedure.
@Suite("FHIR: records of care")
struct FHIRCareTests {
    let scratch = TemporaryDirectory("fhir-care")

    /// A first consultation with every record of care, then consent withdrawn and a precaution
    /// resolved. Returns the store, the patient and the dry-needling entry.
    static func consultation(_ directory: URL) throws -> (EventStore, PatientID, EventID) {
        let store = try EventStore.create(at: directory, site: "Carlton", projections: [PatientProjection()], wallClock: .stepping(from: .now()))
        let (patient, needling) = try ClinicalRecord(store: store).write { s -> (PatientID, EventID) in
            let patient = try s.register(.init(name: "Mia Thompson", dateOfBirth: "1988-04-12"), author: "jo").patient!
            let p = IDReference(patient)
            try s.startVisit(p, reason: "Neck pain", author: "alex")
            let warfarin = try s.recordPrecaution(p, kind: "anticoagulant", note: "Warfarin 5 mg <b>daily</b>", author: "alex")
            let pregnancy = try s.recordPrecaution(p, kind: "pregnancy", author: "alex")
            try s.recordConsent(p, technique: "dry needling", form: "verbal", risks: "bruising, soreness, fainting, pneumothorax", author: "alex")
            try s.recordNote(p, .init(subjective: "Neck pain 3 weeks,\nworse at the desk", objective: "Reduced rotation", assessment: "Myofascial neck pain",
                                      plan: "Needling, review in 1 week"), author: "alex")
            let needled = try s.recordTechnique(p, technique: "dry needling", region: "neck", minutes: 10, note: "R UT",
                                                needling: .init(needles: 4, gauge: try NeedleGauge(parsing: "0.25"), depth: 15, twitch: true),
                                                acknowledgePrecautions: true, author: "alex")
            try s.recordAdverseEvent(p, kind: "bruising", severity: "mild", after: IDReference(needled.id), note: "2 cm bruise R UT", author: "alex")
            try s.recordMeasurement(p, test: "cervical rotation", side: "left", reading: .value(try MeasuredValue(parsing: "70"), unit: nil), author: "alex")
            try s.recordMeasurement(p, test: "lumbar flexion", reading: .value(try MeasuredValue(parsing: "12.5"), unit: "cm"), author: "alex")
            try s.recordMeasurement(p, test: "spurling", side: "right", reading: .result("positive"), note: "Reproduces arm pain", author: "alex")
            try s.endVisit(p, note: "Review in 1 week", author: "alex")
            try s.withdrawConsent(p, technique: "dry needling", form: "verbal", note: "Prefers no needles", author: "alex")
            try s.recordConsent(p, technique: "cupping", form: "written", author: "alex")
            try s.resolvePrecaution(IDReference(pregnancy.id), note: "Delivered", author: "alex")
            _ = warfarin
            return (patient, needled.id)
        }
        return (store, patient, needling)
    }

    func bundle() throws -> (JSONValue, EventID) {
        let (store, patient, needling) = try Self.consultation(scratch.url("store"))
        let bundle = try #require(try store.read { try FHIRPatientBundle.make(patient: patient, events: $0.events(patient: patient), sites: $0.sites()) })
        return (bundle, needling)
    }

    func resources(_ bundle: JSONValue, _ type: String) -> [[String: JSONValue]] {
        (bundle.objectValue?["entry"]?.arrayValue ?? []).compactMap { $0.objectValue?["resource"]?.objectValue }.filter { $0["resourceType"] == .string(type) }
    }

    func code(_ concept: JSONValue?) -> String? { concept?.objectValue?["coding"]?.arrayValue?.first?.objectValue?["code"]?.stringValue }

    @Test("a treatment note is a progress-note Composition with one LOINC-coded section per SOAP part, in its visit, the text escaped")
    func composition() throws {
        let (bundle, _) = try bundle()
        let note = try #require(resources(bundle, "Composition").first)
        #expect(code(note["type"]) == "11506-3" && note["status"] == "final" && note["encounter"] != nil)
        let sections = note["section"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(sections.map { code($0["code"]) } == ["61150-9", "61149-1", "51848-0", "18776-5"])
        #expect(sections[0]["text"]?.objectValue?["div"]?.stringValue == #"<div xmlns="http://www.w3.org/1999/xhtml"><p>Neck pain 3 weeks,"# + "\nworse at the desk</p></div>")
    }

    @Test("consent decisions are Consents: the withdrawn dry-needling consent inactive, its period ended by the withdrawal (deny, active); cupping written and active")
    func consents() throws {
        let (bundle, _) = try bundle()
        let consents = resources(bundle, "Consent")
        #expect(consents.count == 3)
        let given = try #require(consents.first { $0["provision"]?.objectValue?["type"] == "permit" && code($0["provision"]?.objectValue?["code"]?.arrayValue?.first) == "technique-dry-needling" })
        let withdrawn = try #require(consents.first { $0["provision"]?.objectValue?["type"] == "deny" })
        #expect(given["status"] == "inactive" && withdrawn["status"] == "active")
        #expect(given["provision"]?.objectValue?["period"]?.objectValue?["end"] == withdrawn["dateTime"])
        #expect(code(given["scope"]) == "treatment" && given["category"]?.arrayValue?.compactMap { code($0) } == ["59284-0", "consent-verbal"])
        #expect(given["text"]?.objectValue?["div"]?.stringValue?.contains("Risks explained: bruising, soreness, fainting, pneumothorax") == true)
        #expect(code(given["policyRule"]) == "OPTIN" && code(withdrawn["policyRule"]) == "OPTOUT")
        let cupping = try #require(consents.first { code($0["provision"]?.objectValue?["code"]?.arrayValue?.first) == "technique-cupping" })
        #expect(cupping["status"] == "active" && cupping["category"]?.arrayValue?.compactMap { code($0) } == ["59284-0", "consent-written"])
    }

    @Test("precautions are clinical Flags: active until resolved, the note escaped in the narrative; the resolved one inactive with its period ended")
    func flags() throws {
        let (bundle, _) = try bundle()
        let flags = resources(bundle, "Flag")
        let warfarin = try #require(flags.first { code($0["code"]) == "precaution-anticoagulant" })
        #expect(warfarin["status"] == "active" && code(warfarin["category"]?.arrayValue?.first) == "clinical")
        #expect(warfarin["text"]?.objectValue?["div"]?.stringValue?.contains("Warfarin 5 mg &lt;b&gt;daily&lt;/b&gt;") == true)
        let pregnancy = try #require(flags.first { code($0["code"]) == "precaution-pregnancy" })
        #expect(pregnancy["status"] == "inactive" && pregnancy["period"]?.objectValue?["end"] != nil)
    }

    @Test("the adverse event is actual, mild, its suspect entity the dry-needling Procedure; that Procedure carries the needling details and the acknowledged precaution")
    func adverseEventAndNeedling() throws {
        let (bundle, needling) = try bundle()
        let event = try #require(resources(bundle, "AdverseEvent").first)
        #expect(event["actuality"] == "actual" && code(event["event"]) == "adverse-event-bruising" && code(event["severity"]) == "mild")
        #expect(event["suspectEntity"]?.arrayValue?.first?.objectValue?["instance"]?.objectValue?["reference"] == .string("urn:uuid:\(needling.rawValue)"))
        let procedure = try #require(resources(bundle, "Procedure").first { $0["id"] == .string(needling.rawValue) })
        let notes = procedure["note"]?.arrayValue?.compactMap { $0.objectValue?["text"]?.stringValue } ?? []
        #expect(notes.contains("Needling: 4 needles, 0.25 mm gauge, 15 mm deep, local twitch response elicited"), "\(notes)")
        #expect(notes.contains { $0.hasPrefix("Applied despite active precautions (alert acknowledged): ") && $0.contains("Anticoagulant") && $0.contains("Pregnancy") }, "\(notes)")
        #expect(procedure["usedCode"] == [["text": "Dry needling needle, 0.25 mm × 4"]])
    }

    @Test("an adverse event whose technique entry was retracted keeps no dangling suspect entity, and says so; the Bundle's references all resolve")
    func retractedTechnique() throws {
        let (store, patient, needling) = try Self.consultation(scratch.url("store"))
        try ClinicalRecord(store: store).write { s in _ = try s.retract(IDReference(needling), reason: "Wrong patient", author: "alex") }
        let bundle = try #require(try store.read { try FHIRPatientBundle.make(patient: patient, events: $0.events(patient: patient), sites: $0.sites()) })
        let event = try #require(resources(bundle, "AdverseEvent").first)
        #expect(event["suspectEntity"] == nil)
        #expect(event["text"]?.objectValue?["div"]?.stringValue?.contains("after a technique entry since retracted") == true)
        #expect(!resources(bundle, "Procedure").contains { $0["id"] == .string(needling.rawValue) })
        #expect(unresolvedReferences(bundle).isEmpty, "\(unresolvedReferences(bundle))")
    }

    @Test("measurements are exam Observations: 70 deg in UCUM deg, 12.5 cm exactly as 125 mm with the recorded value noted, a special test Positive (SNOMED CT), the side a laterality component")
    func measurements() throws {
        let (bundle, _) = try bundle()
        let observations = resources(bundle, "Observation")
        let rotation = try #require(observations.first { code($0["code"]) == "test-cervical-rotation" })
        #expect(rotation["valueQuantity"] == ["value": 70, "unit": "degrees", "system": "http://unitsofmeasure.org", "code": "deg"])
        #expect(code(rotation["component"]?.arrayValue?.first?.objectValue?["valueCodeableConcept"]) == "7771000", "left")
        let flexion = try #require(observations.first { code($0["code"]) == "test-lumbar-flexion" })
        #expect(flexion["valueQuantity"] == ["value": 125, "unit": "millimetres", "system": "http://unitsofmeasure.org", "code": "mm"])
        #expect(flexion["note"] == [["text": "Recorded as 12.5 cm"]])
        let spurling = try #require(observations.first { code($0["code"]) == "test-spurling" })
        #expect(code(spurling["valueCodeableConcept"]) == "10828004" && spurling["note"] == [["text": "Reproduces arm pain"]])
        #expect(Set(resources(bundle, "Observation").compactMap { code($0["code"]) }).isSubset(of: Set(FHIRCodes.myologCodes.map(\.code) + ["72514-3", "11341-5"])))
    }

    @Test("a value is exact in UCUM: whole in its unit, else in the first finer unit that makes it whole", arguments: [
        ("70", "deg", 70, "deg"), ("12.5", "deg", 750, "'"), ("12.34", "deg", 44424, "''"), ("-5", "deg", -5, "deg"), ("12.5", "cm", 125, "mm"),
        ("0.01", "cm", 100, "um"), ("0.75", "kg", 750, "g"), ("30", "s", 30, "s"), ("2.5", "s", 2500, "ms"),
    ])
    func quantities(text: String, unit: String, value: Int, code: String) throws {
        let quantity = try #require(MeasuredQuantity.quantity(text, unit: unit))
        #expect(quantity.value == value && quantity.unit.code == code)
        #expect(MeasuredQuantity.json("1.234", unit: unit) == nil && MeasuredQuantity.json("x", unit: unit) == nil)
    }
}
