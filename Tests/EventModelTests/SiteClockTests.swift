import Foundation
import Testing
import EventModel

@Suite("The site's clock across daylight-saving changes")
struct SiteClockTests {
    let melbourne = SiteClock(identifier: "Australia/Melbourne")!
    let auckland = SiteClock(identifier: "Pacific/Auckland")!

    func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }
    func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    @Test("only IANA names make a clock: abbreviations, offsets and unknown names do not", arguments: ["AEST", "+10:00", "Mars/Base", "", "GMT+10", "australia/melbourne"])
    func notIANA(_ name: String) {
        #expect(SiteClock(identifier: name) == nil)
    }

    @Test("IANA names do, UTC included", arguments: ["Australia/Melbourne", "Pacific/Auckland", "Australia/Perth", "UTC", "Europe/London"])
    func iana(_ name: String) {
        #expect(SiteClock(identifier: name)?.identifier == name)
    }

    @Test("Melbourne, first Sunday in April (03:00 → 02:00): 02:30 reads twice, with two offsets")
    func melbourneAutumn() {
        #expect(melbourne.minuteWithOffset(at("2026-04-04T14:30:00Z")) == "2026-04-05 01:30 +11:00")
        #expect(melbourne.minuteWithOffset(at("2026-04-04T15:30:00Z")) == "2026-04-05 02:30 +11:00")
        #expect(melbourne.minuteWithOffset(at("2026-04-04T16:30:00Z")) == "2026-04-05 02:30 +10:00")
        #expect(melbourne.instants(on: day("2026-04-05"), hour: 2, minute: 30) == [at("2026-04-04T15:30:00Z"), at("2026-04-04T16:30:00Z")])
        #expect(melbourne.instants(on: day("2026-04-05"), hour: 1, minute: 30) == [at("2026-04-04T14:30:00Z")])
        // Shown with its offset only where the minute alone would not place it.
        #expect(melbourne.unambiguousMinute(at("2026-04-04T16:30:00Z")) == "2026-04-05 02:30 +10:00")
        #expect(melbourne.unambiguousMinute(at("2026-04-04T14:30:00Z")) == "2026-04-05 01:30")
    }

    @Test("Melbourne, first Sunday in October (02:00 → 03:00): 02:30 does not exist; 01:30 to 03:30 is one hour")
    func melbourneSpring() {
        #expect(melbourne.instants(on: day("2026-10-04"), hour: 2, minute: 30).isEmpty)
        let start = melbourne.instants(on: day("2026-10-04"), hour: 1, minute: 30), end = melbourne.instants(on: day("2026-10-04"), hour: 3, minute: 30)
        #expect(start == [at("2026-10-03T15:30:00Z")] && end == [at("2026-10-03T16:30:00Z")])
        #expect(end[0].millisecondsSinceEpoch - start[0].millisecondsSinceEpoch == 3_600_000)
        #expect(melbourne.minuteWithOffset(start[0]) == "2026-10-04 01:30 +10:00")
        #expect(melbourne.minuteWithOffset(end[0]) == "2026-10-04 03:30 +11:00")
        let change = melbourne.change(near: day("2026-10-04"), hour: 2, minute: 30)
        #expect(change?.from == "02:00" && change?.to == "03:00")
        let back = melbourne.change(near: day("2026-04-05"), hour: 2, minute: 30)
        #expect(back?.from == "03:00" && back?.to == "02:00")
        #expect(melbourne.change(near: day("2026-07-01"), hour: 9, minute: 0) == nil)
    }

    @Test("Auckland, first Sunday in April and last Sunday in September")
    func aucklandChanges() {
        #expect(auckland.instants(on: day("2026-04-05"), hour: 2, minute: 30) == [at("2026-04-04T13:30:00Z"), at("2026-04-04T14:30:00Z")])
        #expect(auckland.minuteWithOffset(at("2026-04-04T12:30:00Z")) == "2026-04-05 01:30 +13:00")
        #expect(auckland.minuteWithOffset(at("2026-04-04T14:30:00Z")) == "2026-04-05 02:30 +12:00")
        #expect(auckland.instants(on: day("2026-09-27"), hour: 2, minute: 30).isEmpty)
        #expect(auckland.minuteWithOffset(at("2026-09-26T13:30:00Z")) == "2026-09-27 01:30 +12:00")
        #expect(auckland.minuteWithOffset(at("2026-09-26T14:30:00Z")) == "2026-09-27 03:30 +13:00")
    }

    @Test("a day is the site's: a 09:10 Melbourne visit on 27 November is the 27th, UTC's 26th; Perth reads 02:30 Melbourne as the 26th")
    func localDay() {
        #expect(melbourne.day(at("2026-11-26T22:10:00Z")) == day("2026-11-27"))
        #expect(SiteClock.utc.day(at("2026-11-26T22:10:00Z")) == day("2026-11-26"))
        let perth = SiteClock(identifier: "Australia/Perth")!
        #expect(melbourne.day(at("2026-11-26T15:30:00Z")) == day("2026-11-27"))
        #expect(perth.day(at("2026-11-26T15:30:00Z")) == day("2026-11-26"))
        #expect(perth.minuteWithOffset(at("2026-11-26T15:30:00Z")) == "2026-11-26 23:30 +08:00")
    }

    @Test("the text is the same whatever the machine's zone: only the site's zone is read")
    func machineIndependent() {
        // The process's TZ is not consulted: a clock for UTC reads UTC.
        #expect(SiteClock.utc.minuteWithOffset(at("2026-04-04T16:30:00Z")) == "2026-04-04 16:30 +00:00")
        #expect(melbourne.label(now: at("2026-12-05T00:00:00Z")) == "Times are Australia/Melbourne (UTC+11:00 now).")
        #expect(melbourne.label(now: at("2026-06-05T00:00:00Z")) == "Times are Australia/Melbourne (UTC+10:00 now).")
    }
}
