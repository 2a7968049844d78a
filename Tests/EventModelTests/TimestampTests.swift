import Foundation
import Testing
import MyologTestSupport
import EventModel

@Suite("Timestamps and calendar dates")
struct TimestampTests {
    @Test("formats as fixed-width RFC 3339 UTC")
    func format() {
        #expect(Timestamp(millisecondsSinceEpoch: 0).description == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_772_529_300_123).description == "2026-03-03T09:15:00.123Z")
        #expect(Timestamp(millisecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999Z")
    }

    @Test("parse(format(t)) == t for random instants (seeded)", arguments: 0..<100)
    func roundTrip(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        let ms = Int64(rng.next() % 253_402_300_799_999)  // up to 9999-12-31
        let t = Timestamp(millisecondsSinceEpoch: ms)
        #expect(Timestamp(rfc3339: t.description) == t)
        let date = Date(timeIntervalSince1970: TimeInterval(ms) / 1000)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        #expect(t.description.prefix(19) == formatter.string(from: date).prefix(19))
    }

    @Test("offsets and fractions are understood")
    func offsets() {
        #expect(Timestamp(rfc3339: "2026-03-03T20:15:00+11:00") == Timestamp(rfc3339: "2026-03-03T09:15:00Z"))
        #expect(Timestamp(rfc3339: "2026-03-03T09:15:00.5Z")?.millisecondsSinceEpoch == Timestamp(rfc3339: "2026-03-03T09:15:00Z")!.millisecondsSinceEpoch + 500)
    }

    @Test("impossible instants are refused", arguments: ["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00", "yesterday"])
    func refusals(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("civil dates: leap years and day counts")
    func civilDates() {
        #expect(CivilDate(iso: "2024-02-29") != nil)
        #expect(CivilDate(iso: "2025-02-29") == nil)
        #expect(CivilDate(iso: "1900-02-29") == nil)
        #expect(CivilDate(iso: "2000-02-29") != nil)
        #expect(CivilDate(iso: "2026-1-01") == nil)
        #expect(CivilDate(daysSinceEpoch: 0).description == "1970-01-01")
        for days in stride(from: Int64(-800_000), to: 800_000, by: 997) {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
    }

    @Test("the start of a day in a zone east of UTC falls on the previous UTC day")
    func startOfDay() {
        let melbourne = TimeZone(identifier: "Australia/Melbourne")!
        let start = Timestamp(startOf: CivilDate(iso: "2026-03-03")!, in: melbourne)
        #expect(start.description == "2026-03-02T13:00:00.000Z")  // AEDT, UTC+11
        #expect(start.civilDate(in: melbourne).description == "2026-03-03")
    }
}
