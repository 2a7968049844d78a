import EventModel

/// The date axis the report's time charts share (pain, outcome measures): the span of the
/// instants shown, a day added each side when they fall within one day (so no point sits on an
/// axis), ticks at local midnights on the site's clock (``PainChart/ticks(start:end:clock:)``),
/// each labelled with its local day, and the axis titled with the zone's name.
///
/// Guarantees: the same instants on the same clock give the same coordinates and the same text,
/// so every chart in a report reads its dates the same way.
struct ChartTimeAxis {
    let start: Int64, end: Int64
    let clock: SiteClock
    /// The plot's left edge and width, its top and height (the axis is drawn at its bottom).
    let left: Double, plotWidth: Double, top: Double, plotHeight: Double

    init(_ instants: [Timestamp], clock: SiteClock, left: Double, plotWidth: Double, top: Double, plotHeight: Double) {
        let times = instants.map(\.millisecondsSinceEpoch)
        var (start, end) = (times.min() ?? 0, times.max() ?? 0)
        if end - start < 86_400_000 {  // one day or less: a day each side, so points are not on the axes
            (start, end) = (start - 86_400_000, end + 86_400_000)
        }
        (self.start, self.end, self.clock) = (start, end, clock)
        (self.left, self.plotWidth, self.top, self.plotHeight) = (left, plotWidth, top, plotHeight)
    }

    func x(_ instant: Timestamp) -> Double { x(instant.millisecondsSinceEpoch) }
    func x(_ millisecondsSinceEpoch: Int64) -> Double { left + plotWidth * Double(millisecondsSinceEpoch - start) / Double(end - start) }

    /// The local midnights ticked.
    var ticks: [Int64] { PainChart.ticks(start: start, end: end, clock: clock) }

    /// Ticks with their local days, both axis lines, and the date axis's title at `titleY`.
    @HTMLBuilder
    func html(titleY: Double) -> HTML {
        let c = Coordinate.text
        for tick in ticks {
            let tx = x(tick)
            HTML.element("line", ["class": "tick", "x1": c(tx), "x2": c(tx), "y1": c(top + plotHeight), "y2": c(top + plotHeight + 5)])
            HTML.element("text", ["class": "axis-label", "x": c(tx), "y": c(top + plotHeight + 18), "text-anchor": "middle"]) {
                "\(clock.day(Timestamp(millisecondsSinceEpoch: tick)))"
            }
        }
        HTML.element("line", ["class": "axis", "x1": c(left), "x2": c(left), "y1": c(top), "y2": c(top + plotHeight)])
        HTML.element("line", ["class": "axis", "x1": c(left), "x2": c(left + plotWidth), "y1": c(top + plotHeight), "y2": c(top + plotHeight)])
        HTML.element("text", ["class": "axis-title", "x": c(left + plotWidth / 2), "y": c(titleY), "text-anchor": "middle"]) { "Date (\(clock.identifier))" }
    }
}
