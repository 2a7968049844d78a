import ClinicalEvents
import EventLog
import ClinicalFold
import Projections
import EventModel
import Foundation

/// The pain chart: every score on the 0–10 scale over time, one series per body region, the
/// before and after scores of one visit joined, and the clinically meaningful change (the rule
/// ``PainTrend`` applies for `myolog show`) marked from the first score.
///
/// Each score is one `circle.pain-point` carrying its value, region, context, time and event in
/// data attributes, so a reader (or a test) can check the picture against the record. Regions
/// differ by colour *and* dash pattern and are named in the legend; before-treatment scores are
/// hollow, after-treatment ones filled.
public enum PainChart {
    static let width = 680.0, height = 300.0
    static let left = 48.0, right = 150.0, top = 20.0, bottom = 46.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }

    /// Okabe–Ito colours (distinguishable with colour-vision deficiencies), each ≥ 4.5:1 on white
    /// where text uses it, with a dash pattern so that colour is never the only difference.
    static let series: [(colour: String, dash: String?)] = [
        ("#0b5394", nil), ("#a4460a", "6 3"), ("#1a6e4f", "2 3"), ("#7a3d8f", "8 3 2 3"), ("#5c5c00", "4 4"), ("#8c2f39", "1 2"),
    ]

    /// The chart of `scores`, its dates and times read on `clock` (the site's zone, named on the
    /// date axis).
    public static func svg(_ scores: [EntryView<PainScoreRecorded>], trend: PainTrend?, clock: SiteClock) -> HTML {
        let regions = orderedRegions(scores)
        let axis = ChartTimeAxis(scores.map(\.occurredAt), clock: clock, left: left, plotWidth: plotWidth, top: top, plotHeight: plotHeight)
        func x(_ instant: Timestamp) -> Double { axis.x(instant) }
        func y(_ score: Int) -> Double { top + plotHeight * (1 - Double(score) / 10) }
        let c = Coordinate.text
        let description = scores.isEmpty ? "No pain scores recorded."
            : "\(scores.count) pain scores from \(clock.day(scores.first!.occurredAt)) to \(clock.day(scores.last!.occurredAt)), regions: \(regions.map(regionName).joined(separator: ", "))."
            + (trend.map { " First \($0.first), latest \($0.latest): \($0.clinicallyMeaningful ? "a clinically meaningful improvement" : "not a clinically meaningful improvement")." } ?? "")
        return .element("svg", ["class": "pain-chart", "role": "img", "viewBox": "0 0 \(c(width)) \(c(height))", "width": c(width), "height": c(height),
                                "aria-labelledby": "pain-chart-title pain-chart-desc", "xmlns": "http://www.w3.org/2000/svg"]) {
            HTML.element("title", ["id": "pain-chart-title"]) { "Pain scores over time (0–10)" }
            HTML.element("desc", ["id": "pain-chart-desc"]) { description }
            // Axes and grid: 0–10 every 2 points; dates at up to six even steps.
            for score in stride(from: 0, through: 10, by: 2) {
                HTML.element("line", ["class": "grid", "x1": c(left), "x2": c(left + plotWidth), "y1": c(y(score)), "y2": c(y(score))])
                HTML.element("text", ["class": "axis-label", "x": c(left - 8), "y": c(y(score) + 4), "text-anchor": "end"]) { "\(score)" }
            }
            HTML.element("text", ["class": "axis-title", "x": "12", "y": c(top + plotHeight / 2), "transform": "rotate(-90 12 \(c(top + plotHeight / 2)))", "text-anchor": "middle"]) { "Pain (0–10)" }
            axis.html(titleY: height - 6)
            // The clinically meaningful change: the score the first must fall to.
            if let trend, let target = meaningfulTarget(first: trend.first) {
                HTML.element("line", ["class": "mcid", "x1": c(left), "x2": c(left + plotWidth), "y1": c(y(target)), "y2": c(y(target)), "data-score": "\(target)"])
                HTML.element("text", ["class": "mcid-label", "x": c(left + plotWidth - 4), "y": c(y(target) - 5), "text-anchor": "end"]) {
                    "meaningful change: ≤ \(target) (from first score \(trend.first))"
                }
            }
            // A visit's before and after scores for one region, joined.
            for pair in visitPairs(scores) {
                HTML.element("line", ["class": "visit-pair", "x1": c(x(pair.pre.occurredAt)), "y1": c(y(pair.pre.payload.score)),
                                      "x2": c(x(pair.post.occurredAt)), "y2": c(y(pair.post.payload.score)),
                                      "data-pre": pair.pre.eventId.rawValue, "data-post": pair.post.eventId.rawValue])
            }
            for (index, region) in regions.enumerated() {
                let style = series[index % series.count]
                let points = scores.filter { $0.payload.region == region }
                HTML.element("g", ["class": "pain-series", "data-region": region]) {
                    if points.count > 1 {
                        HTML.element("polyline", ["class": "series-line", "stroke": style.colour, "stroke-dasharray": style.dash,
                                                  "points": points.map { "\(c(x($0.occurredAt))),\(c(y($0.payload.score)))" }.joined(separator: " ")])
                    }
                    for point in points {
                        let filled = point.payload.context == "post"
                        HTML.element("circle", ["class": "pain-point", "cx": c(x(point.occurredAt)), "cy": c(y(point.payload.score)), "r": "4.5",
                                                "stroke": style.colour, "fill": filled ? style.colour : "#ffffff",
                                                "data-score": "\(point.payload.score)", "data-region": region, "data-context": point.payload.context,
                                                "data-at": point.occurredAt.description, "data-event": point.eventId.rawValue]) {
                            HTML.element("title") { "\(point.payload.score)/10, \(regionName(region)), \(contextName(point.payload.context)), \(clock.minute(point.occurredAt))" }
                        }
                    }
                }
            }
            // Legend: each region's colour and dash, and what hollow and filled mean.
            let legendX = left + plotWidth + 16
            for (index, region) in regions.enumerated() {
                let style = series[index % series.count], ly = top + 8 + Double(index) * 18
                HTML.element("line", ["class": "series-line", "x1": c(legendX), "x2": c(legendX + 22), "y1": c(ly), "y2": c(ly), "stroke": style.colour, "stroke-dasharray": style.dash])
                HTML.element("text", ["class": "legend", "x": c(legendX + 28), "y": c(ly + 4), "fill": style.colour]) { regionName(region) }
            }
            let keyY = top + 16 + Double(regions.count) * 18
            HTML.element("circle", ["class": "legend-mark", "cx": c(legendX + 6), "cy": c(keyY), "r": "4.5", "stroke": "#1a1a1a", "fill": "#ffffff"])
            HTML.element("text", ["class": "legend", "x": c(legendX + 16), "y": c(keyY + 4)]) { "before treatment" }
            HTML.element("circle", ["class": "legend-mark", "cx": c(legendX + 6), "cy": c(keyY + 18), "r": "4.5", "stroke": "#1a1a1a", "fill": "#1a1a1a"])
            HTML.element("text", ["class": "legend", "x": c(legendX + 16), "y": c(keyY + 22)]) { "after treatment" }
            HTML.element("line", ["class": "mcid", "x1": c(legendX), "x2": c(legendX + 12), "y1": c(keyY + 36), "y2": c(keyY + 36)])
            HTML.element("text", ["class": "legend", "x": c(legendX + 16), "y": c(keyY + 40)]) { "meaningful change" }
        }
    }

    /// The score a first score of `first` must fall to for the change to be clinically
    /// meaningful under ``PainTrend``'s rule (≥ 2 points or ≥ 30 %); nil when none can be.
    static func meaningfulTarget(first: Int) -> Int? {
        guard first > 0 else { return nil }
        let fall = (1...first).first { fall in fall >= 2 || fall * 100 >= 30 * first } ?? first
        return first - fall
    }

    /// Regions in the order they were first scored.
    static func orderedRegions(_ scores: [EntryView<PainScoreRecorded>]) -> [String] {
        var seen: [String] = []
        for score in scores where !seen.contains(score.payload.region) { seen.append(score.payload.region) }
        return seen
    }

    /// Within one visit and region, each before-treatment score with the after-treatment score
    /// that follows it.
    static func visitPairs(_ scores: [EntryView<PainScoreRecorded>]) -> [(pre: EntryView<PainScoreRecorded>, post: EntryView<PainScoreRecorded>)] {
        var pairs: [(pre: EntryView<PainScoreRecorded>, post: EntryView<PainScoreRecorded>)] = []
        for pre in scores where pre.payload.context == "pre" && pre.payload.visit != nil {
            if let post = scores.first(where: { $0.payload.context == "post" && $0.payload.visit == pre.payload.visit && $0.payload.region == pre.payload.region }) {
                pairs.append((pre, post))
            }
        }
        return pairs
    }

    /// Up to six local midnights between `start` and `end`, evenly spread over the days between:
    /// a tick marks where a day begins on the site's clock, and is labelled with that day.
    static func ticks(start: Int64, end: Int64, clock: SiteClock) -> [Int64] {
        let first = clock.day(Timestamp(millisecondsSinceEpoch: start)).daysSinceEpoch + 1
        let last = clock.day(Timestamp(millisecondsSinceEpoch: end)).daysSinceEpoch
        guard last >= first else { return [] }
        let span = last - first
        let count = min(6, span + 1)
        let days = count == 1 ? [first] : (0..<count).map { first + span * $0 / (count - 1) }
        return days.map { midnight(daysSinceEpoch: $0, clock: clock) }.filter { $0 >= start && $0 <= end }
    }

    /// The instant the local day `daysSinceEpoch` begins on `clock`: the offset in force at the
    /// wall-clock midnight read as UTC is a first guess, and the offset in force at that guess
    /// settles it (on a change day the two differ: the change falls between midnight and noon).
    static func midnight(daysSinceEpoch day: Int64, clock: SiteClock) -> Int64 {
        let wall = day * 86_400_000
        func offset(_ instant: Int64) -> Int64 { Int64(clock.zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant) / 1000))) * 1000 }
        return wall - offset(wall - offset(wall))
    }

    static func regionName(_ id: String) -> String { Vocabularies.bodyRegions.term(id: id)?.display ?? id }
    static func contextName(_ id: String) -> String { Vocabularies.painContexts.term(id: id)?.display ?? id }
}
