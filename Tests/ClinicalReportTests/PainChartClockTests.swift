import ClinicalEvents
import EventModel

@testable import ClinicalReport
import ClinicalFold
import Testing

/// The pain chart reads its dates on the site's clock: ticks at local midnights (across a
/// daylight-saving change too), tooltips in local time, the zone named on the axis.
@Suite("Pain chart on the site's clock")
struct PainChartClockTests {
    static let melbourne = SiteClock(identifier: "Australia/Melbourne")!
    static let auckland = SiteClock(identifier: "Pacific/Auckland")!

    @Test("every tick is a local midnight, labelled with its local day, across the spring and autumn changes", arguments: [
        ("Australia/Melbourne", "2026-09-28T23:00:00Z", "2026-10-09T23:00:00Z"),  // 4 October: clocks forward
        ("Australia/Melbourne", "2026-03-30T23:00:00Z", "2026-04-10T23:00:00Z"),  // 5 April: clocks back
        ("Pacific/Auckland", "2026-09-21T20:00:00Z", "2026-10-02T20:00:00Z"),  // 27 September: clocks forward
    ])
    func ticksAtLocalMidnight(zone: String, from: String, to: String) throws {
        let clock = try #require(SiteClock(identifier: zone))
        let start = try #require(Timestamp(rfc3339: from)).millisecondsSinceEpoch, end = try #require(Timestamp(rfc3339: to)).millisecondsSinceEpoch
        let ticks = PainChart.ticks(start: start, end: end, clock: clock)
        #expect(ticks.count == 6)
        for tick in ticks {
            #expect(clock.minute(Timestamp(millisecondsSinceEpoch: tick)).hasSuffix(" 00:00"), "\(zone): \(clock.minuteWithOffset(Timestamp(millisecondsSinceEpoch: tick)))")
            #expect(tick >= start && tick <= end)
        }
        #expect(ticks == ticks.sorted() && Set(ticks).count == ticks.count)
    }

    @Test("a score at 01:06 UTC on 3 March 2026 reads 12:06 in Melbourne and 17:06 the day before in Los Angeles; a week later, across the US spring change, 18:06")
    func localLabels() throws {
        // PainChartTests' scores: day 0 is 2026-03-03T01:06:40Z.
        let scores = [PainChartTests().score(7, day: 0), PainChartTests().score(4, context: "post", day: 7)]
        let local = PainChart.svg(scores, trend: nil, clock: Self.melbourne).rendered
        #expect(local.contains("7/10, Neck, Before treatment, 2026-03-03 12:06") && local.contains("from 2026-03-03 to 2026-03-10"))
        #expect(local.contains(">Date (Australia/Melbourne)<") && local.contains(">2026-03-04<"))
        let utc = PainChart.svg(scores, trend: nil, clock: .utc).rendered
        #expect(utc.contains("7/10, Neck, Before treatment, 2026-03-03 01:06") && utc.contains(">Date (\(SiteClock.utc.identifier))<"))
        let losAngeles = PainChart.svg(scores, trend: nil, clock: try #require(SiteClock(identifier: "America/Los_Angeles"))).rendered
        #expect(losAngeles.contains("7/10, Neck, Before treatment, 2026-03-02 17:06") && losAngeles.contains("4/10, Neck, After treatment, 2026-03-09 18:06"))
        #expect(PainChart.svg(scores, trend: nil, clock: Self.auckland).rendered.contains("2026-03-03 14:06"), "Auckland is two hours ahead of Melbourne")
    }
}
