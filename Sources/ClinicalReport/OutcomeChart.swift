import ClinicalEvents
import ClinicalFold
import EventModel
import Foundation

/// The chart of one instrument version's answer sets over time: the score a change is judged on
/// (and the subscales, or a PSFS's activities, on the same scale) against the date, with the band
/// of "no meaningful change yet" drawn from the course's baseline, or, for an instrument of risk
/// bands (STarT Back), the score as steps labelled with each answer set's band.
///
/// Guarantees: better is always up — the y axis reads the score's own values over its whole
/// range, inverted when a higher score is worse (NDI: 0 at the top), and says so above the axis;
/// series differ by colour *and* dash pattern (``PainChart/series``), baseline answer sets are
/// hollow and later ones filled, dates are read on the site's clock (``ChartTimeAxis``). Each
/// point is a `circle.outcome-point` carrying its value as shown, series, context, time and
/// event in data attributes, and the band a `rect.mcid-band` carrying its bounds, so a reader (or
/// Tools/check-page.py) can check the picture against the record. Every text (an activity's name
/// included, in quotes so it cannot pass for the chart's own words) is a text node or an escaped
/// attribute.
struct OutcomeChart {
    static let width = 680.0, height = 310.0
    static let left = 48.0, right = 150.0, top = 30.0, bottom = 46.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }

    /// One line of the chart: a score, or one activity's rating.
    struct Series {
        var id: String
        var label: String
        var colour: String
        var dash: String?
        var points: [Point]
    }

    struct Point {
        var entry: EntryView<OutcomeRecorded>
        var value: ExactScore
        /// The value as the record shows it (the score's decimals).
        var text: String
        var band: Instrument.Band?
        var x: Double, y: Double
    }

    /// The scores within the threshold of the baseline: a change inside it is not (yet) a
    /// meaningful one. `low`…`high` is clipped to the score's range.
    struct Band {
        var kind: String
        var threshold: ExactScore
        var baseline: ExactScore
        var low: ExactScore, high: ExactScore
        /// From the baseline's date to the plot's right edge; `top` < `bottom` on the page.
        var x: Double, top: Double, bottom: Double
    }

    let instrument: Instrument
    /// The score on the y axis: the one a change is judged on.
    let rule: Instrument.ScoreRule
    let answerSets: [OutcomeView]
    let axis: ChartTimeAxis
    let series: [Series]
    let band: Band?
    let clock: SiteClock
    /// Steps with band labels instead of a line (an instrument of risk bands).
    var stepped: Bool { !instrument.bands.isEmpty }

    /// The chart of `answerSets` (oldest first, all of `instrument`'s version), the band drawn
    /// from the answer set `baseline`.
    /// `comparable` false (a PSFS course whose latest names other activities) draws no band: no
    /// change is judged, so none may look judged.
    init(instrument: Instrument, answerSets: [OutcomeView], baseline: EventID?, comparable: Bool = true, clock: SiteClock) {
        let rule = instrument.scores.first { $0.id == (instrument.change?.score ?? instrument.primary.id) } ?? instrument.primary
        let axis = ChartTimeAxis(answerSets.map(\.entry.occurredAt), clock: clock, left: Self.left, plotWidth: Self.plotWidth, top: Self.top, plotHeight: Self.plotHeight)
        (self.instrument, self.rule, self.answerSets, self.axis, self.clock) = (instrument, rule, answerSets, axis, clock)
        // The answer sets' own scores: a set that does not fit its version is unscored here as in
        // `show` and the table, never scored by the rules it does not fit.
        let scored = answerSets.map { ($0.entry, $0.scores ?? OutcomeScores(values: [:], band: nil, unscored: nil)) }
        func point(_ entry: EntryView<OutcomeRecorded>, _ value: ExactScore, _ text: String, _ band: Instrument.Band?) -> Point {
            Point(entry: entry, value: value, text: text, band: band, x: axis.x(entry.occurredAt), y: Self.y(value, rule: rule))
        }
        // The judged score first, then the subscales on the same scale and in the same direction.
        let rules = [rule] + instrument.scores.filter {
            $0.id != rule.id && $0.higherIsBetter == rule.higherIsBetter && rule.range.contains($0.range.lowerBound) && rule.range.contains($0.range.upperBound)
        }
        var lines: [(id: String, label: String, points: [Point])] = rules.map { scoreRule in
            (scoreRule.id, scoreRule.label, scored.compactMap { entry, scores in
                scores.values[scoreRule.id].map { point(entry, $0, $0.text(decimals: scoreRule.decimals), scores.band) }
            })
        }
        // A PSFS's activities, each rated on the mean's scale, by the name the patient gave it —
        // quoted, so a name can never pass for one of the chart's own labels.
        if let activities = instrument.activities, rule.range.contains(activities.range.lowerBound), rule.range.contains(activities.range.upperBound) {
            var names: [String] = []
            for (entry, _) in scored where entry.payload.misfit == nil {
                for name in entry.payload.activities ?? [] where !names.contains(name) { names.append(name) }
            }
            for (index, name) in names.enumerated() {
                lines.append(("activity-\(index + 1)", "“\(name)”", scored.compactMap { entry, _ -> Point? in
                    guard entry.payload.misfit == nil, let at = entry.payload.activities?.firstIndex(of: name), at < entry.payload.answers.count,
                          let rating = entry.payload.answers[at]
                    else { return nil }
                    return point(entry, ExactScore(rating), "\(rating)", nil)
                }))
            }
        }
        // The judged score alone has the first style; the other lines cycle over the rest, so no
        // subscale or activity (a patient may name six or more over a course) looks like it.
        series = lines.enumerated().map { index, line -> Series in
            let style = index == 0 ? PainChart.series[0] : PainChart.series[1 + (index - 1) % (PainChart.series.count - 1)]
            return Series(id: line.id, label: line.label, colour: style.colour, dash: style.dash, points: line.points)
        }
        // The band: within one threshold of the baseline's score, either way, clipped to the range.
        if comparable, let threshold = instrument.change?.threshold, let start = answerSets.first(where: { $0.entry.eventId == baseline }),
           let value = start.scores?.values[rule.id] {
            let low = max(value - threshold.value.points, ExactScore(rule.range.lowerBound)), high = min(value + threshold.value.points, ExactScore(rule.range.upperBound))
            let (a, b) = (Self.y(low, rule: rule), Self.y(high, rule: rule))
            band = Band(kind: threshold.kind, threshold: threshold.value.points, baseline: value, low: low, high: high, x: axis.x(start.entry.occurredAt), top: min(a, b), bottom: max(a, b))
        } else {
            band = nil
        }
    }

    /// Where `value` is drawn: better up, the range's ends at the plot's top and bottom.
    static func y(_ value: ExactScore, rule: Instrument.ScoreRule) -> Double {
        let (low, high) = (Double(rule.range.lowerBound), Double(rule.range.upperBound))
        // A range of zero width (refused by the instrument reader) would divide by zero.
        let fraction = high > low ? (Double(value.numerator) / Double(value.denominator) - low) / (high - low) : 0
        return top + plotHeight * (rule.higherIsBetter ? 1 - fraction : fraction)
    }

    /// Grid values: the range's ends and even steps between, at most six intervals.
    static func gridValues(_ range: ClosedRange<Int>) -> [Int] {
        let span = range.upperBound - range.lowerBound
        let step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].first { span <= 6 * $0 } ?? max(1, span / 6)
        var values = Array(stride(from: range.lowerBound, through: range.upperBound, by: step))
        if values.last != range.upperBound { values.append(range.upperBound) }  // the end is always labelled
        // An end too close to the step before it would print over it: the end keeps its label.
        if values.count > 2, Double(values[values.count - 1] - values[values.count - 2]) <= Double(step) / 2 { values.remove(at: values.count - 2) }
        return values
    }

    /// `NDI 12.0/50 points`: a value with its score's range and unit (`ODI 42.0 %`).
    static func reading(_ text: String, _ rule: Instrument.ScoreRule) -> String {
        rule.unit == "%" ? "\(text) %" : "\(text)/\(rule.range.upperBound)" + (rule.unit.map { " \($0)" } ?? "")
    }

    var direction: String {
        rule.higherIsBetter ? "better is up (a higher \(rule.label) is better)" : "better is up (a lower \(rule.label) is better: \(rule.range.lowerBound) at the top)"
    }

    var chartID: String { "outcome-chart-\(instrument.id)-v\(instrument.version)" }

    var description: String {
        let scored = series.first?.points ?? []
        var text = scored.isEmpty ? "No scored \(instrument.abbreviation) answer set."
            : "\(scored.count) scored \(instrument.abbreviation) answer set\(scored.count == 1 ? "" : "s") from \(clock.day(scored.first!.entry.occurredAt)) to \(clock.day(scored.last!.entry.occurredAt)): "
            + scored.map { "\(Self.reading($0.text, rule)) (\($0.entry.payload.context)\($0.band.map { ", \($0.label)" } ?? ""))" }.joined(separator: ", then ") + "."
        text += " Drawn so that \(direction)."
        if let band {
            text += " The shaded band is within the \(band.kind) (\(band.threshold.text(decimals: 1)) points) of the baseline score \(band.baseline.text(decimals: rule.decimals)): inside it, no meaningful change yet."
        }
        if answerSets.count > scored.count { text += " \(answerSets.count - scored.count) answer set\(answerSets.count - scored.count == 1 ? "" : "s") could not be scored (see the table)." }
        return text
    }

    var svg: HTML {
        let c = Coordinate.text
        let (left, plotWidth, top, plotHeight, width, height) = (Self.left, Self.plotWidth, Self.top, Self.plotHeight, Self.width, Self.height)
        return .element("svg", ["class": "outcome-chart", "role": "img", "viewBox": "0 0 \(c(width)) \(c(height))", "width": c(width), "height": c(height),
                                "aria-labelledby": "\(chartID)-title \(chartID)-desc", "xmlns": "http://www.w3.org/2000/svg",
                                "data-instrument": instrument.id, "data-version": "\(instrument.version)", "data-score": rule.id,
                                "data-higher-is": rule.higherIsBetter ? "better" : "worse", "data-stepped": stepped ? "true" : nil]) {
            HTML.element("title", ["id": "\(chartID)-title"]) {
                "\(instrument.abbreviation) v\(instrument.version) over time (\(rule.label) \(rule.range.lowerBound)–\(rule.range.upperBound)\(rule.unit.map { " \($0)" } ?? ""); better is up)"
            }
            HTML.element("desc", ["id": "\(chartID)-desc"]) { description }
            for value in Self.gridValues(rule.range) {
                let gy = Self.y(ExactScore(value), rule: rule)
                HTML.element("line", ["class": "grid", "x1": c(left), "x2": c(left + plotWidth), "y1": c(gy), "y2": c(gy)])
                HTML.element("text", ["class": "axis-label", "x": c(left - 8), "y": c(gy + 4), "text-anchor": "end"]) { "\(value)" }
            }
            HTML.element("text", ["class": "axis-title", "x": "12", "y": c(top + plotHeight / 2), "transform": "rotate(-90 12 \(c(top + plotHeight / 2)))", "text-anchor": "middle"]) {
                "\(rule.label) (\(rule.unit ?? "score"))"
            }
            // Which way is better, in words above the axis (not a rotated arrow, which would turn).
            HTML.element("text", ["class": "direction-label", "x": c(left - 8), "y": c(top - 12), "text-anchor": "start"]) {
                rule.higherIsBetter ? "↑ better (higher \(rule.label))" : "↑ better (lower \(rule.label))"
            }
            axis.html(titleY: height - 6)
            if let band {
                HTML.element("rect", ["class": "mcid-band", "x": c(band.x), "y": c(band.top), "width": c(max(left + plotWidth - band.x, 2)), "height": c(band.bottom - band.top),
                                      "data-kind": band.kind, "data-threshold": band.threshold.text(decimals: 1), "data-baseline": band.baseline.text(decimals: rule.decimals),
                                      "data-low": band.low.text(decimals: rule.decimals), "data-high": band.high.text(decimals: rule.decimals)]) {
                    HTML.element("title") {
                        "Within the \(band.kind) (\(band.threshold.text(decimals: 1)) points) of the baseline \(band.baseline.text(decimals: rule.decimals)): \(band.low.text(decimals: rule.decimals))–\(band.high.text(decimals: rule.decimals)), no meaningful change yet"
                    }
                }
                let baselineY = Self.y(band.baseline, rule: rule)
                HTML.element("line", ["class": "mcid", "x1": c(band.x), "x2": c(left + plotWidth), "y1": c(baselineY), "y2": c(baselineY), "data-score": band.baseline.text(decimals: rule.decimals)])
                HTML.element("text", ["class": "mcid-label", "x": c(left + plotWidth - 4), "y": c(band.top + 12), "text-anchor": "end"]) {
                    "within \(band.kind) \(band.threshold.text(decimals: 1)) of baseline"
                }
            }
            for line in series {
                HTML.element("g", ["class": "outcome-series", "data-series": line.id]) {
                    if line.points.count > 1 {
                        HTML.element("polyline", ["class": "series-line", "stroke": line.colour, "stroke-dasharray": line.dash, "points": polyline(line.points)])
                    }
                    for point in line.points {
                        let filled = point.entry.payload.context != "baseline"
                        HTML.element("circle", ["class": "outcome-point", "cx": c(point.x), "cy": c(point.y), "r": "4.5", "stroke": line.colour, "fill": filled ? line.colour : "#ffffff",
                                                "data-score": point.text, "data-series": line.id, "data-context": point.entry.payload.context,
                                                "data-band": point.band?.id, "data-at": point.entry.occurredAt.description, "data-event": point.entry.eventId.rawValue]) {
                            HTML.element("title") {
                                "\(line.label): \(line.id == rule.id ? Self.reading(point.text, rule) : point.text), \(point.entry.payload.context)\(point.band.map { ", \($0.label)" } ?? ""), \(clock.minute(point.entry.occurredAt))"
                            }
                        }
                    }
                    if stepped && line.id == rule.id {
                        for point in line.points {
                            if let band = point.band {
                                HTML.element("text", ["class": "band-label", "x": c(point.x + 6), "y": c(point.y - 8), "data-event": point.entry.eventId.rawValue]) { band.label }
                            }
                        }
                    }
                }
            }
            legend
        }
    }

    /// The points joined, or for an instrument of bands joined in steps (the band holds until
    /// the next answer set): n points, or 2n − 1 for steps.
    func polyline(_ points: [Point]) -> String {
        let c = Coordinate.text
        var coordinates: [String] = []
        for (index, point) in points.enumerated() {
            if stepped, index > 0 { coordinates.append("\(c(point.x)),\(c(points[index - 1].y))") }
            coordinates.append("\(c(point.x)),\(c(point.y))")
        }
        return coordinates.joined(separator: " ")
    }

    /// Each series' colour and dash with its name (an activity's shortened), what hollow and
    /// filled mean, and the band.
    var legend: HTML {
        let c = Coordinate.text
        let legendX = Self.left + Self.plotWidth + 16
        let keyY = Self.top + 16 + Double(series.count) * 18
        return HTML.element("g", ["class": "legend-key"]) {
            for (index, line) in series.enumerated() {
                let ly = Self.top + 8 + Double(index) * 18
                HTML.element("line", ["class": "series-line", "x1": c(legendX), "x2": c(legendX + 22), "y1": c(ly), "y2": c(ly), "stroke": line.colour, "stroke-dasharray": line.dash])
                HTML.element("text", ["class": "legend", "x": c(legendX + 28), "y": c(ly + 4), "fill": line.colour]) {
                    line.label.count > 16 ? String(line.label.prefix(15)) + "…" : line.label
                }
            }
            HTML.element("circle", ["class": "legend-mark", "cx": c(legendX + 6), "cy": c(keyY), "r": "4.5", "stroke": "#1a1a1a", "fill": "#ffffff"])
            HTML.element("text", ["class": "legend", "x": c(legendX + 16), "y": c(keyY + 4)]) { "baseline" }
            HTML.element("circle", ["class": "legend-mark", "cx": c(legendX + 6), "cy": c(keyY + 18), "r": "4.5", "stroke": "#1a1a1a", "fill": "#1a1a1a"])
            HTML.element("text", ["class": "legend", "x": c(legendX + 16), "y": c(keyY + 22)]) { "reassessment or" }
            HTML.element("text", ["class": "legend", "x": c(legendX + 16), "y": c(keyY + 35)]) { "discharge" }
            if let band {
                HTML.element("rect", ["class": "legend-band", "x": c(legendX), "y": c(keyY + 46), "width": "12", "height": "12"])
                HTML.element("text", ["class": "legend", "x": c(legendX + 16), "y": c(keyY + 56)]) { "within \(band.kind)" }
                HTML.element("text", ["class": "legend", "x": c(legendX + 16), "y": c(keyY + 69)]) { "of baseline" }
            }
        }
    }
}
