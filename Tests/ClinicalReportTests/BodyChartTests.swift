import ClinicalEvents
import EventModel

@testable import ClinicalReport
import EventLog
import Foundation
import MyologTestSupport
import ClinicalFold
import Projections
import Testing

@Suite("Body chart")
struct BodyChartTests {
    @Test("every muscle of the vocabulary has a place, and nothing else does; every body region has one")
    func layoutInStepWithVocabulary() {
        let muscles = Set(Vocabularies.muscles.terms.map(\.id))
        #expect(Set(BodyChartLayout.muscles.keys) == muscles, "missing: \(muscles.subtracting(BodyChartLayout.muscles.keys).sorted()); unknown: \(Set(BodyChartLayout.muscles.keys).subtracting(muscles).sorted())")
        let regions = Set(Vocabularies.bodyRegions.terms.map(\.id))
        #expect(Set(BodyChartLayout.regions.keys) == regions)
    }

    @Test("every muscle and region, on either side and in either view, lies inside the body outline")
    func placesInsideOutline() {
        for (muscle, place) in BodyChartLayout.muscles {
            for left in [true, false] {
                let point = BodyChartLayout.point(dx: place.dx, y: place.y, view: place.view, left: left)
                #expect(BodyChartLayout.insideOutline(x: point.x, y: point.y), "\(muscle) \(left ? "left" : "right") at \(point)")
            }
        }
        for (region, place) in BodyChartLayout.regions {
            for view in BodyChartLayout.View.allCases {
                let point = BodyChartLayout.point(dx: place.dx, y: place.y, view: view, left: true)
                #expect(BodyChartLayout.insideOutline(x: point.x, y: point.y), "\(region) at \(point)")
            }
        }
        // The test can fail: a point beside the figure is outside.
        #expect(!BodyChartLayout.insideOutline(x: 5, y: 200) && !BodyChartLayout.insideOutline(x: 100, y: 449))
    }

    @Test("the patient's left is the reader's right in the front view and the reader's left in the back view")
    func sides() {
        let front = BodyChartLayout.point(dx: 20, y: 100, view: .front, left: true), back = BodyChartLayout.point(dx: 20, y: 100, view: .back, left: true)
        #expect(front.x > BodyChartLayout.midline && back.x < BodyChartLayout.midline)
        #expect(BodyChartLayout.point(dx: 20, y: 100, view: .front, left: false).x < BodyChartLayout.midline)
    }

    @Test("one marker group per finding, one mark per side it is on, styled by status; every muscle drawable (seeded)", arguments: [UInt64(1), 2, 3])
    func markers(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let muscles = Vocabularies.muscles.terms.map(\.id), sides = ["left", "right", "bilateral"]
        let findings = (0..<40).map { _ in
            BodyChart.Finding(eventId: EventID.make(), muscle: muscles[Int(rng.next() % UInt64(muscles.count))], side: sides[Int(rng.next() % 3)],
                              status: BodyChart.Finding.Status.allCases[Int(rng.next() % 3)], referral: rng.next() % 2 == 0 ? "neck" : nil)
        }
        let svg = BodyChart.svg(findings).rendered
        let groups = svg.matches(of: /<g class="tp tp-(\w+)" data-event="([^"]+)" data-muscle="([^"]+)" data-side="(\w+)" data-status="(\w+)"/)
        #expect(groups.count == findings.count)
        let byID = Dictionary(uniqueKeysWithValues: findings.map { ($0.eventId.rawValue, $0) })
        for group in groups {
            let finding = try #require(byID[String(group.2)])
            #expect(String(group.3) == finding.muscle && String(group.4) == finding.side && String(group.5) == finding.status.rawValue)
        }
        #expect(svg.matches(of: /class="tp-mark"/).count == findings.reduce(0) { $0 + ($1.side == "bilateral" ? 2 : 1) })
        #expect(svg.matches(of: /class="referral"/).count - 1 == findings.filter { $0.referral != nil }.reduce(0) { $0 + ($1.side == "bilateral" ? 2 : 1) }, "one referral line per mark, and the legend's")
        #expect(svg.contains("<title id=\"body-chart-title\">") && svg.contains("<desc id=\"body-chart-desc\">"))
    }
}

