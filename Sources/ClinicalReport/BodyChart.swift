import ClinicalEvents
import EventLog
import EventModel

/// The body chart: front and back figures with each trigger point marked on its muscle and
/// side, styled by status — active filled, latent a ring, resolved a dashed ring struck
/// through (shape, not only colour) — and a dashed line to where it refers pain.
///
/// Each finding is one `g.tp` with its event, muscle, side and status in data attributes and one
/// `circle.tp-mark` per side it is on (two for a bilateral one).
public enum BodyChart {
    /// One trigger point as the chart marks it.
    public struct Finding: Sendable, Equatable {
        public enum Status: String, Sendable, CaseIterable { case active, latent, resolved }
        public var eventId: EventID
        public var muscle: String
        public var side: String
        public var status: Status
        public var referral: String?

        public init(eventId: EventID, muscle: String, side: String, status: Status, referral: String?) {
            (self.eventId, self.muscle, self.side, self.status, self.referral) = (eventId, muscle, side, status, referral)
        }
    }

    static let gap = 40.0, margin = 16.0, labelHeight = 28.0, legendHeight = 44.0
    static var width: Double { 2 * BodyChartLayout.width + gap + 2 * margin }
    static var height: Double { BodyChartLayout.height + labelHeight + legendHeight + margin }

    static let colours: [Finding.Status: String] = [.active: "#b3261e", .latent: "#0b5394", .resolved: "#595959"]

    public static func svg(_ findings: [Finding]) -> HTML {
        let c = Coordinate.text
        let outline = BodyChartLayout.outline.map { "\(c($0.x)),\(c($0.y))" }.joined(separator: " ")
        let counts = Dictionary(grouping: findings, by: \.status).mapValues(\.count)
        let description = findings.isEmpty ? "No trigger points recorded."
            : "\(findings.count) trigger points: " + Finding.Status.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
            + ". Each is also listed in the table of findings."
        // Findings on the same muscle and side are stacked a little apart instead of hidden under each other.
        var stacked: [String: Int] = [:]
        return .element("svg", ["class": "body-chart", "role": "img", "viewBox": "0 0 \(c(width)) \(c(height))", "width": c(width), "height": c(height),
                                "aria-labelledby": "body-chart-title body-chart-desc", "xmlns": "http://www.w3.org/2000/svg"]) {
            HTML.element("title", ["id": "body-chart-title"]) { "Body chart: trigger points, front and back" }
            HTML.element("desc", ["id": "body-chart-desc"]) { description }
            for (index, view) in BodyChartLayout.View.allCases.enumerated() {
                let offset = margin + Double(index) * (BodyChartLayout.width + gap)
                HTML.element("g", ["class": "figure", "data-view": view.rawValue, "transform": "translate(\(c(offset)) \(c(labelHeight)))"]) {
                    HTML.element("text", ["class": "figure-label", "x": c(BodyChartLayout.midline), "y": "-10", "text-anchor": "middle"]) {
                        view == .front ? "Front (facing you)" : "Back"
                    }
                    HTML.element("polygon", ["class": "outline", "points": outline])
                    // Which side is which, written on the figure: the patient's left is on the reader's right in front.
                    HTML.element("text", ["class": "side-label", "x": "8", "y": "440"]) { view == .front ? "R" : "L" }
                    HTML.element("text", ["class": "side-label", "x": "184", "y": "440"]) { view == .front ? "L" : "R" }
                    for finding in findings {
                        if let place = BodyChartLayout.muscles[finding.muscle], place.view == view {
                            marker(finding, place: place, stack: next(&stacked, finding))
                        }
                    }
                }
            }
            legend(y: labelHeight + BodyChartLayout.height + 8)
        }
    }

    private static func next(_ stacked: inout [String: Int], _ finding: Finding) -> Int {
        let key = finding.muscle + "/" + finding.side
        defer { stacked[key, default: 0] += 1 }
        return stacked[key] ?? 0
    }

