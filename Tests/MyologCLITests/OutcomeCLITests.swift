import EventModel
import Foundation
import GRDB
import MyologTestSupport
import Testing

/// Outcome measures through the built binary: answer sets recorded, scored and followed from
/// baseline in `show`, `timeline` and `patients`; corrections rescore; every bad input of issue
/// 34 refused in one line naming the field, a non-zero exit, and nothing written.
@Suite("Outcome measures on the command line")
struct OutcomeCLITests {
    let scratch = TemporaryDirectory("outcomes-cli")

    func clinic() throws -> (store: String, patient: String) {
        let store = scratch.path("clinic")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Fitzroy"]).status == 0)
        let registered = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"])
        return (store, registered.lastWord)
    }

    @discardableResult
    func run(_ store: String, _ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["--store", store, "--as", "alex"] + arguments)
    }

    /// Every stored event and every outcome row, read with SQLite itself.
    func stored(_ store: String) throws -> [String] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY position").map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM outcomes ORDER BY event").map(\.description)
        }
    }

    func show(_ store: String, _ patient: String) throws -> [String: JSONValue] {
        let shown = try run(store, ["show", patient, "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        return try JSONParser.parse(shown.stdout).objectValue ?? [:]
    }

    @Test("NDI and PSFS from baseline: scores, change, MCID and MDC, reassessment due, in show, timeline and patients")
    func course() throws {
        let (store, patient) = try clinic()
        for arguments in [
            ["--instrument", "ndi", "--answers", "3,1,1,2,3,2,2,1,2,1", "--context", "baseline", "--date", "2026-09-01 09:00"],
            ["--instrument", "psfs", "--activity", "Laptop work for an hour=3", "--activity", "Driving=4", "--context", "baseline", "--date", "2026-09-01 09:05"],
            ["--instrument", "ndi", "--answers", "2,1,0,1,2,1,1,1,1,1", "--date", "2026-09-15 09:00"],
            ["--instrument", "NDI", "--answers", "1,0,0,1,1,1,0,0,1,-", "--context", "reassessment", "--note", "Skipped driving", "--date", "2026-09-29 09:00"],
            ["--instrument", "psfs", "--activity", "Laptop work for an hour=6", "--activity", "Driving=4", "--date", "2026-09-29 09:05"],
        ] {
            let recorded = try run(store, ["record", "outcome", patient] + arguments)
            #expect(recorded.status == 0 && recorded.stdout.hasPrefix("Recorded outcome: "), "\(recorded.stderr)")
        }
        let view = try show(store, patient)
        let outcomes = try #require(view["outcomes"]?.arrayValue)
        #expect(outcomes.map { $0.objectValue?["scores"]?.objectValue?.values.first?.stringValue } == ["18.0", "3.5", "11.0", "5.6", "5.0"])
        let courses = (view["outcomeCourses"]?.arrayValue ?? []).compactMap { $0.objectValue }
        #expect(courses.map { $0["instrument"]?.stringValue } == ["ndi", "psfs"])
        // NDI: 18.0 → 5.6 (25/45 × 50 = 5.56), 12.4 better, beyond the MCID of 7.5.
        #expect(courses[0]["change"] == "-12.4" && courses[0]["improvement"] == "12.4" && courses[0]["reached"] == true)
        #expect(courses[0]["threshold"] == ["kind": "MCID", "points": "7.5"])
        #expect(courses[0]["reassessmentDue"] == "2026-10-27T09:00:00.000Z")
        // PSFS: 3.5 → 5.0, 1.5 better: short of the MDC of 2.
        #expect(courses[1]["change"] == "1.5" && courses[1]["reached"] == false && courses[1]["threshold"] == ["kind": "MDC", "points": "2.0"])

        let text = try run(store, ["show", patient])
        #expect(text.stdout.contains("baseline 2026-09-01 18.0 → 2026-09-29 5.6/50 points: 12.4 better, MCID 7.5 reached; REASSESSMENT DUE since 2026-10-27"),
                "\(text.stdout)")
        #expect(text.stdout.contains("note: Skipped driving"))
        #expect(text.stdout.contains("Laptop work for an hour=6; Driving=4"))
        let timeline = try run(store, ["timeline", patient])
        #expect(timeline.stdout.contains("NDI v1 (reassessment): 5.6/50 points"), "\(timeline.stdout)")
        let patients = try run(store, ["patients"])
        #expect(patients.stdout.contains("DUE 2026-10-13"), "the PSFS course (every 14 days) falls due first: \(patients.stdout)")
        let listed = try #require(try JSONParser.parse(try run(store, ["patients", "--json"]).stdout).arrayValue?.first?.objectValue)
        #expect(listed["reassessmentDue"] == "2026-10-13T09:05:00.000Z" && listed["reassessmentDueDate"] == "2026-10-13")

        // A discharge closes a course: nothing due for it any more.
        #expect(try run(store, ["record", "outcome", patient, "--instrument", "psfs", "--activity", "Laptop work for an hour=9", "--activity", "Driving=8",
                                "--context", "discharge", "--date", "2026-10-01 09:00"]).status == 0)
        let after = try #require(try JSONParser.parse(try run(store, ["patients", "--json"]).stdout).arrayValue?.first?.objectValue)
        #expect(after["reassessmentDue"] == "2026-10-27T09:00:00.000Z")
    }

    @Test("each bad input of issue 34 is one line naming the field and what is accepted, a non-zero exit, and nothing written", arguments: [
        (["--instrument", "ndx", "--answers", "1"], "instrument: \"ndx\" is not accepted; accepted: lefs, ndi, odi, pcs, psfs, quickdash, rmdq, startback"),
        (["--instrument", "ndi", "--version", "7", "--answers", "1"], "version: \"7\" is not accepted; accepted: 1 for ndi"),
        (["--instrument", "ndi", "--answers", "2,3,1,0,4,2,1,3,2"], "answers: \"2,3,1,0,4,2,1,3,2\" is not accepted; accepted: 10 answers for ndi v1"),
        (["--instrument", "ndi", "--answers", "2,3,1,0,4,2,1,3,2,6"], "accepted: item 10 of ndi v1 takes 0 to 5 (6 given)"),
        (["--instrument", "ndi", "--answers", "-,-,-,0,4,2,1,3,2,1"], "accepted: at most 2 skipped items for ndi v1 (3 skipped)"),
        (["--instrument", "quickdash", "--answers", "1,2,3,4,5,1,2,3,4,-,-"], "accepted: at most 1 skipped item for quickdash v1 (2 skipped)"),
        (["--instrument", "ndi", "--answers", "2,3,x"], "answers: \"2,3,x\" is not accepted; accepted: answers in item order separated by commas"),
        (["--instrument", "psfs", "--activity", "a=1", "--activity", "b=1", "--activity", "c=1", "--activity", "d=1", "--activity", "e=1", "--activity", "f=1"],
         "accepted: 1 to 5 activities for psfs v1"),
        (["--instrument", "psfs", "--answers", "3"], "accepted: 1 to 5 activities for psfs v1"),
        (["--instrument", "psfs", "--activity", "Driving"], "activity: \"Driving\" is not accepted; accepted: an activity in the patient's words and its rating"),
        (["--instrument", "psfs", "--activity", "Driving=11"], "accepted: a rating from 0 to 10 for \"Driving\""),
        (["--instrument", "psfs", "--activity", "Dri\u{202E}ving=3"], "activity: "),
        (["--instrument", "ndi", "--activity", "Driving=3"], "accepted: none: ndi v1 has fixed items"),
        (["--instrument", "psfs", "--activity", "Reaching overhead=9; Driving=2"], "activity: \"Reaching overhead=9; Driving\" is not accepted; accepted: an activity's name without = or ;"),
        (["--instrument", "ndi", "--answers", "2,3,1,0,4,2,1,3,2,1", "--context", "intake-ish"], "context: \"intake-ish\" is not accepted; accepted: baseline, reassessment, discharge"),
        (["--instrument", "ndi"], "answers: missing; accepted: --answers LIST"),
    ] as [([String], String)])
    func refusals(arguments: [String], message: String) throws {
        let (store, patient) = try clinic()
        let before = try stored(store)
        let refused = try run(store, ["record", "outcome", patient] + arguments)
        #expect(refused.status != 0)
        let lines = refused.stderr.split(separator: "\n")
        #expect(lines.count == 1 && refused.stderr.contains(message), "\(refused.stderr)")
        #expect(try stored(store) == before)
    }

    @Test("a correction rescores by the version's rules; a correction the instrument refuses and a retraction's target are handled; nothing else moves")
    func corrections() throws {
        let (store, patient) = try clinic()
        let baseline = try run(store, ["record", "outcome", patient, "--instrument", "ndi", "--answers", "3,1,1,2,3,2,2,1,2,1", "--context", "baseline"])
        let later = try run(store, ["record", "outcome", patient, "--instrument", "ndi", "--answers", "2,1,0,1,2,1,1,1,1,1"])
        let corrected = try run(store, ["correct", later.lastWord, "--answers", "2,1,0,1,2,1,1,1,1,-", "--reason", "Item 10 was left blank"])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        var view = try show(store, patient)
        #expect(view["outcomes"]?.arrayValue?.last?.objectValue?["scores"] == ["total": "11.1"])
        #expect(view["outcomes"]?.arrayValue?.last?.objectValue?["correctedBy"] == [.string(corrected.lastWord)])
        #expect(view["outcomeCourses"]?.arrayValue?.first?.objectValue?["change"] == "-6.9")

        let before = try stored(store)
        for arguments in [["--answers", "2,1,0,1,2,1,1,1,1,7"], ["--answers", "-,-,-,1,2,1,1,1,1,1"], ["--context", "admission"], ["--instrument", "odi"]] {
            let refused = try run(store, ["correct", later.lastWord, "--reason", "x"] + arguments)
            #expect(refused.status != 0 && refused.stderr.split(separator: "\n").count == 1, "\(arguments): \(refused.stderr)")
        }
        #expect(try stored(store) == before)

        #expect(try run(store, ["retract", baseline.lastWord, "--reason", "Wrong patient's form"]).status == 0)
        view = try show(store, patient)
        let course = try #require(view["outcomeCourses"]?.arrayValue?.first?.objectValue)
        #expect(course["answerSets"] == 1 && course["change"] == .null && course["baseline"]?.objectValue?["eventId"] == .string(later.lastWord))
    }

    @Test("outcome instruments lists every instrument with its licence; --json is the files themselves")
    func instruments() throws {
        let listed = try MyologProcess.run(["outcome", "instruments"])
        #expect(listed.status == 0)
        for id in ["lefs", "ndi", "odi", "pcs", "psfs", "quickdash", "rmdq", "startback"] { #expect(listed.stdout.contains("\n\(id) v1 ") || listed.stdout.hasPrefix("\(id) v1 ")) }
        #expect(listed.stdout.contains("item text: none — ODI © Jeremy Fairbank"))
        let json = try JSONParser.parse(try MyologProcess.run(["outcome", "instruments", "--json"]).stdout)
        let file = try JSONParser.parse(Array(try Data(contentsOf: SchemaValidationTests.root.appendingPathComponent("Sources/ClinicalEvents/Instruments/ndi.v1.json"))))
        #expect(json.arrayValue?.contains(file) == true)
    }
}
