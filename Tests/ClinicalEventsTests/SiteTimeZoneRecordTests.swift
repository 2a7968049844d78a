import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation
import Testing
import EventModel

@Suite("The store's time zone")
struct SiteTimeZoneRecordTests {
    @Test("a store that never recorded a zone reads on the record's input zone (the machine's by default)")
    func noZone() throws {
        let f = try ClinicalFixture(timeZone: TimeZone(identifier: "Pacific/Auckland")!)
        #expect(try f.store.read { try ClinicalQueries($0).siteTimeZone(of: f.store.identity.nodeID) } == nil)
        #expect(try f.record.write { $0.input.timeZone.identifier } == "Pacific/Auckland")
        #expect(try f.store.siteClock() == SiteClock.machine)
    }

    @Test("once recorded, the store's zone wins over whatever zone the record was given, in this session and the next")
    func storeZoneWins() throws {
        let now = Timestamp(rfc3339: "2026-11-26T22:10:00Z")!  // 09:10 on the 27th in Melbourne
        let f = try ClinicalFixture(now: now, timeZone: TimeZone(identifier: "UTC")!)
        let p = try f.register()
        let pain = try f.record.write { s -> EventEnvelope in
            try s.setSiteTimeZone("Australia/Melbourne", author: "pm")
            // The same session reads the new zone at once: the 27th is today in Melbourne.
            return try s.recordPain(IDReference(p), score: 4, region: "neck", date: EntryDate("2026-11-27"), author: "alex")
        }
        #expect(pain.occurredAt == Timestamp(rfc3339: "2026-11-26T13:00:00Z")!)
        let fresh = ClinicalRecord(store: f.store, input: ClinicalInput(now: now, timeZone: TimeZone(identifier: "UTC")!))
        #expect(try fresh.write { $0.input.timeZone.identifier } == "Australia/Melbourne")
        #expect(try f.store.siteClock().identifier == "Australia/Melbourne")
        #expect(try f.store.read { try ClinicalQueries($0).siteTimeZones() }.mapValues(\.zone) == [f.store.identity.nodeID: "Australia/Melbourne"])
        // The latest of the node's own settings is its zone.
        try fresh.write { try $0.setSiteTimeZone("Australia/Perth", author: "pm") }
        #expect(try f.store.siteClock().identifier == "Australia/Perth")
        #expect(try ClinicalRecord(store: f.store).write { $0.input.timeZone.identifier } == "Australia/Perth")
    }

    @Test("a zone that is not an IANA name is refused naming time-zone, and nothing is written", arguments: ["AEST", "+10:00", "Mars/Base", "", "UTC+10"])
    func refused(_ zone: String) throws {
        let f = try ClinicalFixture()
        let before = try f.logBytes()
        let refusal = expectRefusal(.invalidField) { try f.record.write { try $0.setSiteTimeZone(zone, author: "pm") } }
        #expect(refusal?.fact.hasPrefix("time-zone: ") == true && refusal?.fact.contains("IANA") == true, "\(String(describing: refusal))")
        #expect(try f.logBytes() == before)
    }

    @Test("a stored zone that is not an IANA name does not decode")
    func malformedStored() {
        expectRefusal(.malformedPayload) { try SiteTimeZoneSet(json: ["zone": "AEST"]) }
        expectRefusal(.malformedPayload) { try SiteTimeZoneSet(json: ["zone": "UTC", "offset": "+10:00"]) }
        #expect((try? SiteTimeZoneSet(json: ["zone": "Pacific/Auckland"]))?.clock.identifier == "Pacific/Auckland")
    }
}