    private static func marker(_ finding: Finding, place: BodyChartLayout.Place, stack: Int) -> HTML {
        let c = Coordinate.text
        let colour = colours[finding.status]!
        let sides = finding.side == "bilateral" ? [true, false] : [finding.side == "left"]
        let muscle = Vocabularies.muscles.term(id: finding.muscle)?.display ?? finding.muscle
        let referral = finding.referral.flatMap { BodyChartLayout.regions[$0] }
        let referralName = finding.referral.map { Vocabularies.bodyRegions.term(id: $0)?.display ?? $0 }
        let label = "\(finding.status.rawValue.capitalized) trigger point, \(muscle), \(finding.side)" + (referralName.map { ", refers pain to the \($0.lowercased())" } ?? "")
        return .element("g", ["class": "tp tp-\(finding.status.rawValue)", "data-event": finding.eventId.rawValue, "data-muscle": finding.muscle,
                              "data-side": finding.side, "data-status": finding.status.rawValue, "data-referral": finding.referral]) {
            HTML.element("title") { label }
            for left in sides {
                let point = BodyChartLayout.point(dx: place.dx, y: place.y + Double(stack) * 9, view: place.view, left: left)
                if let referral {
                    let target = BodyChartLayout.point(dx: referral.dx, y: referral.y, view: place.view, left: left)
                    HTML.element("line", ["class": "referral", "x1": c(point.x), "y1": c(point.y), "x2": c(target.x), "y2": c(target.y), "stroke": colour])
                    HTML.element("rect", ["class": "referral-zone", "x": c(target.x - 4), "y": c(target.y - 4), "width": "8", "height": "8",
                                          "transform": "rotate(45 \(c(target.x)) \(c(target.y)))", "stroke": colour])
                }
                shape(finding.status, x: point.x, y: point.y, colour: colour, side: left ? "left" : "right", role: "tp-mark")
            }
        }
    }

    /// Active: filled. Latent: a ring. Resolved: a dashed ring struck through.
    private static func shape(_ status: Finding.Status, x: Double, y: Double, colour: String, side: String?, role: String) -> HTML {
        let c = Coordinate.text
        return HTML.element("circle", ["class": role, "cx": c(x), "cy": c(y), "r": "5.5", "data-on": side, "stroke": colour,
                                       "fill": status == .active ? colour : "#ffffff", "stroke-dasharray": status == .resolved ? "2 2" : nil])
            + (status == .resolved
               ? HTML.element("line", ["class": "tp-strike", "x1": c(x - 5), "y1": c(y + 5), "x2": c(x + 5), "y2": c(y - 5), "stroke": colour])
               : HTML())
    }

    private static func legend(y: Double) -> HTML {
        let c = Coordinate.text
        let items: [(Finding.Status, String)] = [(.active, "active"), (.latent, "latent"), (.resolved, "resolved")]
        return .element("g", ["class": "legend", "transform": "translate(\(c(margin)) \(c(y)))"]) {
            for (index, item) in items.enumerated() {
                let x = Double(index) * 110 + 8
                shape(item.0, x: x, y: 10, colour: colours[item.0]!, side: nil, role: "legend-mark")
                HTML.element("text", ["class": "legend", "x": c(x + 12), "y": "14"]) { item.1 }
            }
            HTML.element("line", ["class": "referral", "x1": "338", "y1": "10", "x2": "366", "y2": "10", "stroke": "#1a1a1a"])
            HTML.element("rect", ["class": "referral-zone", "x": "366", "y": "6", "width": "8", "height": "8", "transform": "rotate(45 370 10)", "stroke": "#1a1a1a"])
            HTML.element("text", ["class": "legend", "x": "382", "y": "14"]) { "refers pain to" }
        }
    }
}

extension HTML {
    static func + (a: HTML, b: HTML) -> HTML { HTML(nodes: a.nodes + b.nodes) }
}
