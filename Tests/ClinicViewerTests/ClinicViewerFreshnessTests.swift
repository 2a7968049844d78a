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

/// A patient page shows the record as it stands when the page is asked for: what each visit
/// holds under that visit only, an entry written while `ui` runs on the next page, and nothing
/// of an erased patient — whatever the viewer read before (a page is never kept and re-sent).
@Suite("ClinicViewer: every page is the record as it stands", .serialized)
struct ClinicViewerFreshnessTests {
    let routes = ClinicViewerRouteTests()

    /// Two ended visits, each with a technique whose note says which visit it belongs to.
    func clinic() throws -> (store: EventStore, patient: PatientID, visits: [EventID]) {
        let (store, patient) = try routes.clinic()
        let first = try #require(Timestamp(rfc3339: "2026-11-02T09:00:00Z")).millisecondsSinceEpoch
        func at(_ minutes: Int64) -> EntryDate { EntryDate(Timestamp(millisecondsSinceEpoch: first + minutes * 60_000)) }
        let visits = try ClinicalRecord(store: store).write { s in
            var visits: [EventID] = []
            for (day, reason) in [(0, "Neck pain"), (7, "Shoulder pain")] {
                let start = Int64(day) * 1440
                visits.append(try s.startVisit(IDReference(patient), reason: reason, date: at(start), author: "alex").id)
                try s.recordTechnique(IDReference(patient), technique: "myofascial release", region: "neck", minutes: 20,
                                      note: "technique of the \(reason.lowercased()) visit", date: at(start + 5), author: "alex")
                try s.endVisit(IDReference(patient), note: "plan after the \(reason.lowercased()) visit", date: at(start + 40), author: "alex")
            }
            return visits
        }
        return (store, patient, visits)
    }

    /// The `<article>` of visit `id` in a patient page.
    static func article(_ id: EventID, in page: String) throws -> Substring {
        let start = try #require(page.range(of: #"<article class="visit" id="visit-\#(id.rawValue)""#), "no article for visit \(id)")
        let end = try #require(page[start.upperBound...].range(of: "</article>"))
        return page[start.lowerBound..<end.upperBound]
    }

    @Test("each visit's article holds its own technique and plan and not the other visit's; an entry or a retraction written while ui runs is on the next page")
    func visitsAndNewEntries() async throws {
        let (store, patient, visits) = try clinic()
        try await routes.serve(store) { served in
            let page = ClinicViewerRouteTests.text(try await served.get("/patients/\(patient.rawValue)"))
            #expect(page.contains("2 visits, oldest first"), "\(page.prefix(3000))")
            let first = try Self.article(visits[0], in: page), second = try Self.article(visits[1], in: page)
            #expect(first.contains("technique of the neck pain visit") && first.contains("plan after the neck pain visit"))
            #expect(!first.contains("shoulder pain visit"), "the second visit's entries are in the first visit's article")
            #expect(second.contains("technique of the shoulder pain visit") && second.contains("plan after the shoulder pain visit"))
            #expect(!second.contains("neck pain visit"), "the first visit's entries are in the second visit's article")

            let third = try ClinicalRecord(store: store).write { s in
                try s.startVisit(IDReference(patient), reason: "Hip pain", author: "alex").id
            }
            let next = ClinicViewerRouteTests.text(try await served.get("/patients/\(patient.rawValue)"))
            #expect(next.contains("3 visits, oldest first"), "the visit started while ui runs is not on the next page")
            #expect(try Self.article(third, in: next).contains("the visit is still open."))

            // A retraction is a new event of the patient's: the page after it is made again.
            let technique = try store.read { reader in
                try #require(try reader.events(patient: patient).first { $0.type == TechniqueApplied.eventType })
            }
            try ClinicalRecord(store: store).write { s in
                _ = try s.retract(IDReference(technique.id), reason: "entered against the wrong visit", author: "alex")
            }
            let retracted = ClinicViewerRouteTests.text(try await served.get("/patients/\(patient.rawValue)"))
            #expect(retracted.contains("entered against the wrong visit"), "the retraction made after the last page is not on the next one")
        }
    }

    @Test("a patient erased while ui runs: the next page is 410 and shows none of the record it showed before, and the refusal is recorded")
    func erasedWhileServing() async throws {
        let (store, patient, _) = try clinic()
        try await routes.serve(store) { served in
            let shown = ClinicViewerRouteTests.text(try await served.get("/patients/\(patient.rawValue)"))
            #expect(shown.contains("technique of the neck pain visit"))
            _ = try ClinicalRecord(store: store).write { s in
                try s.erase(IDReference(patient), basis: .request, reason: "the patient asked", author: "jo")
            }
            let before = try ClinicViewerRouteTests.events(store)
            let after = try await served.get("/patients/\(patient.rawValue)")
            #expect(after.status == .gone)
            let text = ClinicViewerRouteTests.text(after)
            for shownBefore in ["technique of the neck pain visit", "plan after the shoulder pain visit", "Neck pain", "Smith"] {
                #expect(!text.contains(shownBefore), "an erased patient's \(shownBefore) is still shown")
            }
            #expect(try ClinicViewerRouteTests.events(store) == before + 1, "the refused access is not recorded")
        }
    }

    @Test("a zone set while ui runs is on the next page, the list and the timeline, each read on the zone its own read holds")
    func zoneChangedWhileServing() async throws {
        let (store, patient, _) = try clinic()
        try ClinicalRecord(store: store).write { try $0.setSiteTimeZone("Australia/Melbourne", author: "jo") }
        try await routes.serve(store) { served in
            let page = "/patients/\(patient.rawValue)"
            #expect(ClinicViewerRouteTests.text(try await served.get(page)).contains("Times are local to Australia/Melbourne"))
            #expect(ClinicViewerRouteTests.text(try await served.get("/")).contains("Times are Australia/Melbourne"))
            // Pages after the first read only this node's events since (the access records, then the zone).
            try ClinicalRecord(store: store).write { try $0.setSiteTimeZone("Pacific/Auckland", author: "jo") }
            let next = ClinicViewerRouteTests.text(try await served.get(page))
            #expect(next.contains("Times are local to Pacific/Auckland"), "the zone set while ui runs is not on the next page")
            #expect(!next.contains("Australia/Melbourne"))
            #expect(ClinicViewerRouteTests.text(try await served.get("/")).contains("Times are Pacific/Auckland"))
            #expect(ClinicViewerRouteTests.text(try await served.get(page + "/timeline")).contains("Times are Pacific/Auckland"))
        }
    }
}
