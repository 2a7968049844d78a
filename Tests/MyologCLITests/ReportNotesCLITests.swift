import Foundation
import GRDB
import MyologTestSupport
import Testing

/// The report's local times and notes, end to end: a visit recorded in Melbourne with notes that
/// are markup, reported, and rendered in a real headless Chromium (Tools/check-page.py `text`):
/// each note shown as typed, nothing it tried to inject present in the DOM, tables whole.
@Suite("Report: local times and notes, in a real browser")
struct ReportNotesCLITests {
    let scratch = TemporaryDirectory("report-notes")
    static let melbourne = MyologProcess.environment(["TZ": "Australia/Melbourne"])

    /// Notes a person could type that are also markup: each must stay text.
    static let reason = #"Neck pain <h2 class="fake">Fake heading</h2>"#
    static let techniqueNote = "<script>document.title='pwned'</script>2 passes R UT, LTR x2"
    static let findingNote = #"</td></tr><tr><td id="injected">x</td></tr>"#
    static let plan = "Chin tucks 3×10 <img src=\"http://example.invalid/x.png\" id=\"img-injected\">\nReview in 1 week"

    func run(_ arguments: [String], environment: [String: String] = melbourne) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(arguments, environment: environment)
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    func checkPage(_ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["python3", ReportCLITests.root.appendingPathComponent("Tools/check-page.py").path] + arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// One patient, one visit on 20 November 2026 from 09:10 Melbourne time (22:10 UTC the day
    /// before), with markup in the reason, a technique note, a finding note and the closing plan.
    func visit(_ store: String) throws -> String {
        _ = try run(["--store", store, "init", "--site", "Carlton"])
        let patient = try run(["--store", store, "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        _ = try run(["--store", store, "visit", "start", patient, "--reason", Self.reason, "--date", "2026-11-19T22:10:00Z"])
        _ = try run(["--store", store, "record", "pain", patient, "--score", "7", "--region", "neck", "--context", "pre", "--date", "2026-11-19T22:12:00Z"])
        _ = try run(["--store", store, "record", "trigger-point", patient, "--muscle", "upper trapezius", "--side", "right", "--note", Self.findingNote,
                     "--date", "2026-11-19T22:15:00Z"])
        _ = try run(["--store", store, "record", "technique", patient, "--technique", "myofascial release", "--region", "neck", "--minutes", "20",
                     "--note", Self.techniqueNote, "--date", "2026-11-19T22:20:00Z"])
        _ = try run(["--store", store, "record", "pain", patient, "--score", "4", "--region", "neck", "--context", "post", "--date", "2026-11-19T22:45:00Z"])
        _ = try run(["--store", store, "visit", "end", patient, "--note", Self.plan, "--date", "2026-11-19T22:50:00Z"])
        return patient
    }

    @Test("times read in the store's zone (init under TZ=Australia/Melbourne): the visit at 09:10 Melbourne shows as 2026-11-20 09:10 in the visits, pain table, timeline and header, the zone named; never as the UTC 22:10")
    func localTimes() throws {
        let store = scratch.path("clinic")
        let patient = try visit(store)
        let page = scratch.path("report.html")
        _ = try run(["--store", store, "report", patient, "--out", page])
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains(#"<p id="time-zone" class="muted">Times are local to Australia/Melbourne"#), "the zone named once")
        #expect(html.matches(of: /Times are local to/).count == 1)
        #expect(html.contains("<h3>2026-11-20 09:10 — Neck pain"), "the visit's heading")
        #expect(html.contains("<td>2026-11-20 09:12</td><td>7/10</td>"), "the pain table")
        #expect(html.contains("last 2026-11-20"), "the last visit is a local day")
        #expect(html.contains("7/10, Neck, Before treatment, 2026-11-20 09:12"), "the pain point's tooltip")
        #expect(html.contains("Date (Australia/Melbourne)"), "the chart's axis names the zone")
        #expect(!html.contains("2026-11-19 22:"), "no UTC wall time shown")
        // The site moves its zone to UTC: the same instants, the UTC wall times (whatever the machine's TZ).
        _ = try run(["--store", store, "site", "time-zone", "UTC"])
        let utc = scratch.path("utc.html")
        _ = try run(["--store", store, "report", patient, "--out", utc])
        let utcHTML = try String(contentsOfFile: utc, encoding: .utf8)
        #expect(utcHTML.contains("<h3>2026-11-19 22:10 — Neck pain") && utcHTML.contains(/Times are local to (UTC|GMT),/), "the zone named (Foundation on Linux names UTC GMT)")
    }

    @Test("notes shown where their entry is — visit, technique table, findings, plan, timeline — as the characters typed; in Chromium the DOM has none of the elements they spell, every table row whole")
    func notesAreText() throws {
        let store = scratch.path("clinic")
        let patient = try visit(store)
        let page = scratch.path("report.html")
        _ = try run(["--store", store, "report", patient, "--out", page])
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains(#"<h2 class="fake""#) && !html.contains(#"<td id="injected""#))
        #expect(html.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;2 passes R UT"))
        // Each note where its entry is: the technique's in the visit's table and the timeline,
        // the finding's in the findings table, the visit's list and the timeline, the plan at the close.
        #expect(html.matches(of: /2 passes R UT, LTR x2/).count >= 2, "in the visit and the timeline")
        #expect(html.contains(#"<p class="plan"><strong>Plan at close: </strong><span class="note">Chin tucks 3×10"#))
        let checked = try checkPage([
            "text", page, "--contains", Self.reason, "--contains", Self.techniqueNote, "--contains", Self.findingNote, "--contains", Self.plan,
            "--absent", "script", "--absent", "h2.fake", "--absent", "#injected", "--absent", "#img-injected", "--absent", "img",
            "--order", "time-zone,history,pain,trigger-points,visits,timeline,provenance",
        ])
        #expect(checked.status == 0 && checked.stdout.hasPrefix("ok: 4 texts shown as typed"), "\(checked.stdout)\(checked.stderr)")

        // The check is not a rubber stamp: the same page with the technique note unescaped fails it.
        let broken = scratch.path("broken.html")
        try html.replacingOccurrences(of: #"&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td id="injected"&gt;x&lt;/td&gt;&lt;/tr&gt;"#, with: Self.findingNote)
            .replacingOccurrences(of: #"&lt;h2 class="fake"&gt;Fake heading&lt;/h2&gt;"#, with: #"<h2 class="fake">Fake heading</h2>"#)
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let failed = try checkPage(["text", broken, "--absent", "h2.fake", "--absent", "#injected"])
        #expect(failed.status == 1 && failed.stdout.contains("match 'h2.fake'") && failed.stdout.contains("match '#injected'"), "\(failed.stdout)\(failed.stderr)")
        #expect(failed.stdout.contains("body row(s) without"), "the injected row breaks a table: \(failed.stdout)")
    }
}
