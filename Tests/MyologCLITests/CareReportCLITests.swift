import Foundation
import MyologTestSupport
import Testing
import EventModel

/// The records of care in the report and the FHIR export, end to end: a consultation recorded
/// through the CLI (``CareConsultation``), its report rendered in a real headless Chromium
/// (Tools/check-page.py `text`) and its Bundle validated by fhir.resources (Tools/check-fhir.py).
@Suite("Records of care: report in a real browser, FHIR validated")
struct CareReportCLITests {
    let scratch = TemporaryDirectory("care-report")

    func checkPage(_ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["python3", ReportCLITests.root.appendingPathComponent("Tools/check-page.py").path] + arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    static let sections = "active-precautions,history,pain,trigger-points,visits,treatment-notes,consent,adverse-events,measurements,timeline,provenance"

    @Test("active precautions first, then the new sections (treatment notes, consent, adverse events flagged, measurements) beside the charts; every typed text shown as typed, none of its markup in the DOM, every table whole; a screenshot of the sections")
    func reportInChromium() throws {
        let visit = try CareConsultation.record(in: scratch.path("clinic"))
        let page = scratch.path("report.html"), screenshot = scratch.path("sections.png")
        let made = try MyologProcess.run(["--store", visit.store, "report", visit.patient, "--out", page], environment: CareConsultation.environment)
        #expect(made.status == 0, "\(made.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains(#"<section id="active-precautions" class="warning" aria-label="Active precautions"><h2>ACTIVE PRECAUTIONS (1)</h2>"#))
        #expect(html.contains("cautions dry needling (bleeding and bruising"), "the rule the precaution brings")
        #expect(html.contains(#"<section id="adverse-events" class="warning"><h2>ADVERSE EVENTS (1)</h2>"#))
        #expect(html.contains("Needling: 4 needles, 0.25 mm, 15 mm deep, twitch response\nPrecaution acknowledged: Anticoagulant or antiplatelet medicine\nR UT, LTR x2"))
        #expect(html.contains("<dt>Subjective</dt><dd class=\"note\">Neck pain 3 weeks,\nworse at the desk</dd>"))
        #expect(html.contains("Consent stands for: Cupping, Dry needling."))
        #expect(html.contains("<td>Cervical rotation</td><td>left</td><td>70 deg</td>"))
        #expect(html.contains(#"class="pain-chart""#) && html.contains(#"class="body-chart""#), "the charts stay")
        let checked = try checkPage(["text", page, "--order", Self.sections] + CareConsultation.texts.flatMap { ["--contains", $0] }
            + ["script", "h2.fake", "#ae-img", "img", "b"].flatMap { ["--absent", $0] }
            + ["--screenshot", screenshot, "--clip", "header, #active-precautions, #visits, #treatment-notes, #consent, #adverse-events, #measurements"])
        #expect(checked.status == 0 && checked.stdout.hasPrefix("ok: \(CareConsultation.texts.count) texts shown as typed"), "\(checked.stdout)\(checked.stderr)")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "a picture of the sections: \(png.count) bytes")
        if let keep = ProcessInfo.processInfo.environment["MYOLOG_SECTIONS_SCREENSHOT"] {  // for a closing note
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: screenshot, toPath: keep)
        }
    }

