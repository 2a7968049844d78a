import ClinicalEvents
import EventLog
import Foundation
import Testing
import EventModel

@Suite("Dates typed on the command line, read on the site's clock")
struct EntryDateLocalTests {
    let melbourne = SiteClock(identifier: "Australia/Melbourne")!
    let auckland = SiteClock(identifier: "Pacific/Auckland")!

    func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    @Test("a wall-clock time without an offset, with a space or a T, is read in the site's zone",
          arguments: ["2026-11-27 09:10", "2026-11-27T09:10", " 2026-11-27 09:10:00 "])
    func localTime(_ typed: String) throws {
        let date = try EntryDate(typed)
        #expect(date.form == .localTime(CivilDate(iso: "2026-11-27")!, hour: 9, minute: 10, second: 0))
        #expect(try date.instant(on: melbourne) == at("2026-11-26T22:10:00Z"))
        #expect(try date.instant(on: .utc) == at("2026-11-27T09:10:00Z"))
    }

    @Test("a time with an offset is that instant wherever it is read", arguments: ["2026-04-05 02:30+10:00", "2026-04-05T02:30+10:00", "2026-04-05 02:30 +10:00", "2026-04-05T02:30:00+10:00"])
    func withOffset(_ typed: String) throws {
        let date = try EntryDate(typed)
        #expect(try date.instant(on: melbourne) == at("2026-04-04T16:30:00Z"))
        #expect(try date.instant(on: auckland) == at("2026-04-04T16:30:00Z"))
    }

    @Test("a day is its first instant in the site's zone, and its last millisecond for --as-of")
    func day() throws {
        let date = try EntryDate("2026-11-27")
        #expect(try date.instant(on: melbourne) == at("2026-11-26T13:00:00Z"))
        #expect(try date.lastInstant(on: melbourne) == at("2026-11-27T12:59:59.999Z"))
    }

    @Test("not a date or time: refused naming the field it was typed for",
          arguments: ["2026-11-27 25:10", "2026-11-27 09:60", "2026-02-30 09:10", "2026-11-27 09:10 AEST", "27/11/2026 09:10", "2026-11-27 9:10", "yesterday"])
    func refused(_ typed: String) {
        let refusal = expectRefusal(.invalidField) { try EntryDate(typed, field: "as-of") }
        #expect(refusal?.fact.hasPrefix("as-of: ") == true, "\(String(describing: refusal))")
        #expect(refusal?.fact.contains("YYYY-MM-DD HH:MM") == true)
    }

    @Test("a time the clocks skip (spring forward) is refused in one line naming the zone",
          arguments: [("Australia/Melbourne", "2026-10-04 02:30"), ("Pacific/Auckland", "2026-09-27 02:30")])
    func springGap(zone: String, typed: String) throws {
        let date = try EntryDate(typed)
        let refusal = expectRefusal(.invalidField) { try date.instant(on: SiteClock(identifier: zone)!) }
        let fact = refusal?.fact ?? ""
        #expect(fact.hasPrefix("date: ") && fact.contains("does not") && fact.contains(zone) && !fact.contains("\n"), "\(fact)")
        #expect(fact.contains("the clocks go from 02:00 to 03:00"), "\(fact)")
    }

    @Test("a time the clocks repeat (autumn) is refused as ambiguous, naming both offsets to give",
          arguments: [("Australia/Melbourne", "+11:00", "+10:00"), ("Pacific/Auckland", "+13:00", "+12:00")])
    func autumnRepeat(zone: String, first: String, second: String) throws {
        let date = try EntryDate("2026-04-05 02:30")
        let refusal = expectRefusal(.invalidField) { try date.instant(on: SiteClock(identifier: zone)!) }
        let fact = refusal?.fact ?? ""
        #expect(fact.contains("twice") && fact.contains("2026-04-05 02:30\(first)") && fact.contains("2026-04-05 02:30\(second)"), "\(fact)")
        #expect(fact.contains("the clocks go back from 03:00 to 02:00"), "\(fact)")
        // Given as the refusal suggests, each is accepted.
        let clock = SiteClock(identifier: zone)!
        let firstInstant = try EntryDate("2026-04-05 02:30\(first)").instant(on: clock)
        let secondInstant = try EntryDate("2026-04-05 02:30\(second)").instant(on: clock)
        #expect(secondInstant.millisecondsSinceEpoch - firstInstant.millisecondsSinceEpoch == 3_600_000)
    }

    @Test("the record's checks use its zone: a day is local midnight; today is the site's")
    func input() throws {
        let now = at("2026-11-26T22:10:00Z")  // 09:10 on the 27th in Melbourne, still the 26th in UTC
        let local = ClinicalInput(now: now, timeZone: melbourne.zone)
        #expect(local.today == CivilDate(iso: "2026-11-27")!)
        #expect(try local.occurredAt(EntryDate("2026-11-27")) == at("2026-11-26T13:00:00Z"))
        #expect(try local.occurredAt(EntryDate("2026-11-27 09:10")) == now)
        expectRefusal(.invalidField) { try ClinicalInput(now: now, timeZone: TimeZone(identifier: "UTC")!).occurredAt(EntryDate("2026-11-27")) }
        expectRefusal(.invalidField) { try local.occurredAt(EntryDate("2026-11-27 09:11")) }
    }
}
