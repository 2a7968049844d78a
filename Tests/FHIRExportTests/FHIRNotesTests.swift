import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

@testable import FHIRExport
import Foundation
import Projections
import Testing
import MyologTestSupport

/// Notes in the FHIR export: each typed note travels with its entry — a technique's on its
/// Procedure, a finding's and its resolution's on the Observation — and the visit is an
/// Encounter with its reason and its closing plan.
@Suite("FHIR: notes and the visit")
struct FHIRNotesTests {
    let scratch = TemporaryDirectory("fhir-notes")

    static let reason = "Neck pain <b>since Monday</b>"
    static let techniqueNote = "2 passes R UT, LTR x2 <script>x</script>"
    static let findingNote = "Reproduces temple headache & jaw ache"
    static let resolutionNote = "No longer palpable"
    static let plan = "Chin tucks 3×10 daily\n<p>Review in 1 week</p>"

    /// One visit with a note on everything that can carry one, and a pain score (which cannot).
    func visit() throws -> (EventStore, PatientID) {
        let store = try EventStore.create(at: scratch.url("store"), site: "Carlton", projections: [PatientProjection()], wallClock: .stepping(from: .now()))
        let patient = try ClinicalRecord(store: store).write { s -> PatientID in
            let patient = try s.register(.init(name: "Mia Thompson", dateOfBirth: "1988-04-12"), author: "jo").patient!
            let p = IDReference(patient)
            let day = EntryDate(CivilDate(year: 2026, month: 11, day: 20)!)
            try s.startVisit(p, reason: Self.reason, date: day, author: "alex")
            try s.recordPain(p, score: 6, region: "neck", context: "pre", date: day, author: "alex")
            let finding = try s.recordTriggerPoint(p, muscle: "upper trapezius", side: "right", note: Self.findingNote, date: day, author: "alex")
            try s.recordTechnique(p, technique: "myofascial release", region: "neck", minutes: 20, note: Self.techniqueNote, date: day, author: "alex")
            try s.recordTechnique(p, technique: "deep tissue massage", region: "upper back", minutes: 15, date: day, author: "alex")
            try s.resolveTriggerPoint(IDReference(finding.id), note: Self.resolutionNote, author: "alex")
            try s.endVisit(p, note: Self.plan, date: day, author: "alex")
            return patient
        }
        return (store, patient)
    }

    func resources(_ bundle: JSONValue, _ type: String) -> [[String: JSONValue]] {
        (bundle.objectValue?["entry"]?.arrayValue ?? []).compactMap { $0.objectValue?["resource"]?.objectValue }.filter { $0["resourceType"] == .string(type) }
    }

    func notes(_ resource: [String: JSONValue]) -> [String] {
        resource["note"]?.arrayValue?.compactMap { $0.objectValue?["text"]?.stringValue } ?? []
    }

    @Test("a technique's note is its Procedure's note (with its minutes); one without a note has only its minutes")
    func procedureNotes() throws {
        let (store, patient) = try visit()
        let bundle = try #require(try store.read { try FHIRPatientBundle.make(patient: patient, events: $0.events(patient: patient), sites: $0.sites()) })
        let procedures = resources(bundle, "Procedure")
        #expect(procedures.count == 2)
        let release = try #require(procedures.first { $0["code"]?.objectValue?["text"] == "Myofascial release" })
        #expect(notes(release) == ["Duration: 20 minutes", Self.techniqueNote], "the note as typed: JSON carries it, a receiver escapes it")
        let massage = try #require(procedures.first { $0 != release })
        #expect(notes(massage) == ["Duration: 15 minutes"])
        #expect(procedures.allSatisfy { $0["encounter"] != nil }, "both in the visit")
    }

    @Test("a finding's note and its resolution's are the Observation's notes; the visit is an Encounter with its reason and the closing plan, escaped in its narrative")
    func observationAndEncounter() throws {
        let (store, patient) = try visit()
        let bundle = try #require(try store.read { try FHIRPatientBundle.make(patient: patient, events: $0.events(patient: patient), sites: $0.sites()) })
        let finding = try #require(resources(bundle, "Observation").first { $0["code"]?.objectValue?["text"] == "Myofascial trigger point" })
        let texts = notes(finding)
        #expect(texts.first == Self.findingNote)
        #expect(texts.count == 2 && texts[1].hasPrefix("Resolved ") && texts[1].hasSuffix(": \(Self.resolutionNote)"), "\(texts)")
        let encounter = try #require(resources(bundle, "Encounter").first)
        #expect(encounter["reasonCode"] == [["text": .string(Self.reason)]])
        #expect(encounter["status"] == "finished")
        let div = try #require(encounter["text"]?.objectValue?["div"]?.stringValue)
        #expect(div.contains("Chin tucks 3×10 daily\n&lt;p&gt;Review in 1 week&lt;/p&gt;"), "the plan is text in the narrative: \(div)")
        #expect(!div.contains("<p>Review"))
        let pain = try #require(resources(bundle, "Observation").first { $0["valueInteger"] == .int(6) })
        #expect(pain["note"] == nil, "a pain score has no note to carry")
    }
}
