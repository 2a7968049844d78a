import Foundation
import GRDB
import MyologTestSupport
import Testing
import EventModel

/// Sign-off, addenda, late entries and co-signature end to end (issue 33): real processes, two
/// sites in different zones syncing, refusals that leave the store's files byte for byte as
/// they were, and the report in a real headless Chromium.
@Suite("Sign-off, addenda, late entries and co-signature (CLI)")
struct SignOffCLITests {
    let scratch = TemporaryDirectory("signoff")

    /// People's keys for this suite's stores (`XDG_CONFIG_HOME`), made by `init` and `user key create`.
    var keys: String { scratch.path("keys") }

    @discardableResult
    func run(_ store: String, _ arguments: [String], as user: String = "tester") throws -> MyologProcess.Result {
        let result = try MyologProcess.run(["--store", store, "--as", user] + arguments, environment: MyologProcess.environment(["XDG_CONFIG_HOME": keys]))
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result
    }

    /// `user`'s public key, made in ``keys`` if they have none.
    func publicKey(_ user: String) throws -> String {
        let environment = MyologProcess.environment(["XDG_CONFIG_HOME": keys])
        var result = try MyologProcess.run(["--json", "user", "key", "show", "--as", user], environment: environment)
        if result.status != 0 { result = try MyologProcess.run(["--json", "user", "key", "create", "--as", user], environment: environment) }
        return try #require(JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["publicKey"]?.stringValue, "\(result.stderr)")
    }

    /// Adds `user` to `store` in `role`, with their own key, as the store's practice manager.
    func addUser(_ store: String, _ user: String, role: String, by manager: String = "tester") throws {
        try run(store, ["user", "add", user, "--display", user.capitalized, "--role", role, "--key", try publicKey(user)], as: manager)
    }

    /// A second store, in Auckland, trusting `a` and trusted by it, founded by its own manager;
    /// `tester` (who founded `a`) manages both.
    func twoSites(with a: String) throws -> String {
        let b = try store("b", zone: "Pacific/Auckland", founder: "bea")
        try addUser(b, "tester", role: "practice-manager", by: "bea")
        let nodes = try [a, b].map { store in
            try #require(JSONParser.parse(try run(store, ["--json", "id"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["nodeId"]?.stringValue)
        }
        try run(a, ["peer", "add", nodes[1], "--name", "b"])
        try run(b, ["peer", "add", nodes[0], "--name", "a"])
        return b
    }

    func id(_ store: String, _ arguments: [String], as user: String = "tester") throws -> String {
        let result = try run(store, ["--json"] + arguments, as: user)
        let object = try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue
        return try #require(object?["patientId"]?.stringValue ?? object?["eventId"]?.stringValue, "\(arguments): \(result.stdout)")
    }

