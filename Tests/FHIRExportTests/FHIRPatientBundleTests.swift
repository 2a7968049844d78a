import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

@testable import FHIRExport
import Foundation
import ClinicalFold
import Projections
import Testing
import MyologTestSupport

@Suite("FHIR R4 Bundle of a patient")
struct FHIRPatientBundleTests {
    let scratch = TemporaryDirectory("fhir")
    var root: URL { scratch.url }

    /// The demo clinic: every event type, a correction of a pain score, a retraction. Its clock
    /// steps a millisecond per reading, so every event has its own `recordedAt` however fast the
    /// machine writes them, and an as-of instant falls between two events by construction.
    func demo() throws -> (EventStore, DemoClinic.Summary) {
        let store = try EventStore.create(at: root.appendingPathComponent("store"), site: "Fitzroy", projections: [PatientProjection()],
                                          wallClock: .stepping(from: .now()))
        return (store, try DemoClinic.populate(ClinicalRecord(store: store)))
    }

    func bundle(_ store: EventStore, _ patient: PatientID, _ travel: TimeTravel = .now) throws -> JSONValue {
        try #require(try store.read { reader in try FHIRPatientBundle.make(patient: patient, events: reader.events(patient: patient), sites: reader.sites(), travel: travel) })
    }

    func resources(_ bundle: JSONValue, _ type: String) -> [[String: JSONValue]] {
        (bundle.objectValue?["entry"]?.arrayValue ?? []).compactMap { $0.objectValue?["resource"]?.objectValue }.filter { $0["resourceType"] == .string(type) }
    }

    func code(_ resource: [String: JSONValue]) -> String? {
        resource["code"]?.objectValue?["coding"]?.arrayValue?.first?.objectValue?["code"]?.stringValue
    }

    @Test("pain scores carry LOINC 72514-3 with their current value: corrected ones amended, retracted ones absent")
    func painScores() throws {
        let (store, summary) = try demo()
        let (liam, _) = summary.patients[1]
        let b = try bundle(store, liam)
        let pains = resources(b, "Observation").filter { code($0) == "72514-3" }
        let record = try store.read { try PatientFold.fold(liam, events: $0.events(patient: liam)) }
        #expect(pains.count == record.painScores.count)
        #expect(pains.map { $0["valueInteger"] } == record.painScores.map { $0.view(as: PainScoreRecorded.self).map { JSONValue.int($0.payload.score) } })
        let corrected = try #require(record.painScores.first { !$0.corrections.isEmpty })
        let exported = try #require(pains.first { $0["id"] == .string(corrected.event.id.rawValue) })
        #expect(exported["valueInteger"] == .int(3), "the demo corrects 4 → 3")
        #expect(exported["status"] == "amended")
        // Its provenance names the original and the correction.
        let provenance = try #require(resources(b, "Provenance").first { $0["target"]?.arrayValue?.first?.objectValue?["reference"] == .string("urn:uuid:\(corrected.event.id)") })
        let entities = provenance["entity"]?.arrayValue?.compactMap { $0.objectValue?["what"]?.objectValue?["identifier"]?.objectValue?["value"]?.stringValue } ?? []
        #expect(entities == [corrected.event.id.rawValue] + corrected.corrections.map(\.id.rawValue))

        // A retracted entry is absent: Ruth's mistaken dry needling.
        let (ruth, _) = summary.patients[2]
        let ruthRecord = try store.read { try PatientFold.fold(ruth, events: $0.events(patient: ruth)) }
        let retracted = try #require(ruthRecord.entries.first { $0.isRetracted })
        let ruthBundle = try bundle(store, ruth)
        let ids = (ruthBundle.objectValue?["entry"]?.arrayValue ?? []).compactMap { $0.objectValue?["resource"]?.objectValue?["id"]?.stringValue }
        #expect(!ids.contains(retracted.event.id.rawValue))
        #expect(resources(ruthBundle, "Procedure").count == ruthRecord.techniques.count + ruthRecord.history("surgery").count)
    }

