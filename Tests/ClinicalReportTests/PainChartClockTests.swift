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

    func score(_ value: Int, at rfc3339: String, context: String = "pre") throws -> EntryView<PainScoreRecorded> {
        EntryView(payload: PainScoreRecorded(score: value, region: "neck", context: context), eventId: EventID.make(),
                  occurredAt: try #require(Timestamp(rfc3339: rfc3339)), author: "alex", corrections: [])
    }

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

    @Test("a score at 09:10 Melbourne is drawn on the 20th with a 09:10 tooltip; on UTC's clock the same instant reads 22:10 on the 19th")
    func localLabels() throws {
        let scores = [try score(7, at: "2026-11-19T22:10:00Z"), try score(4, at: "2026-11-26T22:10:00Z", context: "post")]
        let local = PainChart.svg(scores, trend: nil, clock: Self.melbourne).rendered
        #expect(local.contains("7/10, Neck, Before treatment, 2026-11-20 09:10") && local.contains("from 2026-11-20 to 2026-11-27"))
        #expect(local.contains(">Date (Australia/Melbourne)<") && local.contains(">2026-11-21<"))
        let utc = PainChart.svg(scores, trend: nil, clock: .utc).rendered
        #expect(utc.contains("7/10, Neck, Before treatment, 2026-11-19 22:10") && utc.contains(">Date (\(SiteClock.utc.identifier))<"))
        #expect(PainChart.svg(scores, trend: nil, clock: Self.auckland).rendered.contains("2026-11-20 11:10"), "Auckland is two hours ahead")
    }
}
