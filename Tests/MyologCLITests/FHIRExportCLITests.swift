import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// `myolog export fhir`, validated by an independent FHIR implementation (Python fhir.resources, R4B).
@Suite("myolog export fhir")
struct FHIRExportCLITests {
    let scratch = TemporaryDirectory("cli")

    func check(_ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-fhir.py").path] + arguments,
                              executable: SchemaValidationTests.python)
    }

    func rows(_ store: String) throws -> [String] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT id FROM events ORDER BY position") }
    }

    @Test("every sample patient (every event type, corrections, a retraction) exports to a Bundle fhir.resources accepts; twice gives the same bytes; a tampered one is refused")
    func validBundles() throws {
        let store = scratch.path("clinic")
        #expect(try MyologProcess.run(["demo", "tour", "--store", store]).status == 0)
        let patients = try JSONParser.parse(try MyologProcess.run(["--store", store, "patients", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let ids = try #require(patients.arrayValue).compactMap { $0.objectValue?["patientId"]?.stringValue }
        #expect(ids.count == 4)
        var files: [String] = []
        for id in ids {
            let file = scratch.path("\(id).json")
            let result = try MyologProcess.run(["--store", store, "export", "fhir", String(id.prefix(8)), "--out", file])
            #expect(result.status == 0, "\(result.stderr)")
            files.append(file)
            let again = try MyologProcess.run(["--store", store, "export", "fhir", id])
            #expect(again.stdout == (try String(contentsOfFile: file, encoding: .utf8)), "exporting twice gives the same bytes")
        }
        let validation = try check(files)
        #expect(validation.status == 0 && validation.stdout.hasPrefix("ok: 4 R4B Bundle(s) valid"), "\(validation.stdout)\(validation.stderr)")
        for kind in ["Patient 4", "MedicationStatement", "Condition", "Procedure", "Encounter", "Observation", "Provenance", "CodeSystem 4"] {
            #expect(validation.stdout.contains(kind), "\(kind) missing: \(validation.stdout)")
        }
        // The checker can fail: an Observation without its code, and a dangling reference.
        var bundle = try #require(try JSONParser.parse(Array(Data(contentsOf: URL(fileURLWithPath: files[0])))).objectValue)
        var entries = try #require(bundle["entry"]?.arrayValue)
        let index = try #require(entries.firstIndex { $0.objectValue?["resource"]?.objectValue?["resourceType"] == "Observation" })
        var entry = entries[index].objectValue!
        var resource = entry["resource"]!.objectValue!
        resource["code"] = nil
        entry["resource"] = .object(resource)
        entries[index] = .object(entry)
        bundle["entry"] = .array(entries)
        let tampered = scratch.path("tampered.json")
        try JSONValue.object(bundle).canonicalString.write(toFile: tampered, atomically: true, encoding: .utf8)
        let refused = try check([tampered])
        #expect(refused.status != 0 && refused.stderr.contains("resource.code"), "\(refused.stdout)\(refused.stderr)")
    }

    @Test("--all writes one Bundle per patient and an index, all valid; a non-empty directory is refused, nothing written")
    func exportAll() throws {
        let store = scratch.path("clinic"), out = scratch.path("export")
        #expect(try MyologProcess.run(["demo", "tour", "--store", store]).status == 0)
        let result = try MyologProcess.run(["--store", store, "export", "fhir", "--all", "--out", out])
        #expect(result.status == 0 && result.stdout.contains("Exported 4 patients"), "\(result.stdout)\(result.stderr)")
        let validation = try check(["--dir", out])
        #expect(validation.status == 0 && validation.stdout.hasPrefix("ok: 4 R4B Bundle(s) valid"), "\(validation.stdout)\(validation.stderr)")
        let before = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        let again = try MyologProcess.run(["--store", store, "export", "fhir", "--all", "--out", out])
        #expect(again.status != 0 && again.stderr.hasPrefix("myolog: error: out: "), "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == before)
    }

    @Test("an unknown patient, or no patient, is a one-line error naming the field; nothing written", arguments: [
        ["export", "fhir", "00000000-0000-4000-8000-000000000000", "--out", "OUT"],
        ["export", "fhir", "zzzzzzzz", "--out", "OUT"],
        ["export", "fhir", "--out", "OUT"],
        ["export", "fhir", "--all"],
    ])
    func refusals(_ arguments: [String]) throws {
        let store = scratch.path("clinic"), out = scratch.path("out.json")
        #expect(try MyologProcess.run(["demo", "tour", "--store", store]).status == 0)
        let before = try rows(store)
        let result = try MyologProcess.run(["--store", store] + arguments.map { $0 == "OUT" ? out : $0 })
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("myolog: error: ") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(["patient", "out:", "id:"].contains { result.stderr.contains($0) }, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try rows(store) == before)
    }
}