    @Test("a resolved precaution leaves the top, named as resolved with when, who and why; its FHIR Flag turns inactive")
    func resolvedPrecaution() throws {
        let visit = try CareConsultation.record(in: scratch.path("clinic"))
        let env = CareConsultation.environment
        let resolved = try MyologProcess.run(["--store", visit.store, "resolve", visit.precaution, "--note", "Stopped warfarin <i>last week</i>"], environment: env)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let page = scratch.path("resolved.html")
        #expect(try MyologProcess.run(["--store", visit.store, "report", visit.patient, "--out", page], environment: env).status == 0)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains(#"<section id="active-precautions" aria-label="Active precautions"><h2>Active precautions: none</h2>"#))
        #expect(html.contains(#"<p class="muted" id="resolved-precautions">Resolved: Anticoagulant or antiplatelet medicine (resolved "#)
                && html.contains("by tester: Stopped warfarin &lt;i&gt;last week&lt;/i&gt;)"))
        let checked = try checkPage(["text", page, "--order", Self.sections, "--absent", "i", "--contains", "Stopped warfarin <i>last week</i>"])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        let bundle = try MyologProcess.run(["--store", visit.store, "export", "fhir", visit.patient], environment: env)
        let flag = try #require(try JSONParser.parse(bundle.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["entry"]?.arrayValue?
            .compactMap { $0.objectValue?["resource"]?.objectValue }.first { $0["resourceType"] == "Flag" })
        #expect(flag["status"] == "inactive" && flag["period"]?.objectValue?["end"] != nil)
    }

    @Test("without records of care the sections say so, precautions first still")
    func emptySections() throws {
        let store = scratch.path("plain")
        let env = CareConsultation.environment
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Carlton"], environment: env).status == 0)
        let patient = try MyologProcess.run(["--store", store, "patient", "register", "--name", "Liam O'Connor", "--dob", "1995-09-30"], environment: env).lastWord
        let page = scratch.path("plain.html")
        #expect(try MyologProcess.run(["--store", store, "report", patient, "--out", page], environment: env).status == 0)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        for line in ["Active precautions: none", "No treatment notes recorded.", "No consent decision recorded.", "No adverse event recorded.", "No measurements recorded."] {
            #expect(html.contains(line), "\(line)")
        }
        let checked = try checkPage(["text", page, "--order", Self.sections])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
    }

    @Test("the consultation's FHIR Bundle has every new resource and fhir.resources accepts it")
    func fhirValidates() throws {
        let visit = try CareConsultation.record(in: scratch.path("clinic"))
        let file = scratch.path("bundle.json")
        let exported = try MyologProcess.run(["--store", visit.store, "export", "fhir", visit.patient, "--out", file], environment: CareConsultation.environment)
        #expect(exported.status == 0, "\(exported.stderr)")
        let validation = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-fhir.py").path, file],
                                               executable: SchemaValidationTests.python)
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
        for kind in ["AdverseEvent 1", "Composition 1", "Consent 2", "Flag 1", "Procedure 1", "Encounter 1"] {
            #expect(validation.stdout.contains(kind), "\(kind): \(validation.stdout)")
        }
        let bundle = try JSONParser.parse(Array(Data(contentsOf: URL(fileURLWithPath: file))))
        let resources = (bundle.objectValue?["entry"]?.arrayValue ?? []).compactMap { $0.objectValue?["resource"]?.objectValue }
        let adverse = try #require(resources.first { $0["resourceType"] == "AdverseEvent" })
        #expect(adverse["suspectEntity"]?.arrayValue?.first?.objectValue?["instance"]?.objectValue?["reference"] == .string("urn:uuid:\(visit.technique)"))

        // The checker can fail on what it checks: a Consent without its policy rule (ppc-1).
        var entries = try #require(bundle.objectValue?["entry"]?.arrayValue)
        let index = try #require(entries.firstIndex { $0.objectValue?["resource"]?.objectValue?["resourceType"] == "Consent" })
        var entry = entries[index].objectValue!, consent = entry["resource"]!.objectValue!
        consent["policyRule"] = nil
        entry["resource"] = .object(consent)
        entries[index] = .object(entry)
        var broken = bundle.objectValue!
        broken["entry"] = .array(entries)
        let tampered = scratch.path("tampered.json")
        try JSONValue.object(broken).canonicalString.write(toFile: tampered, atomically: true, encoding: .utf8)
        let refused = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-fhir.py").path, tampered],
                                            executable: SchemaValidationTests.python)
        #expect(refused.status != 0 && (refused.stdout + refused.stderr).contains("ppc-1"), "\(refused.stdout)\(refused.stderr)")
    }
}
