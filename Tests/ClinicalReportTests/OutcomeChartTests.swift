import ClinicalEvents
import EventModel

@testable import ClinicalReport
import ClinicalFold
import Testing

/// The outcome chart's geometry read back from its SVG: one point per scored answer set at the
/// place its score and date give (better up), the polyline through them, the band of "no
/// meaningful change yet" from the baseline, the axis over the score's range, steps and band
/// labels for an instrument of risk bands, dates on the site's clock, typed text inert.
@Suite("Outcome chart")
struct OutcomeChartTests {
    static let day0: Int64 = 1_793_000_000_000  // 2026-10-26T...Z

    static func answerSet(_ instrument: String, _ answers: [Int?], activities: [String]? = nil, context: String, day: Int64, note: String? = nil) -> OutcomeView {
        OutcomeView(entry: EntryView(payload: OutcomeRecorded(instrument: instrument, version: 1, answers: answers, activities: activities, context: context, note: note),
                                     eventId: EventID.make(), occurredAt: Timestamp(millisecondsSinceEpoch: day0 + day * 86_400_000), author: "ann", corrections: []))
    }

    static func instrument(_ json: String) throws -> Instrument { try Instrument(json: JSONParser.parse(Array(json.utf8))) }

    static var ndi: Instrument { get throws { try #require(Instruments.latest("ndi")) } }

    /// NDI 22/50 at baseline, 15/50 a fortnight later (7 better: inside the 7.5 band), 10/50 (one item
    /// skipped: 9 of 45 × 50) a fortnight after that (12 better: the MCID reached).
    static var ndiCourse: [OutcomeView] {
        [answerSet("ndi", [3, 3, 2, 2, 3, 2, 2, 2, 2, 1], context: "baseline", day: 0),
         answerSet("ndi", [2, 2, 1, 1, 2, 2, 1, 2, 1, 1], context: "reassessment", day: 14),
         answerSet("ndi", [1, 1, 1, 1, 1, 1, 1, 1, 1, nil], context: "reassessment", day: 28)]
    }

    struct DrawnPoint { var x: Double, y: Double, score: String, series: String, context: String, event: String }

    static func points(_ svg: String) -> [DrawnPoint] {
        svg.matches(of: /<circle class="outcome-point" cx="([0-9.]+)" cy="([0-9.]+)"[^>]*data-score="([^"]+)" data-series="([^"]+)" data-context="(\w+)"[^>]*data-event="([^"]+)"/).map {
            DrawnPoint(x: Double($0.1)!, y: Double($0.2)!, score: String($0.3), series: String($0.4), context: String($0.5), event: String($0.6))
        }
    }

