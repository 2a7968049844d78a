import Foundation
import MyologTestSupport
import Testing

/// `myolog ui` shows the records of care as the report does, in a real headless Chromium signed
/// in with the printed address: active precautions first on the patient page, the new sections,
/// typed text as text, times on the store's clock (Melbourne) though `ui` runs under `TZ=UTC`.
@Suite("myolog ui: records of care, in a real browser")
struct CareViewerCLITests {
    let viewers = ViewerCLITests()

    func checkPage(_ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["python3", ReportCLITests.root.appendingPathComponent("Tools/check-page.py").path] + arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    @Test("the patient page: ACTIVE PRECAUTIONS first, treatment notes, consent, adverse events, measurements; every typed text shown as typed and none of its markup in the DOM; the timeline page too; both in the store's zone; the patient list flags the adverse event")
    func patientPage() throws {
        let visit = try CareConsultation.record(in: viewers.scratch.path("clinic"))
        let viewer = try viewers.startViewer(visit.store)
        defer { _ = viewer.server.stop() }
        let absent = ["script", "h2.fake", "#ae-img", "img", "b"].flatMap { ["--absent", $0] }
        let page = try checkPage(["text", viewer.signIn, "--then", "/patients/\(visit.patient)", "--order", CareReportCLITests.sections,
                                  "--contains", "Times are local to Australia/Melbourne"] + CareConsultation.texts.flatMap { ["--contains", $0] } + absent)
        #expect(page.status == 0 && page.stdout.hasPrefix("ok: "), "\(page.stdout)\(page.stderr)")
        let timeline = try checkPage(["text", viewer.signIn, "--then", "/patients/\(visit.patient)/timeline", "--contains", "Times are Australia/Melbourne (UTC+"]
            + [CareConsultation.techniqueNote, CareConsultation.adverseNote, CareConsultation.objective, CareConsultation.risks].flatMap { ["--contains", $0] } + absent)
        #expect(timeline.status == 0 && timeline.stdout.hasPrefix("ok: "), "\(timeline.stdout)\(timeline.stderr)")
        // The list flags the patient's adverse event.
        let list = try checkPage(["text", viewer.signIn, "--then", "/", "--present", "#patient-list td.flagged", "--contains", "Adverse events"])
        #expect(list.status == 0 && list.stdout.hasPrefix("ok: "), "\(list.stdout)\(list.stderr)")
        let none = try checkPage(["text", viewer.signIn, "--then", "/", "--present", "#patient-list td.missing"])
        #expect(none.status == 1 && none.stdout.contains("nothing matches '#patient-list td.missing'"), "--present can fail: \(none.stdout)")
    }
}
