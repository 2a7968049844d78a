import Foundation
import MyologTestSupport
import Testing
import EventModel

/// `myolog export fhir` of a visit whose notes are markup, validated by fhir.resources
/// (Tools/check-fhir.py): the notes travel as typed on the Procedure and the Observation, the
/// visit is an Encounter with its reason, and the closing plan's narrative is well-formed XHTML.
@Suite("myolog export fhir: notes")
struct FHIRNotesCLITests {
    let scratch = TemporaryDirectory("fhir-notes-cli")

    func resources(_ bundle: JSONValue, _ type: String) -> [[String: JSONValue]] {
        (bundle.objectValue?["entry"]?.arrayValue ?? []).compactMap { $0.objectValue?["resource"]?.objectValue }.filter { $0["resourceType"] == .string(type) }
    }

    @Test("the technique's, the finding's notes and the visit's reason and plan are in the Bundle, and fhir.resources accepts it")
    func notesValidate() throws {
        let store = scratch.path("clinic"), file = scratch.path("bundle.json")
        let patient = try ReportNotesCLITests().visit(store)
        let exported = try MyologProcess.run(["--store", store, "export", "fhir", patient, "--out", file])
        #expect(exported.status == 0, "\(exported.stderr)")
        let bundle = try JSONParser.parse(Array(Data(contentsOf: URL(fileURLWithPath: file))))
        let procedure = try #require(resources(bundle, "Procedure").first)
        #expect(procedure["note"]?.arrayValue?.contains(["text": .string(ReportNotesCLITests.techniqueNote)]) == true)
        let finding = try #require(resources(bundle, "Observation").first { $0["valueBoolean"] == true })
        #expect(finding["note"]?.arrayValue?.first == ["text": .string(ReportNotesCLITests.findingNote)])
        let encounter = try #require(resources(bundle, "Encounter").first)
        #expect(encounter["reasonCode"] == [["text": .string(ReportNotesCLITests.reason)]])
        #expect(encounter["text"]?.objectValue?["div"]?.stringValue?.contains("Chin tucks 3×10 &lt;img") == true)
        let validation = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-fhir.py").path, file],
                                               executable: SchemaValidationTests.python)
        #expect(validation.status == 0 && validation.stdout.hasPrefix("ok: 1 R4B Bundle(s) valid"), "\(validation.stdout)\(validation.stderr)")
    }
}