    static func polylines(_ svg: String) -> [[(Double, Double)]] {
        svg.matches(of: /<polyline class="series-line"[^>]*points="([^"]+)"/).map { match in
            match.1.split(separator: " ").map { pair in
                let xy = pair.split(separator: ",")
                return (Double(xy[0])!, Double(xy[1])!)
            }
        }
    }

    /// The plot NDI is drawn in: 0 (best) at the top edge (y 30), 50 at the bottom (y 264).
    static func ndiY(_ score: Double) -> Double { 30 + 234 * score / 50 }

    @Test("NDI: three points where score and date put them (lower = better drawn higher, 0 at the top), the polyline through them in order, the first date at the left edge and the last at the right")
    func pointsAndLine() throws {
        let course = Self.ndiCourse
        let svg = OutcomeChart(instrument: try Self.ndi, answerSets: course, baseline: course[0].entry.eventId, clock: .utc).svg.rendered
        let points = Self.points(svg)
        #expect(points.map(\.score) == ["22.0", "15.0", "10.0"])
        #expect(points.map(\.event) == course.map(\.entry.eventId.rawValue) && points.map(\.context) == ["baseline", "reassessment", "reassessment"])
        #expect(points.allSatisfy { $0.series == "total" })
        for (point, score) in zip(points, [22.0, 15.0, 10.0]) { #expect(abs(point.y - Self.ndiY(score)) <= 0.05, "\(point.score) at y \(point.y)") }
        #expect(points[0].x == 48 && points[2].x == 530 && abs(points[1].x - 289) <= 0.05, "28 days over 482 px from x 48")
        #expect(points[2].y < points[1].y && points[1].y < points[0].y, "the better score is higher on the page")
        let lines = Self.polylines(svg)
        #expect(lines.count == 1 && lines[0].count == 3)
        #expect(zip(lines[0], points).allSatisfy { $0.0 == $1.x && $0.1 == $1.y }, "the line joins the points in time order")
        #expect(svg.contains(##"fill="#ffffff" data-score="22.0""##), "the baseline hollow")
        #expect(svg.contains(#"data-score="15.0" data-series="total" data-context="reassessment""#) && !svg.contains(##"fill="#ffffff" data-score="15.0""##), "a reassessment filled")
        #expect(svg.contains(##"stroke="#0b5394""##), "the pain chart's first series colour")
    }

    @Test("the band: baseline 22.0 ± the MCID 7.5 (14.5–29.5), from the baseline's date to the right edge; 15.0 inside it, 10.0 (the MCID reached) outside")
    func band() throws {
        let course = Self.ndiCourse
        let chart = OutcomeChart(instrument: try Self.ndi, answerSets: course, baseline: course[0].entry.eventId, clock: .utc)
        let svg = chart.svg.rendered
        let rect = try #require(svg.firstMatch(of: /<rect class="mcid-band" x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)" height="([0-9.]+)" data-kind="MCID" data-threshold="7.5" data-baseline="22.0" data-low="14.5" data-high="29.5">/))
        let (x, y, width, height) = (Double(rect.1)!, Double(rect.2)!, Double(rect.3)!, Double(rect.4)!)
        #expect(x == 48 && abs(x + width - 530) <= 0.05)
        #expect(abs(y - Self.ndiY(14.5)) <= 0.05 && abs(y + height - Self.ndiY(29.5)) <= 0.1)
        let points = Self.points(svg)
        #expect(points[1].y > y && points[1].y < y + height, "7 points better: within the band")
        #expect(points[2].y < y, "12 points better: above the band (better is up)")
        #expect(svg.contains(#"<line class="mcid" x1="48" x2="530""#), "the baseline's score across the band")
        #expect(svg.contains("within MCID 7.5 of baseline") && svg.contains("The shaded band is within the MCID (7.5 points) of the baseline score 22.0"))

        // A later baseline starts the band at its own date; a baseline near the best end is clipped to the range.
        let restarted = course + [Self.answerSet("ndi", [1, 0, 0, 0, 1, 0, 0, 0, 1, 0], context: "baseline", day: 42)]
        let clipped = OutcomeChart(instrument: try Self.ndi, answerSets: restarted, baseline: restarted[3].entry.eventId, clock: .utc)
        let band = try #require(clipped.band)
        #expect(band.low == ExactScore(0) && band.high == ExactScore(21, over: 2) && band.x == 530 && abs(band.top - 30) <= 1e-9)
        #expect(clipped.svg.rendered.contains(#"data-baseline="3.0" data-low="0.0" data-high="10.5""#))
        // No baseline among the answer sets: no band.
        #expect(OutcomeChart(instrument: try Self.ndi, answerSets: course, baseline: nil, clock: .utc).band == nil)
    }

    @Test("the y axis spans the score's range in even steps, its best end at the top, and says which way is better")
    func axis() throws {
        let course = Self.ndiCourse
        let svg = OutcomeChart(instrument: try Self.ndi, answerSets: course, baseline: course[0].entry.eventId, clock: .utc).svg.rendered
        let labels = svg.matches(of: /<text class="axis-label" x="40" y="([0-9.]+)" text-anchor="end">(\d+)<\/text>/).map { (Double($0.1)! - 4, Int($0.2)!) }
        #expect(labels.map(\.1) == [0, 10, 20, 30, 40, 50])
        #expect(labels.allSatisfy { abs($0.0 - Self.ndiY(Double($0.1))) <= 0.05 } && labels.first!.0 == 30 && labels.last!.0 == 264)
        #expect(svg.contains("↑ better (lower NDI)") && svg.contains(#"data-higher-is="worse""#) && svg.contains("NDI v1 over time (NDI 0–50 points; better is up)"))
        #expect(OutcomeChart.gridValues(0...9) == [0, 2, 4, 6, 9] && OutcomeChart.gridValues(0...24) == [0, 5, 10, 15, 20, 24] && OutcomeChart.gridValues(0...10) == [0, 2, 4, 6, 8, 10])
        #expect(OutcomeChart.gridValues(0...80) == [0, 20, 40, 60, 80] && OutcomeChart.gridValues(0...52) == [0, 10, 20, 30, 40, 52] && OutcomeChart.gridValues(0...100) == [0, 20, 40, 60, 80, 100])
    }

    /// A patient-specific scale in the instrument format (PSFS's rules, higher better).
    static let psfs = """
        {"id": "psfs", "version": 1, "name": "Patient-Specific Functional Scale", "abbreviation": "PSFS",
         "licence": {"itemText": "none", "note": "test"},
         "activities": {"minCount": 1, "maxCount": 5, "min": 0, "max": 10},
         "scores": [{"id": "mean", "label": "PSFS", "rule": "mean", "range": [0, 10], "decimals": 1, "higherIs": "better", "unit": "points"}],
         "change": {"score": "mean", "mdc": {"points": "2", "singleItemPoints": "3", "source": "Stratford 1995"}},
         "reassessEveryDays": 14, "sources": ["Stratford 1995"]}
        """

    @Test("PSFS (higher is better): 10 at the top, the mean and each activity a series with its own colour and dash; an activity named in markup stays text")
    func activities() throws {
        let instrument = try Self.instrument(Self.psfs)
        let crafted = #"<script>alert(1)</script> Reaching "overhead""#
        let course = [Self.answerSet("psfs", [3, 4], activities: [crafted, "Driving"], context: "baseline", day: 0),
                      Self.answerSet("psfs", [6, 7], activities: [crafted, "Driving"], context: "reassessment", day: 14)]
        let chart = OutcomeChart(instrument: instrument, answerSets: course, baseline: course[0].entry.eventId, clock: .utc)
        let svg = chart.svg.rendered
        #expect(chart.series.map(\.id) == ["mean", "activity-1", "activity-2"])
        #expect(Set(chart.series.map(\.colour)).count == 3 && Set(chart.series.map { $0.dash ?? "solid" }).count == 3, "colour and dash both differ")
        let points = Self.points(svg)
        #expect(points.filter { $0.series == "mean" }.map(\.score) == ["3.5", "6.5"] && points.filter { $0.series == "activity-2" }.map(\.score) == ["4", "7"])
        let top = 30.0, plot = 234.0
        for point in points { #expect(abs(point.y - (top + plot * (1 - Double(point.score)! / 10))) <= 0.05, "\(point.series) \(point.score)") }
        #expect(svg.contains("↑ better (higher PSFS)") && svg.contains(#"data-higher-is="better""#))
        #expect(svg.contains(#"data-kind="MDC" data-threshold="2.0" data-baseline="3.5" data-low="1.5" data-high="5.5""#))
        #expect(!svg.contains("<script>") && svg.contains("“&lt;script&gt;alert(1)&lt;/script&gt; Reaching \"overhead\"”: 6"), "the activity's name is quoted text in the point's title")
        #expect(svg.contains(">“&lt;script&gt;alert(…<") && svg.contains(">“Driving”<"), "the legend quotes it and shortens it, still text")
    }

    /// A screening tool of bands in the instrument format (STarT Back's rules).
    static let bands = """
        {"id": "startback", "version": 1, "name": "Keele STarT Back Screening Tool", "abbreviation": "SBST",
         "licence": {"itemText": "headings", "note": "test"},
         "items": [\((1...8).map { #"{"number": \#($0), "min": 0, "max": 1}"# }.joined(separator: ", ")), {"number": 9, "min": 0, "max": 4, "scoreAs": [0, 0, 0, 1, 1]}],
         "scores": [{"id": "total", "label": "SBST total", "rule": "sum", "range": [0, 9], "decimals": 0, "higherIs": "worse", "unit": "points"},
                    {"id": "distress", "label": "Distress", "rule": "sum", "items": [5, 6, 7, 8, 9], "range": [0, 5], "decimals": 0, "higherIs": "worse", "unit": "points"}],
         "bands": [{"id": "high", "label": "High risk", "when": [{"score": "distress", "atLeast": "4"}]},
                   {"id": "low", "label": "Low risk", "when": [{"score": "total", "atMost": "3"}]},
                   {"id": "medium", "label": "Medium risk", "when": []}],
         "reassessEveryDays": 90, "sources": ["Hill 2008"]}
        """

    @Test("an instrument of risk bands: the score in steps (2n − 1 vertices), each answer set labelled with its band, no MCID band")
    func steps() throws {
        let instrument = try Self.instrument(Self.bands)
        let course = [Self.answerSet("startback", [1, 1, 1, 0, 1, 1, 1, 1, 4], context: "baseline", day: 0),
                      Self.answerSet("startback", [1, 1, 0, 0, 1, 0, 1, 0, 2], context: "reassessment", day: 30),
                      Self.answerSet("startback", [0, 1, 0, 0, 0, 0, 1, 0, 0], context: "discharge", day: 60)]
        let chart = OutcomeChart(instrument: instrument, answerSets: course, baseline: course[0].entry.eventId, clock: .utc)
        let svg = chart.svg.rendered
        #expect(chart.band == nil && !svg.contains(#"class="mcid-band""#))
        #expect(svg.matches(of: /<text class="band-label"[^>]*>([^<]+)</).map { String($0.1) } == ["High risk", "Medium risk", "Low risk"])
        #expect(svg.contains(#"data-band="high""#) && svg.contains(#"data-stepped="true""#))
        let totals = Self.points(svg).filter { $0.series == "total" }
        #expect(totals.map(\.score) == ["8", "4", "2"])
        let line = try #require(Self.polylines(svg).first)
        #expect(line.count == 5)
        #expect(line[1].0 == totals[1].x && line[1].1 == totals[0].y, "the band holds until the next answer set")
        #expect(chart.series.map(\.id) == ["total", "distress"], "the distress subscale on the same scale, a second series")
    }

    @Test("dates on the site's clock: ticks at local midnights, the zone named, each point's time local")
    func siteClock() throws {
        let melbourne = try #require(SiteClock(identifier: "Australia/Melbourne"))
        let course = Self.ndiCourse
        let chart = OutcomeChart(instrument: try Self.ndi, answerSets: course, baseline: course[0].entry.eventId, clock: melbourne)
        let svg = chart.svg.rendered
        #expect(svg.contains(">Date (Australia/Melbourne)<"))
        #expect(!chart.axis.ticks.isEmpty)
        for tick in chart.axis.ticks { #expect(melbourne.minute(Timestamp(millisecondsSinceEpoch: tick)).hasSuffix(" 00:00")) }
        let local = melbourne.minute(course[0].entry.occurredAt), utc = SiteClock.utc.minute(course[0].entry.occurredAt)
        #expect(local != utc && svg.contains("NDI: 22.0/50 points, baseline, \(local)"))
    }

    @Test("an answer set that cannot be scored (three items skipped) is no point, and the description says so")
    func unscored() throws {
        let course = Self.ndiCourse + [Self.answerSet("ndi", [1, 1, 1, 1, 1, 1, 1, nil, nil, nil], context: "reassessment", day: 35)]
        let svg = OutcomeChart(instrument: try Self.ndi, answerSets: course, baseline: course[0].entry.eventId, clock: .utc).svg.rendered
        #expect(Self.points(svg).count == 3 && Self.polylines(svg).first?.count == 3)
        #expect(svg.contains("1 answer set could not be scored (see the table)."))
    }

    @Test("sets that do not fit their version draw nothing and ground no band; a course over other activities has no band; no line is drawn like the judged score")
    func misfitsAndStyles() throws {
        let psfs = try #require(Instruments.latest("psfs"))
        // A peer's PSFS set with three ratings for one activity, then a fitting one: only the second is drawn.
        let misfit = Self.answerSet("psfs", [2, 9, 9], activities: ["Reaching"], context: "baseline", day: 0)
        let fitting = Self.answerSet("psfs", [4], activities: ["Reaching"], context: "reassessment", day: 14)
        let chart = OutcomeChart(instrument: psfs, answerSets: [misfit, fitting], baseline: misfit.entry.eventId, clock: .utc)
        #expect(chart.series.flatMap(\.points).allSatisfy { $0.entry.eventId == fitting.entry.eventId })
        #expect(chart.band == nil, "the misfit baseline has no score to draw a band from")
        // An NDI set with an answer of 50: no point, no band.
        let wild = Self.answerSet("ndi", [1, 1, 1, 1, 1, 1, 1, 1, 1, 50], context: "baseline", day: 0)
        let ndiChart = OutcomeChart(instrument: try Self.ndi, answerSets: [wild], baseline: wild.entry.eventId, clock: .utc)
        #expect(ndiChart.series.flatMap(\.points).isEmpty && ndiChart.band == nil)
        // Six activities over a course: none takes the mean's colour and dash; not comparable, no band.
        let first = Self.answerSet("psfs", [3, 3, 3, 3, 3], activities: ["A", "B", "C", "D", "E"], context: "baseline", day: 0)
        let later = Self.answerSet("psfs", [5, 5, 5, 5, 5], activities: ["A", "B", "C", "D", "F"], context: "reassessment", day: 14)
        let six = OutcomeChart(instrument: psfs, answerSets: [first, later], baseline: first.entry.eventId, comparable: false, clock: .utc)
        let mean = try #require(six.series.first)
        #expect(six.series.count == 7 && six.series.dropFirst().allSatisfy { $0.colour != mean.colour || $0.dash != mean.dash })
        #expect(six.band == nil)
    }
}
