import ClinicalEvents
import EventModel
import Foundation
import MyologTestSupport
import Testing

/// Outcome measures through the built binary: NDI answer sets recorded by a signed therapist,
/// `myolog export fhir`, and the Bundle validated by an independent FHIR implementation
/// (Tools/check-fhir.py: fhir.resources R4B, every reference resolving, every response's items
/// those of its Questionnaire and within their ranges).
@Suite("myolog export fhir: outcome measures")
struct FHIROutcomeCLITests {
    let scratch = TemporaryDirectory("fhir-outcomes")

    @discardableResult
    func run(_ arguments: [String], as user: String?, keys: String) throws -> MyologProcess.Result {
        try MyologProcess.run(arguments, environment: MyologProcess.environment(["MYOLOG_USER": user ?? "", "XDG_CONFIG_HOME": keys]))
    }

    func check(_ file: String) throws -> MyologProcess.Result {
        try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-fhir.py").path, file], executable: SchemaValidationTests.python)
    }

    func resources(_ bundle: JSONValue, _ type: String) -> [[String: JSONValue]] {
        (bundle.objectValue?["entry"]?.arrayValue ?? []).compactMap { $0.objectValue?["resource"]?.objectValue }.filter { $0["resourceType"] == .string(type) }
    }

    /// Writes `bundle` with `change` applied to its first QuestionnaireResponse, for the checker to refuse.
    func tampered(_ bundle: JSONValue, _ name: String, _ change: (inout [String: JSONValue]) -> Void) throws -> String {
        var members = bundle.objectValue!
        members["entry"] = .array(members["entry"]!.arrayValue!.map { entry in
            guard var resource = entry.objectValue?["resource"]?.objectValue, resource["resourceType"] == "QuestionnaireResponse" else { return entry }
            change(&resource)
            var changed = entry.objectValue!
            changed["resource"] = .object(resource)
            return .object(changed)
        })
        let file = scratch.path(name)
        try JSONValue.object(members).canonicalString.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("NDI baseline (item 10 skipped) in a signed-off visit and a reassessment: two QuestionnaireResponses by the therapist's Practitioner and their score Observations, valid for fhir.resources; a response the Questionnaire does not allow is refused")
    func ndiExport() throws {
        let keys = scratch.path("keys"), store = scratch.path("clinic")
        #expect(try run(["--store", store, "init", "--site", "Carlton", "--time-zone", "Australia/Melbourne", "--as", "alex", "--display", "Alex"], as: nil, keys: keys).status == 0)
        let made = try run(["--json", "user", "key", "create", "--as", "sam"], as: nil, keys: keys)
        let samKey = try #require(JSONParser.parse(made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["publicKey"]?.stringValue)
        #expect(try run(["--store", store, "user", "add", "sam", "--display", "Sam Lee", "--role", "therapist", "--key", samKey], as: "alex", keys: keys).status == 0)
        let patient = try run(["--store", store, "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"], as: "sam", keys: keys).lastWord
        #expect(try run(["--store", store, "visit", "start", patient, "--reason", "Neck pain"], as: "sam", keys: keys).status == 0)
        let baseline = try run(["--store", store, "record", "outcome", patient, "--instrument", "ndi", "--answers", "2,3,1,0,4,2,1,3,2,-", "--context", "baseline"],
                               as: "sam", keys: keys)
        #expect(baseline.status == 0, "\(baseline.stderr)")
        #expect(try run(["--store", store, "visit", "end", patient, "--sign"], as: "sam", keys: keys).status == 0)
        let reassessment = try run(["--store", store, "record", "outcome", patient, "--instrument", "ndi", "--answers", "2,2,2,2,2,2,2,3,-,0", "--context", "reassessment"],
                                   as: "sam", keys: keys)
        #expect(reassessment.status == 0, "\(reassessment.stderr)")
        let rated = Instruments.latest("psfs") != nil
        if rated {
            let psfs = try run(["--store", store, "record", "outcome", patient, "--instrument", "psfs", "--activity", "Reaching overhead=3", "--activity", "Driving=6",
                                "--context", "baseline"], as: "sam", keys: keys)
            #expect(psfs.status == 0, "\(psfs.stderr)")
        }

        let file = scratch.path("mia.fhir.json")
        let exported = try run(["--store", store, "export", "fhir", patient, "--out", file], as: "sam", keys: keys)
        #expect(exported.status == 0, "\(exported.stderr)")
        let validation = try check(file)
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
        #expect(validation.stdout.contains("QuestionnaireResponse \(rated ? 3 : 2)") && validation.stdout.contains("Questionnaire \(rated ? 2 : 1),"), "\(validation.stdout)")
        let again = try run(["--store", store, "export", "fhir", patient], as: "sam", keys: keys)
        #expect(again.stdout == (try String(contentsOfFile: file, encoding: .utf8)), "exporting twice gives the same bytes")

        let bundle = try JSONParser.parse(Array(Data(contentsOf: URL(fileURLWithPath: file))))
        let responses = resources(bundle, "QuestionnaireResponse").filter { $0["questionnaire"] == "https://myolog.invalid/fhir/Questionnaire/ndi|1" }
        #expect(responses.count == 2)
        let practitioner = try #require(resources(bundle, "Practitioner").first { $0["name"] == [["text": "Sam Lee"]] })
        for response in responses {
            #expect(response["author"]?.objectValue?["reference"] == .string("urn:uuid:\(practitioner["id"]!.stringValue!)"))
            #expect(response["author"]?.objectValue?["display"] == "Sam Lee")
            #expect(response["status"] == "completed" && response["item"]?.arrayValue?.count == 9)
        }
        #expect(responses.filter { $0["encounter"] != nil }.count == 1, "the baseline was answered in the visit")
        let scores = resources(bundle, "Observation").filter { $0["code"]?.objectValue?["text"]?.stringValue?.hasPrefix("Neck Disability Index") == true }
        #expect(Set(scores.compactMap { $0["valueQuantity"]?.objectValue?["value"]?.intValue }) == [20, 189])
        // The baseline's Provenance names the signer as verifier (its visit was signed off).
        let baselineID = try #require(responses.first { $0["encounter"] != nil }?["id"]?.stringValue)
        let provenance = try #require(resources(bundle, "Provenance").first { $0["target"]?.arrayValue?.first?.objectValue?["reference"] == .string("urn:uuid:\(baselineID)") })
        #expect(provenance["signature"]?.arrayValue?.isEmpty == false)

        // The checker can fail: an answer outside its item's range, an item the Questionnaire does not have.
        let outOfRange = try tampered(bundle, "range.json") { response in
            var items = response["item"]!.arrayValue!
            var first = items[0].objectValue!
            first["answer"] = [["valueInteger": 6]]
            items[0] = .object(first)
            response["item"] = .array(items)
        }
        let refused = try check(outOfRange)
        #expect(refused.status != 0 && refused.stderr.contains("answer 6 is outside 0…5"), "\(refused.stdout)\(refused.stderr)")
        let unknownItem = try tampered(bundle, "item.json") { response in
            response["item"] = .array(response["item"]!.arrayValue! + [["linkId": "11", "answer": [["valueInteger": 1]]]])
        }
        let refusedItem = try check(unknownItem)
        #expect(refusedItem.status != 0 && refusedItem.stderr.contains("item '11' is not an item of"), "\(refusedItem.stdout)\(refusedItem.stderr)")
        let badStatus = try tampered(bundle, "status.json") { $0["status"] = "final" }
        let refusedStatus = try check(badStatus)
        #expect(refusedStatus.status != 0 && refusedStatus.stderr.contains("QuestionnaireResponse.status 'final'"), "\(refusedStatus.stdout)\(refusedStatus.stderr)")
    }
}
