import Foundation
import MyologTestSupport
import Testing
import EventModel

/// README "Using it", run verbatim: the first consultation and the follow-up a myotherapist types,
/// in a shell with `TZ=Australia/Melbourne` and the built binary on PATH; then every screen the
/// issue names — `show`, `timeline`, `history`, `patients`, `log`, `audit` — the report in a real
/// headless Chromium and the FHIR export through fhir.resources, each checked for local times,
/// notes, visits, consent, precautions and adverse events.
@Suite("README's walkthrough, run as written")
struct WalkthroughCLITests {
    let scratch = TemporaryDirectory("walkthrough")
    static let root = SchemaValidationTests.root

    /// The shell block under README's "Using it".
    static func readmeBlock() throws -> String {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Using it"))
        let open = try #require(readme.range(of: "```sh\n", range: section.upperBound..<readme.endIndex))
        let close = try #require(readme.range(of: "```\n", range: open.upperBound..<readme.endIndex))
        return String(readme[open.upperBound..<close.lowerBound])
    }

    /// Runs `arguments` against the walkthrough's store as the README's user, in Melbourne.
    func myolog(_ home: String, _ arguments: [String]) throws -> String {
        let result = try MyologProcess.run(["--store", home + "/myolog", "--as", "alex"] + arguments, environment: MyologProcess.environment(["TZ": "Australia/Melbourne"]))
        #expect(result.status == 0, "myolog \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    @Test("the block runs as written; every screen, the report in Chromium and the FHIR Bundle show local times, notes, visits, consent, precautions and adverse events")
    func walkthrough() throws {
        let home = scratch.path("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let script = scratch.path("walkthrough.sh")
        try Self.readmeBlock().write(toFile: script, atomically: true, encoding: .utf8)
        let python = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let shell = try MyologProcess.run(
            ["bash", "-e", "-o", "pipefail", script],
            environment: MyologProcess.environment([
                "HOME": home, "TZ": "Australia/Melbourne", "MYOLOG_USER": "", "PATH": MyologProcess.binary.deletingLastPathComponent().path + ":" + python,
            ]),
            executable: URL(fileURLWithPath: "/usr/bin/env"), workingDirectory: Self.root.path)
        #expect(shell.status == 0, "the README block failed: \(shell.stderr)")
        // The anticoagulant in the medication history suggested the precaution; the check-log line ended it.
        #expect(shell.stderr.contains("Suggestion: warfarin is an anticoagulant"), "\(shell.stderr.prefix(600))")
        #expect(shell.stdout.contains("signatures verified"), "\(shell.stdout.suffix(300))")

        let patients = try JSONParser.parse(try myolog(home, ["--json", "patients"]))
        let row = try #require(patients.arrayValue?.first?.objectValue)
        let patient = try #require(row["patientId"]?.stringValue)
        // "Last visit" is Melbourne's day; the instant stays UTC.
        let today = Timestamp.now().civilDate(in: TimeZone(identifier: "Australia/Melbourne")!).description
        #expect(row["lastVisitDate"] == .string(today) && row["timeZone"] == "Australia/Melbourne" && row["adverseEvents"] == .int(1), "\(row)")
        #expect(row["lastVisit"]?.stringValue?.hasSuffix("Z") == true)
        let listed = try myolog(home, ["patients"])
        #expect(listed.hasPrefix("Times are Australia/Melbourne (UTC+") && listed.contains("  \(today)  ") && listed.contains("! 1"), "\(listed)")

        let show = try myolog(home, ["show", patient])
        // Precautions before anything else, flagged.
        #expect(show.hasPrefix("!! ACTIVE PRECAUTIONS (1)"), "\(show.prefix(200))")
        for text in [
            "Warfarin for atrial fibrillation; INR checked monthly",
            "Dry needling  WITHDRAWN", "Prefers no needling after the bruise",  // consent, withdrawn at the follow-up
            "Adverse events (1)", "mild Bruising after Dry needling", "5 mm bruise R upper trapezius, gone by day 3",
            "Visits, newest first (2)", "Review: neck pain", "Neck pain radiating to the temple", "pain before → after: Neck 7 → 4",
            "needling: 2 needles, 0.25 mm, 15 mm deep, twitch", "! precaution acknowledged: Anticoagulant or antiplatelet medicine",
            "note: R upper trapezius, 2 passes", "note: Contract-relax, 3 rounds", "note: Reproduces the temple pain",
            "subjective: Neck pain for 3 weeks, worse after long days at the laptop", "assessment: Myofascial neck pain",
            "advice and plan: Chin tucks 3x10 daily; laptop on a stand", "advice and plan: Continue the stretches; review in 2 weeks",
            "Cervical rotation, right: 55 deg", "last visit \(today)", "Times are Australia/Melbourne (UTC+",
        ] {
            #expect(show.contains(text), "show lacks \(text)")
        }
        // Every time on the screen is Melbourne's: the visit lines read the local day.
        #expect(show.contains("  \(today) "), "\(show)")

        let timeline = try myolog(home, ["timeline", patient])
        for text in ["Times are Australia/Melbourne", "ConsentRecorded", "PrecautionRecorded", "AdverseEventRecorded", "TreatmentNoteRecorded",
                     "note: R upper trapezius, 2 passes", "\(today) "] {
            #expect(timeline.contains(text), "timeline lacks \(text)")
        }
        let technique = try #require(timeline.firstMatch(of: /dry needling, neck, 10 min[^\n]*\n[^\[]*\[([0-9a-f-]{36})\]/)?.1)
        let history = try myolog(home, ["history", String(technique)])
        #expect(history.hasPrefix("Times are Australia/Melbourne") && history.contains("note: R upper trapezius, 2 passes"), "\(history)")
        let log = try myolog(home, ["log", "--patient", String(patient.prefix(8))])
        #expect(log.hasPrefix("Times are Australia/Melbourne") && log.contains("\(today) ") && log.contains("+11:00"), "\(log.prefix(300))")
        let audit = try myolog(home, ["audit", "list"])
        #expect(audit.contains("Australia/Melbourne") && audit.contains(today), "\(audit.prefix(300))")

        // The report the block wrote, in Chromium: the sections in order, the typed texts shown.
        let checked = try MyologProcess.run(
            ["python3", Self.root.appendingPathComponent("Tools/check-page.py").path, "text", home + "/mia-report.html", "--order", CareReportCLITests.sections,
             "--contains", "Times are local to Australia/Melbourne", "--contains", "Warfarin for atrial fibrillation; INR checked monthly",
             "--contains", "Prefers no needling after the bruise", "--contains", "5 mm bruise R upper trapezius, gone by day 3",
             "--contains", "Contract-relax, 3 rounds", "--contains", "Myofascial neck pain", "--contains", "Chin tucks 3x10 daily; laptop on a stand",
             "--contains", today],
            executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(checked.status == 0 && checked.stdout.hasPrefix("ok: "), "\(checked.stdout)\(checked.stderr)")

        // The FHIR Bundle the block wrote, through fhir.resources, with the new resources.
        let validation = try MyologProcess.run(["python3", Self.root.appendingPathComponent("Tools/check-fhir.py").path, home + "/mia-fhir.json"],
                                               executable: SchemaValidationTests.python)
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
        for kind in ["AdverseEvent 1", "Composition 1", "Consent 2", "Flag 1", "Procedure 2", "Encounter 2"] {
            #expect(validation.stdout.contains(kind), "\(kind): \(validation.stdout)")
        }
    }
}
