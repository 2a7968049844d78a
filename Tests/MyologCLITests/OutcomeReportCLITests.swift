import ClinicalEvents
import Foundation
import MyologTestSupport
import Testing

/// Outcome measures in the report, end to end: NDI answered at baseline and twice after through
/// the CLI in Melbourne, `myolog report` rendered in a real headless Chromium and checked against
/// `show --json` (Tools/check-page.py `report`: one point per scored answer set with its score,
/// the line through them, better drawn higher, the MCID band holding exactly the points within
/// 7.5 of the baseline), the typed note (markup, a line break) shown as typed and inert, and the
/// checker failing on a page whose chart disagrees with the record; `myolog ui`'s patient page
/// carrying the same section; a PSFS's activities charted, one named in markup inert.
@Suite("Outcome measures in the report, in a real browser")
struct OutcomeReportCLITests {
    let scratch = TemporaryDirectory("outcome-report")
    static let environment = MyologProcess.environment(["TZ": "Australia/Melbourne"])
    static let note = "Worse after <b id=\"injected-b\">gardening</b>\nSleeps </td></tr><tr><td id=\"injected-td\">badly</td>"
    static let correctedNote = "Sleeping through <script>document.title='x'</script>\nsince the second visit"
    /// NDI at baseline (22/50), a fortnight later (15/50: 7 better, inside the MCID), and a
    /// fortnight after that with item 10 skipped (9 of 45 → 10/50: 12 better, the MCID reached).
    static let answerSets = [("3,3,2,2,3,2,2,2,2,1", "baseline", "2026-11-02 10:00"), ("2,2,1,1,2,2,1,2,1,1", "reassessment", "2026-11-16 10:00"),
                             ("1,1,1,1,1,1,1,1,1,-", "reassessment", "2026-11-30 10:00")]