    func json(_ store: String, _ arguments: [String]) throws -> JSONValue {
        try JSONParser.parse(try run(store, ["--json"] + arguments).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Every file of the store, byte for byte (an empty -wal and the -shm left aside: opening may
    /// leave them, holding no data).
    func contents(_ store: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: store) where !name.hasSuffix("-shm") {
            var isDirectory: ObjCBool = false
            let path = store + "/" + name
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            if name.hasSuffix("-wal") && data.isEmpty { continue }
            files[name] = data
        }
        return files
    }

    func store(_ name: String, zone: String = "Australia/Melbourne", founder: String = "tester") throws -> String {
        let store = scratch.path(name)
        let made = try MyologProcess.run(["--store", store, "--as", founder, "init", "--site", name, "--time-zone", zone, "--display", founder.capitalized],
                                         environment: MyologProcess.environment(["XDG_CONFIG_HOME": keys]))
        #expect(made.status == 0, "\(made.stderr)")
        return store
    }

    /// A patient with a visit holding a pain score, the visit still open.
    func openVisit(_ store: String) throws -> (patient: String, visit: String, score: String) {
        let patient = try id(store, ["patient", "register", "--name", "Ruth Nguyen", "--dob", "1954-02-03"])
        let visit = try id(store, ["visit", "start", patient, "--reason", "Neck pain"])
        let score = try id(store, ["record", "pain", patient, "--score", "6", "--region", "neck", "--context", "pre"])
        return (patient, visit, score)
    }

    /// `show --json` without `timeZone`, the one member that names the reading site's own zone.
    func record(_ store: String, _ patient: String) throws -> JSONValue {
        guard case .object(var members) = try json(store, ["show", patient]) else { return .null }
        // Each site reads the record in its own zone: the zone and the last visit's local day
        // (which differ between the two sites for a few hours each day) are the site's, not the record's.
        members["timeZone"] = nil
        members["lastVisitDate"] = nil
        return .object(members)
    }

    /// The pain score `id` in `show --json`.
    func painScore(_ show: JSONValue, _ id: String) throws -> [String: JSONValue] {
        try #require(show.objectValue?["painScores"]?.arrayValue?.compactMap(\.objectValue).first { $0["eventId"]?.stringValue == id })
    }

    @Test("visit end --sign, then a correction and a retraction: both kept as addenda beside the signed score, with author and both times, in show, timeline and --json")
    func signOffThenAddenda() throws {
        let a = try store("a")
        let (patient, visit, score) = try openVisit(a)
        let ended = try run(a, ["visit", "end", patient, "--sign", "--note", "Home exercises"])
        #expect(ended.stdout.contains("Visit ended: ") && ended.stdout.contains("Signed off: "), "\(ended.stdout)")
        // Another person amends tester's signed entry: a practice manager may amend anyone's.
        try addUser(a, "other.myo", role: "practice-manager")
        try run(a, ["correct", score, "--score", "3", "--reason", "misheard the score"], as: "other.myo")
        var show = try json(a, ["show", patient])
        var entry = try painScore(show, score)
        #expect(entry["score"] == 6, "the signed score stands")
        #expect(entry["corrections"] == nil, "a correction after the sign-off is not applied")
        #expect(entry["signedOff"]?.objectValue?["author"] == "tester")
        let addendum = try #require(entry["addenda"]?.arrayValue?.first?.objectValue)
        #expect(addendum["kind"] == "correction" && addendum["author"] == "other.myo" && addendum["fields"] == .object(["score": 3]))
        #expect(addendum["reason"] == "misheard the score" && addendum["recordedAt"] != nil)
        #expect(show.objectValue?["visitSummaries"]?.arrayValue?.first?.objectValue?["visit"]?.objectValue?["signedOff"] != nil)

        try run(a, ["retract", score, "--reason", "wrong patient"])
        show = try json(a, ["show", patient])
        entry = try painScore(show, score)
        #expect(entry["addenda"]?.arrayValue?.compactMap { $0.objectValue?["kind"]?.stringValue } == ["correction", "retraction"], "the retracted signed score stays shown")

        let text = try run(a, ["show", patient]).stdout
        #expect(text.contains("signed off by tester on "), "\(text)")
        #expect(text.contains("addendum by other.myo, written ") && text.contains("about care ") && text.contains(": score → 3 — misheard the score"), "\(text)")
        #expect(text.contains("addendum by tester, written ") && text.contains("retracts this entry — wrong patient"), "\(text)")
        let timeline = try run(a, ["timeline", patient]).stdout
        #expect(timeline.contains("VisitSignedOff") && timeline.contains("addendum: corrected score → 3 by other.myo"), "\(timeline)")
        #expect(!timeline.contains("PainScoreRecorded [RETRACTED]"), "a signed entry keeps its status: \(timeline)")
        let history = try run(a, ["history", score]).stdout
        #expect(history.contains("addendum: retracted by tester"), "\(history)")

        // FHIR: the score's Provenance names who signed it off as a verifier; the Bundle passes
        // fhir.resources.
        let bundle = try run(a, ["export", "fhir", patient]).stdout
        let file = scratch.path("bundle.json")
        try bundle.write(toFile: file, atomically: true, encoding: .utf8)
        let checked = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-fhir.py").path, file], executable: SchemaValidationTests.python)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        let resources = try #require(JSONParser.parse(bundle.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["entry"]?.arrayValue).compactMap { $0.objectValue?["resource"]?.objectValue }
        let observation = try #require(resources.first { $0["resourceType"] == "Observation" && $0["identifier"]?.arrayValue?.first?.objectValue?["value"]?.stringValue == score })
        let provenance = try #require(resources.first { $0["resourceType"] == "Provenance" && $0["target"]?.arrayValue?.first?.objectValue?["reference"]?.stringValue == "urn:uuid:\(observation["id"]?.stringValue ?? "")" })
        let agents = provenance["agent"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(agents.contains { $0["type"]?.objectValue?["coding"]?.arrayValue?.first?.objectValue?["code"] == "verifier" }, "\(agents)")

        // A second site, in another zone, shows the same record byte for byte.
        let b = try twoSites(with: a)
        try run(b, ["sync", a])
        #expect(try record(b, patient) == record(a, patient))
        #expect(try run(b, ["timeline", patient, "--json"]).stdout == run(a, ["timeline", patient, "--json"]).stdout)
        _ = visit
    }

    @Test("refused in one line, exit non-zero, the store's files unchanged: nothing to sign, still open, already signed, not a visit, a rule that does not parse, a co-signature nothing needs")
    func refusals() throws {
        let a = try store("a")
        let patient = try id(a, ["patient", "register", "--name", "Liam O'Connor", "--dob", "1995-09-30"])
        // A visit with nothing recorded: `--sign` refuses, and the visit is not ended either.
        let empty = try id(a, ["visit", "start", patient])
        var cases: [([String], String)] = [
            (["visit", "end", patient, "--sign"], "nothing was recorded during it"),
            (["site", "late-entry", "tomorrow"], "rule: \"tomorrow\" is not accepted"),
            (["site", "late-entry", "0h"], "rule: \"0h\" is not accepted"),
            (["audit", "review", "--cosign-overdue-days", "-1"], "cosign-overdue-days"),
        ]
        try check(a, cases)
        try run(a, ["visit", "end", patient])
        try check(a, [(["visit", "sign", empty], "nothing was recorded during it")])
        let visit = try id(a, ["visit", "start", patient])
        let score = try id(a, ["record", "pain", patient, "--score", "4", "--region", "neck"])
        cases = [
            (["visit", "sign", visit], "it is still open"),
            (["visit", "sign", score], "not a visit's start"),
            (["cosign", score], "not written by a student"),
            (["cosign", visit], "nothing of this visit awaits a co-signature"),
        ]
        try check(a, cases)
        try run(a, ["visit", "end", patient, "--sign"])
        try check(a, [(["visit", "sign", visit], "already signed off by tester")])
    }

    /// Each of `cases` fails in one line containing its text, writing nothing.
    func check(_ store: String, _ cases: [([String], String)], as user: String = "tester") throws {
        for (arguments, expected) in cases {
            let before = try contents(store)
            let result = try MyologProcess.run(["--store", store, "--as", user] + arguments, environment: MyologProcess.environment(["XDG_CONFIG_HOME": keys]))
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(expected) && result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(try contents(store) == before, "\(arguments): the store changed")
        }
    }

    @Test("a student's entries await a co-signature: marked in show, patients and the report, listed overdue by audit review; never co-signed by their author; a therapist's co-signature of the visit covers them all, once")
    func coSignature() throws {
        let a = try store("a")
        try addUser(a, "sam", role: "student")
        try addUser(a, "jo", role: "therapist")
        let patient = try id(a, ["patient", "register", "--name", "Noah Smith", "--dob", "1979-03-04"])
        let visit = try id(a, ["visit", "start", patient, "--reason", "Hip pain"], as: "sam")
        let score = try id(a, ["record", "pain", patient, "--score", "5", "--region", "hip", "--context", "pre"], as: "sam")
        try run(a, ["visit", "end", patient], as: "sam")

        var show = try json(a, ["show", patient])
        #expect(try painScore(show, score)["awaitingCoSignature"] == true && painScore(show, score)["authorRole"] == "student")
        #expect(try run(a, ["show", patient]).stdout.contains("awaiting co-signature (written by sam, student)"))
        var listed = try #require(try json(a, ["patients"]).arrayValue?.first?.objectValue)
        #expect(listed["awaitingCoSignature"] == 3, "the visit's start, the score and the end")
        let table = try run(a, ["patients"]).stdout
        #expect(table.contains("TO CO-SIGN") && table.split(separator: "\n").contains { $0.hasPrefix(patient.prefix(8)) && $0.split(separator: " ").dropLast().last == "3" }, "\(table)")
        let overdue = try #require(try json(a, ["audit", "review", "--cosign-overdue-days", "0"]).arrayValue)
        let flagged = overdue.compactMap(\.objectValue).filter { $0["rule"] == "cosign-overdue" }
        #expect(flagged.count == 3 && flagged.allSatisfy { $0["user"] == "sam" && $0["patient"]?.stringValue == patient })
        #expect(flagged.contains { $0["accesses"] == .array([.string(score)]) })
        #expect(try json(a, ["audit", "review"]).arrayValue?.contains { $0.objectValue?["rule"] == "cosign-overdue" } == false, "not overdue within 7 days")
        let page = scratch.path("awaiting.html")
        try run(a, ["report", patient, "--out", page])
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("<strong>Awaiting co-signature: </strong>pain 5/10, hip (pre) — written by sam (student) on "))

        try check(a, [(["cosign", score], "it is sam's own entry"), (["cosign", visit], "it is sam's own entry")], as: "sam")
        let coSigned = try run(a, ["cosign", visit], as: "jo")
        #expect(coSigned.stdout.hasPrefix("Co-signed: "))
        try check(a, [(["cosign", score], "already co-signed by jo"), (["cosign", visit], "nothing of this visit awaits a co-signature")], as: "jo")
        show = try json(a, ["show", patient])
        #expect(try painScore(show, score)["awaitingCoSignature"] == nil && painScore(show, score)["coSigned"]?.objectValue?["author"] == "jo")
        listed = try #require(try json(a, ["patients"]).arrayValue?.first?.objectValue)
        #expect(listed["awaitingCoSignature"] == 0)
        #expect(try json(a, ["audit", "review", "--cosign-overdue-days", "0"]).arrayValue?.contains { $0.objectValue?["rule"] == "cosign-overdue" } == false)
        #expect(try run(a, ["show", patient]).stdout.contains("co-signed by jo on "))
    }

    @Test("a late entry is marked with both times, judged in the writing site's zone; the store's rule, set at one site, gives the same marks at every site")
    func lateEntries() throws {
        let a = try store("a")
        let b = try twoSites(with: a)
        let patient = try id(a, ["patient", "register", "--name", "Ruth Nguyen", "--dob", "1954-02-03"])
        let threeDaysAgo = Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - 3 * 86_400_000).civilDate(in: TimeZone(identifier: "Australia/Melbourne")!)
        let late = try id(a, ["record", "pain", patient, "--score", "5", "--region", "neck", "--date", threeDaysAgo.description])
        let onTime = try id(a, ["record", "pain", patient, "--score", "4", "--region", "neck"])
        var show = try json(a, ["show", patient])
        let mark = try #require(try painScore(show, late)["lateEntry"]?.objectValue)
        #expect(mark["rule"] == "end-of-day" && mark["zone"] == "Australia/Melbourne" && mark["occurredAt"] != nil && mark["recordedAt"] != nil)
        #expect(try painScore(show, onTime)["lateEntry"] == nil)
        #expect(try run(a, ["show", patient]).stdout.contains("late entry: care \(threeDaysAgo) 00:00, written "))
        #expect(try run(a, ["site", "late-entry"]).stdout == "end-of-day\n")

        // A rule long enough: not late, at either site once synced.
        #expect(try run(a, ["site", "late-entry", "200h"]).stdout.hasPrefix("Late-entry rule set to 200h: "))
        try run(b, ["sync", a])
        for store in [a, b] {
            show = try json(store, ["show", patient])
            #expect(try painScore(show, late)["lateEntry"] == nil, "\(store)")
        }
        // Set at B, the later rule stands everywhere.
        try run(b, ["site", "late-entry", "24h"])
        try run(a, ["sync", b])
        for store in [a, b] {
            #expect(try run(store, ["site", "late-entry"]).stdout == "24h\n")
            #expect(try painScore(try json(store, ["show", patient]), late)["lateEntry"]?.objectValue?["rule"] == "24h", "\(store)")
        }
        #expect(try record(a, patient) == record(b, patient))
        #expect(try run(a, ["timeline", patient]).stdout.contains("late entry: care "))
    }

    @Test("the report, rendered in Chromium: the visit's sign-off, each addendum and each late entry shown with both times, the section counting them")
    func reportInChromium() throws {
        let a = try store("a")
        let (patient, _, score) = try openVisit(a)
        try run(a, ["visit", "end", patient, "--sign"])
        try run(a, ["correct", score, "--score", "2", "--reason", "Patient said <b>two</b>"])
        let threeDaysAgo = Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - 3 * 86_400_000).civilDate(in: TimeZone(identifier: "Australia/Melbourne")!)
        try run(a, ["record", "pain", patient, "--score", "5", "--region", "neck", "--date", threeDaysAgo.description])
        let page = scratch.path("report.html")
        try run(a, ["report", patient, "--out", page])
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains(#"<p class="signed-off""#) && html.contains("<strong>Signed off</strong> by tester on "))
        #expect(html.contains("<strong>Addendum (correction): </strong>pain 6/10, neck (pre) — by tester, written "))
        #expect(html.contains("Reason: Patient said &lt;b&gt;two&lt;/b&gt;"))
        #expect(html.contains("1 late entry · 1 addendum after sign-off · 0 entries awaiting co-signature."))
        #expect(html.contains("Late entry: recorded after the end of the day of care, in the zone of the site that wrote it (the store&#39;s rule, end-of-day).")
                || html.contains("(the store's rule, end-of-day)."), "the rule the marks follow")
        let texts = ["Addendum (correction): ", "Late entry: ", "Reason: Patient said <b>two</b>", "Sign-off, addenda, late entries and co-signature"]
        let checked = try MyologProcess.run(["python3", ReportCLITests.root.appendingPathComponent("Tools/check-page.py").path, "text", page,
                                             "--order", "visits,sign-off,treatment-notes,timeline"] + texts.flatMap { ["--contains", $0] }
                                            + ["--present", "p.signed-off", "--present", "li.addendum", "--present", "li.late-entry", "--absent", "b"],
                                            executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
    }
}