    @Test("occupation is LOINC 11341-5 with the ergonomics; history maps to MedicationStatement, Condition, Procedure; trigger points carry SNOMED CT muscle and side")
    func historyAndFindings() throws {
        let (store, summary) = try demo()
        let (mia, _) = summary.patients[0]
        let b = try bundle(store, mia)
        let occupation = try #require(resources(b, "Observation").first { code($0) == "11341-5" })
        #expect(occupation["valueString"] == "Software developer, full time")
        #expect(occupation["note"]?.arrayValue?.first?.objectValue?["text"]?.stringValue?.contains("Laptop on a kitchen bench") == true)
        #expect(resources(b, "MedicationStatement").first?["medicationCodeableConcept"]?.objectValue?["text"] == "Ibuprofen 200 mg as needed for headaches")
        #expect(resources(b, "Condition").first?["category"]?.arrayValue?.first?.objectValue?["coding"]?.arrayValue?.first?.objectValue?["code"] == "problem-list-item")
        let trapezius = try #require(resources(b, "Observation").first { code($0) == "myofascial-trigger-point" && $0["bodySite"]?.objectValue?["coding"] != nil })
        #expect(trapezius["bodySite"]?.objectValue?["coding"]?.arrayValue?.first?.objectValue?["code"] == "31764008")
        let side = trapezius["component"]?.arrayValue?.first?.objectValue?["valueCodeableConcept"]?.objectValue?["coding"]?.arrayValue?.first?.objectValue?["code"]
        #expect(side == "24028007", "right")
        #expect(trapezius["note"]?.arrayValue?.contains { $0.objectValue?["text"]?.stringValue?.hasPrefix("Resolved") == true } == true)
        let techniques = resources(b, "Procedure").compactMap { code($0) }
        #expect(techniques.contains("technique-dry-needling"))
        #expect(Set(techniques).isSubset(of: Set(FHIRCodes.myologCodes.map(\.code))), "every Myolog code used is in the shipped CodeSystem")
        // Encounters: one per visit, referenced from what happened in it, with the advice given.
        let encounters = resources(b, "Encounter")
        #expect(encounters.count == 2 && encounters.allSatisfy { $0["status"] == "finished" })
        #expect(encounters[0]["text"]?.objectValue?["div"]?.stringValue?.contains("chin tucks") == true)
        let inVisit = resources(b, "Observation").filter { $0["encounter"] != nil }
        #expect(inVisit.count >= 4)
    }

    @Test("ids come from the events: exporting twice gives the same bytes; --as-of gives the record as it stood")
    func stableAndTimeTravel() throws {
        let (store, summary) = try demo()
        let (mia, _) = summary.patients[0]
        #expect(try bundle(store, mia).canonicalString == bundle(store, mia).canonicalString)
        let events = try store.read { try $0.events(patient: mia) }
        let registered = try #require(events.first)
        #expect(events.dropFirst().allSatisfy { $0.recordedAt > registered.recordedAt })
        let early = try bundle(store, mia, .asOf(registered.recordedAt))
        #expect(resources(early, "Patient").count == 1)
        #expect(resources(early, "Observation").isEmpty && resources(early, "Encounter").isEmpty)
        #expect(try store.read { reader in try FHIRPatientBundle.make(patient: PatientID.make(), events: [], sites: reader.sites()) } == nil)
    }

    @Test("derived ids are UUIDs, stable, and differ by name")
    func derivedIDs() {
        let a = FHIRPatientBundle.derivedID("Provenance", "x"), b = FHIRPatientBundle.derivedID("Provenance", "y")
        #expect(a == FHIRPatientBundle.derivedID("Provenance", "x"))
        #expect(a != b)
        #expect(a.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil)
    }

    @Test("the code table in Schemas/ is the one in code (regenerate: myolog export fhir --codes > Schemas/fhir-codes.json)")
    func codeTableIsCurrent() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Schemas/fhir-codes.json").standardized
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text == FHIRCodes.document.canonicalString + "\n")
    }
}