    func run(_ arguments: [String]) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(arguments, environment: Self.environment)
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    func checkPage(_ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["python3", ReportCLITests.root.appendingPathComponent("Tools/check-page.py").path] + arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// The patient with the three NDI answer sets (the second with the note, the third in a
    /// visit) and a fourth in the same visit with a note of its own; the report, `show --json`
    /// and `timeline --json` written beside `store`; the answer sets' event ids.
    func record(_ store: String) throws -> (patient: String, page: String, show: String, timeline: String, ids: [String]) {
        _ = try run(["--store", store, "init", "--site", "Carlton"])
        let patient = try run(["--store", store, "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        var ids: [String] = []
        for (index, (answers, context, date)) in Self.answerSets.enumerated() {
            if index == 2 { _ = try run(["--store", store, "visit", "start", patient, "--reason", "Neck pain review", "--date", "2026-11-30 09:55"]) }
            let recorded = try run(["--store", store, "record", "outcome", patient, "--instrument", "ndi", "--answers", answers, "--context", context, "--date", date]
                                   + (index == 1 ? ["--note", Self.note] : []))
            ids.append(String(try #require(recorded.stdout.firstMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/)).0))
        }
        let fourth = try run(["--store", store, "record", "outcome", patient, "--instrument", "ndi", "--answers", "1,1,1,1,1,1,1,1,1,1", "--context", "reassessment",
                              "--date", "2026-11-30 10:20", "--note", Self.correctedNote])
        ids.append(String(try #require(fourth.stdout.firstMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/)).0))
        _ = try run(["--store", store, "visit", "end", patient, "--date", "2026-11-30 10:40"])
        let page = scratch.path("\(patient).html"), show = scratch.path("\(patient).show.json"), timeline = scratch.path("\(patient).timeline.json")
        _ = try run(["--store", store, "report", patient, "--out", page])
        try run(["--store", store, "show", patient, "--json"]).stdout.write(toFile: show, atomically: true, encoding: .utf8)
        try run(["--store", store, "timeline", patient, "--json"]).stdout.write(toFile: timeline, atomically: true, encoding: .utf8)
        return (patient, page, show, timeline, ids)
    }

    @Test("the NDI course in the report: baseline → latest in Melbourne days, the change, the MCID reached, reassessment due; a chart whose polyline has one vertex per answer set and an MCID band from the baseline; checked in Chromium against show --json; every answer set in the table")
    func courseAndChart() throws {
        let store = scratch.path("clinic")
        let made = try record(store)
        let html = try String(contentsOfFile: made.page, encoding: .utf8)
        #expect(html.contains(#"<section id="outcomes"><h2>Outcome measures</h2>"#))
        #expect(html.contains("Baseline 22.0/50 points (2026-11-02) → latest 10.0/50 points (2026-11-30), 4 answer sets: change -12.0 points, "), "\(html)")
        #expect(html.contains(#"<strong class="reached">reaches the MCID (7.5)</strong>"#))
        #expect(html.contains("Reassessment due 2026-12-28 (every 28 days)."), "the latest's day on the site's clock plus 28 days")
        let line = try #require(html.firstMatch(of: /<svg class="outcome-chart"[^>]*data-instrument="ndi"[\s\S]*?<polyline class="series-line"[^>]*points="([^"]+)"/))
        #expect(line.1.split(separator: " ").count == 4, "one vertex per answer set: \(line.1)")
        #expect(html.contains(#"data-kind="MCID" data-threshold="7.5" data-baseline="22.0" data-low="14.5" data-high="29.5""#))
        #expect(html.matches(of: /<circle class="outcome-point"/).count == 4)
        #expect(html.contains("<td>2026-11-02 10:00</td><td>Baseline</td><td data-score=\"total\">22.0/50 points</td>"), "the table's times in Melbourne")
        #expect(html.contains("<td class=\"note\">1,1,1,1,1,1,1,1,1,–</td>"), "the skipped item shown")
        #expect(html.contains("Date (Australia/Melbourne)") && !html.contains("2026-11-01 23:00"), "dates local, never UTC")
        let checked = try checkPage(["report", made.page, "--show", made.show, "--timeline", made.timeline])
        #expect(checked.status == 0 && checked.stdout.hasPrefix("ok: ") && checked.stdout.contains("1 outcome charts"), "\(checked.stdout)\(checked.stderr)")
    }

    @Test("the note (markup, a line break) shown as typed where the entry is — in the table and under its visit — and a corrected one marked; nothing it tried to inject is in the DOM, every table whole; the outcomes section screenshot")
    func typedTextInert() throws {
        let store = scratch.path("clinic")
        let made = try record(store)
        // A correction of the last answer set's note: the new text shown, the entry marked.
        _ = try run(["--store", store, "correct", made.ids[3], "--note", Self.correctedNote + " (confirmed)", "--reason", "Patient added detail"])
        let page = scratch.path("corrected.html"), screenshot = scratch.path("outcomes.png")
        _ = try run(["--store", store, "report", made.patient, "--out", page])
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("(corrected: see the timeline) (late entry)</td>"), "the corrected answer set is marked in its row (late: recorded after its day)")
        #expect(html.contains("<li class=\"outcome\"") && html.contains("Outcome measure: NDI v1 (reassessment): 10.0/50 points"), "the answer sets of the visit listed under it")
        #expect(!html.contains("<b id=\"injected-b\">") && !html.contains("<script>document"))
        let checked = try checkPage(["text", page, "--order", "pain,outcomes,trigger-points,visits,timeline",
                                     "--contains", Self.note, "--contains", Self.correctedNote + " (confirmed)",
                                     "--present", "svg.outcome-chart polyline.series-line", "--present", "svg.outcome-chart rect.mcid-band",
                                     "--absent", "#injected-b", "--absent", "#injected-td", "--absent", "script", "--absent", "b",
                                     "--screenshot", screenshot, "--clip", "#outcomes"])
        #expect(checked.status == 0 && checked.stdout.hasPrefix("ok: 2 texts shown as typed, 4 injections absent"), "\(checked.stdout)\(checked.stderr)")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "a picture of the outcomes: \(png.count) bytes")
        if let keep = ProcessInfo.processInfo.environment["MYOLOG_OUTCOME_SCREENSHOT"] {  // for the README
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: screenshot, toPath: keep)
        }
    }

    @Test("the checker fails on a chart that disagrees with the record: a point moved into the band, the band gone, a vertex dropped")
    func checkerFails() throws {
        let made = try record(scratch.path("clinic"))
        let html = try String(contentsOfFile: made.page, encoding: .utf8)
        let tampered: [(String, String, String)] = [
            // 10.0 (the MCID reached, above the band) drawn where 15.0 is: inside the band, and no longer above it.
            ("moved", #"data-score="10.0""#, "band of 22.0 ± 7.5"),
            ("no-band", "", "no MCID band"),
            ("vertex", "", "vertices for 4 scored answer sets"),
        ]
        for (name, _, expected) in tampered {
            var page = html
            switch name {
            case "moved":
                let points = page.matches(of: /<circle class="outcome-point" cx="([0-9.]+)" cy="([0-9.]+)"/).map { String($0.2) }
                #expect(points.count == 4)
                page = page.replacing(#"cy="\#(points[2])""#, with: #"cy="\#(points[1])""#, maxReplacements: 1)
            case "no-band":
                page = page.replacing(/<rect class="mcid-band"[^>]*>[\s\S]*?<\/rect>/, with: "")
            default:
                page = page.replacing(/(<polyline class="series-line"[^>]*points=")[0-9.]+,[0-9.]+[ ]/, with: { $0.output.1 })
            }
            #expect(page != html, "\(name): the page was changed")
            let file = scratch.path("\(name).html")
            try page.write(toFile: file, atomically: true, encoding: .utf8)
            let checked = try checkPage(["report", file, "--show", made.show, "--timeline", made.timeline])
            #expect(checked.status != 0 && checked.stdout.contains(expected), "\(name): \(checked.stdout)\(checked.stderr)")
        }
    }

    @Test("myolog ui's patient page (the report's page) carries the outcomes section: the chart with its band, every answer set, the note as typed and inert")
    func viewer() throws {
        let viewers = ViewerCLITests()
        let store = viewers.scratch.path("clinic")
        let made = try record(store)
        let viewer = try viewers.startViewer(store)
        defer { _ = viewer.server.stop() }
        let page = try checkPage(["text", viewer.signIn, "--then", "/patients/\(made.patient)", "--order", "pain,outcomes,trigger-points,visits",
                                  "--present", "svg.outcome-chart[data-instrument=ndi] rect.mcid-band", "--present", "#outcome-ndi-v1-table tbody tr:nth-child(4)",
                                  "--contains", "reaches the MCID (7.5)", "--contains", Self.note, "--absent", "#injected-b", "--absent", "#injected-td"])
        #expect(page.status == 0 && page.stdout.hasPrefix("ok: 2 texts shown as typed, 2 injections absent"), "\(page.stdout)\(page.stderr)")
    }

    static let activity = #"Reaching <i id="injected-i">overhead</i> & "up""#

    @Test("PSFS: the mean and each activity charted with its own colour and dash, higher is better (10 at the top), the MDC band from the baseline; an activity named in markup shown as typed and inert", .enabled(if: Instruments.latest("psfs") != nil))
    func activities() throws {
        let store = scratch.path("psfs")
        _ = try run(["--store", store, "init", "--site", "Carlton"])
        let patient = try run(["--store", store, "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        _ = try run(["--store", store, "record", "outcome", patient, "--instrument", "psfs", "--activity", "\(Self.activity)=3", "--activity", "Driving=4",
                     "--context", "baseline", "--date", "2026-11-02 10:00"])
        _ = try run(["--store", store, "record", "outcome", patient, "--instrument", "psfs", "--activity", "\(Self.activity)=6", "--activity", "Driving=8",
                     "--context", "reassessment", "--date", "2026-11-16 10:00"])
        let page = scratch.path("psfs.html"), show = scratch.path("psfs.show.json"), timeline = scratch.path("psfs.timeline.json")
        _ = try run(["--store", store, "report", patient, "--out", page])
        try run(["--store", store, "show", patient, "--json"]).stdout.write(toFile: show, atomically: true, encoding: .utf8)
        try run(["--store", store, "timeline", patient, "--json"]).stdout.write(toFile: timeline, atomically: true, encoding: .utf8)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("Baseline 3.5/10 points (2026-11-02) → latest 7.0/10 points (2026-11-16), 2 answer sets: change +3.5 points, "), "\(html)")
        #expect(html.contains(#"<strong class="reached">reaches the MDC (2.0)</strong>"#))
        #expect(html.contains(#"data-instrument="psfs""#) && html.contains(#"data-higher-is="better""#) && html.contains(#"data-kind="MDC" data-threshold="2.0" data-baseline="3.5""#))
        #expect(html.contains(#"data-series="activity-1""#) && html.contains(#"data-series="activity-2""#))
        #expect(html.contains("Reaching &lt;i id=\"injected-i\"&gt;overhead&lt;/i&gt; &amp; \"up\": 6\nDriving: 8"), "the activities with their ratings, as text")
        let checked = try checkPage(["report", page, "--show", show, "--timeline", timeline])
        #expect(checked.status == 0 && checked.stdout.contains("1 outcome charts"), "\(checked.stdout)\(checked.stderr)")
        let inert = try checkPage(["text", page, "--contains", Self.activity, "--absent", "#injected-i", "--absent", "i"])
        #expect(inert.status == 0, "\(inert.stdout)\(inert.stderr)")
    }
}
