import ClinicViewer
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel
import Foundation
import HummingbirdTesting
import MyologTestSupport
import Projections
import Testing

/// `myolog ui` reads every time on the site's clock and names the zone on each page; typed notes
/// are text on every page that shows them.
@Suite("ClinicViewer: local times and notes", .serialized)
struct ClinicViewerLocalTimeTests {
    let routes = ClinicViewerRouteTests()
    static let note = #"</td></tr><tr><td id="injected">LTR x2</td>"#

    /// A Melbourne site's patient seen at 09:10 on 20 November 2026 (22:10 UTC on the 19th), with
    /// a technique whose note is markup.
    func clinic() throws -> (EventStore, PatientID) {
        let (store, patient) = try routes.clinic()
        let at = try #require(Timestamp(rfc3339: "2026-11-19T22:10:00Z"))
        try ClinicalRecord(store: store).write { s in
            try s.setSiteTimeZone("Australia/Melbourne", author: "jo")
            try s.startVisit(IDReference(patient), reason: "Neck pain", date: EntryDate(at), author: "alex")
            try s.recordTechnique(IDReference(patient), technique: "myofascial release", region: "neck", minutes: 20, note: Self.note,
                                  date: EntryDate(Timestamp(millisecondsSinceEpoch: at.millisecondsSinceEpoch + 600_000)), author: "alex")
        }
        return (store, patient)
    }

    @Test("read on the clock the store records: the list, the patient page and the timeline show Melbourne times (the visit on the 20th at 09:10, not the UTC 19th 22:10), each naming the zone")
    func localTimes() async throws {
        let (store, patient) = try clinic()
        try await routes.serve(store) { served in
            let list = ClinicViewerRouteTests.text(try await served.get("/"))
            #expect(list.contains("<td>2026-11-20</td>"), "the last visit is a local day")
            #expect(list.contains("Times are Australia/Melbourne (UTC+"))
            let page = ClinicViewerRouteTests.text(try await served.get("/patients/\(patient.rawValue)"))
            #expect(page.contains("<h3>2026-11-20 09:10 — Neck pain</h3>"), "\(page.prefix(3000))")
            #expect(page.contains("Times are local to Australia/Melbourne"))
            #expect(!page.contains("2026-11-19 22:"))
            let timeline = ClinicViewerRouteTests.text(try await served.get("/patients/\(patient.rawValue)/timeline"))
            #expect(timeline.contains("<td>2026-11-20 09:10</td>") && timeline.contains("Times are Australia/Melbourne (UTC+"))
            #expect(!timeline.contains("2026-11-19 22:"))
        }
    }

    @Test("a technique's note is text on the patient page and the timeline: escaped, never a cell or a row")
    func notesEscaped() async throws {
        let (store, patient) = try clinic()
        try await routes.serve(store) { served in
            for path in ["/patients/\(patient.rawValue)", "/patients/\(patient.rawValue)/timeline"] {
                let html = ClinicViewerRouteTests.text(try await served.get(path))
                #expect(html.contains(#"&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td id="injected"&gt;LTR x2&lt;/td&gt;"#), "\(path)")
                #expect(!html.contains(#"<td id="injected""#), "\(path)")
            }
        }
    }
}