@Suite("Pain chart")
struct PainChartTests {
    func score(_ value: Int, region: String = "neck", context: String = "pre", day: Int64, visit: EventID? = nil) -> EntryView<PainScoreRecorded> {
        EntryView(payload: PainScoreRecorded(score: value, region: region, context: context, visit: visit), eventId: EventID.make(),
                  occurredAt: Timestamp(millisecondsSinceEpoch: 1_772_500_000_000 + day * 86_400_000), author: "alex", corrections: [])
    }

    @Test("the meaningful-change line agrees with the rule show uses, for every first and latest score")
    func meaningfulChange() throws {
        for first in 0...10 {
            for latest in 0...10 {
                let trend = try #require(PainTrend(scores: [first, latest]))
                let target = PainChart.meaningfulTarget(first: first)
                #expect(trend.clinicallyMeaningful == (target.map { latest <= $0 } ?? false), "first \(first), latest \(latest)")
            }
        }
    }

    @Test("one point per score carrying its values, higher scores drawn higher; a visit's before and after joined; regions in the legend")
    func points() throws {
        let visit = EventID.make()
        let scores = [score(8, day: 0, visit: visit), score(5, context: "post", day: 0, visit: visit), score(6, region: "lower-back", context: "rest", day: 7),
                      score(3, day: 14)]
        let svg = PainChart.svg(scores, trend: PainTrend(scores: scores.map(\.payload.score)), clock: .utc).rendered
        let points = svg.matches(of: /<circle class="pain-point" cx="([0-9.]+)" cy="([0-9.]+)"[^>]*data-score="(\d+)" data-region="([^"]+)" data-context="(\w+)"/)
        #expect(points.count == scores.count)
        for a in points {
            for b in points where Int(a.3)! > Int(b.3)! { #expect(Double(a.2)! < Double(b.2)!) }
        }
        #expect(Set(points.map { "\($0.3)/\($0.4)/\($0.5)" }) == Set(scores.map { "\($0.payload.score)/\($0.payload.region)/\($0.payload.context)" }))
        #expect(svg.matches(of: /class="visit-pair"/).count == 1)
        #expect(svg.contains(">Neck<") && svg.contains(">Lower back<"))
        #expect(svg.contains(#"class="mcid""#) && svg.contains("meaningful change: ≤ 6"))
        #expect(PainChart.svg([], trend: nil, clock: .utc).rendered.contains("No pain scores recorded."))
    }
}

@Suite("Typed HTML")
struct HTMLTests {
    @Test("text and attribute values are escaped: a name cannot become markup")
    func escaping() {
        let html = HTML.element("p", ["title": #"a "quoted" <b>"#]) { "<script>alert(1)</script> & more" }.rendered
        #expect(html == #"<p title="a &quot;quoted&quot; &lt;b&gt;">&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>"#)
        #expect(HTML.element("meta", ["charset": "utf-8"]).rendered == #"<meta charset="utf-8">"#)
        #expect(HTML.element("circle", ["r": "2", "fill": nil]).rendered == #"<circle r="2"/>"#)
    }

    @Test("coordinates: one decimal, the same text everywhere")
    func coordinates() {
        #expect(Coordinate.text(12.34) == "12.3" && Coordinate.text(-0.05) == "-0.1" && Coordinate.text(7) == "7" && Coordinate.text(-3.0) == "-3")
    }
}

@Suite("Contrast")
struct ContrastTests {
    /// WCAG 2.x contrast ratio of a `#rrggbb` colour against white.
    static func contrastOnWhite(_ hex: String) -> Double {
        let value = Int(hex.dropFirst(), radix: 16)!
        func channel(_ shift: Int) -> Double {
            let c = Double((value >> shift) & 0xFF) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        let luminance = 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
        return 1.05 / (luminance + 0.05)
    }

    @Test("every colour text is drawn in — the style sheet's text colours, the pain series (legend text), the findings' colours — is at least 4.5:1 on white (WCAG AA)")
    func textContrast() {
        let css = "\(ReportStyle.css)"
        let textColours = css.matches(of: /(?:^|[;{ ])(?:color|fill):\s*(#[0-9a-f]{6})/).map { String($0.1) }
            .filter { !["#f2efe9", "#ffffff", "#e8e8e8"].contains($0) }  // the figure's and table headers' backgrounds, not text
        #expect(!textColours.isEmpty)
        for colour in textColours + PainChart.series.map(\.colour) + BodyChart.colours.values {
            #expect(Self.contrastOnWhite(colour) >= 4.5, "\(colour): \(Self.contrastOnWhite(colour))")
        }
        #expect(Self.contrastOnWhite("#777777") < 4.5, "the check can fail")
    }
}
