/// A fragment of HTML (SVG included) built from typed nodes, never from concatenated strings:
/// every text and attribute value is escaped when rendered (attributes are always double-quoted), so a patient's name or a note can
/// never become markup. Rendering is deterministic — attributes keep the order they were given —
/// so the same record gives the same bytes.
public struct HTML: Sendable, Equatable {
    indirect enum Node: Sendable, Equatable {
        case element(name: String, attributes: [Attribute], children: [Node])
        case text(String)
        /// Markup this module wrote itself as a constant (the style sheet, the doctype).
        case trusted(String)
    }

    /// One attribute, in the order given.
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    var nodes: [Node]

    init(nodes: [Node]) { self.nodes = nodes }

    public init() { nodes = [] }

    /// Escaped text.
    public static func text(_ text: String) -> HTML { HTML(nodes: [.text(text)]) }

    /// Markup written by this module as a constant; never for anything read from a store.
    static func trusted(_ markup: StaticString) -> HTML { HTML(nodes: [.trusted("\(markup)")]) }

    /// An element; attributes whose value is nil are left out.
    public static func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], @HTMLBuilder _ content: () -> HTML = { HTML() }) -> HTML {
        let kept = attributes.compactMap { pair in pair.value.map { Attribute(name: pair.key, value: $0) } }
        return HTML(nodes: [.element(name: name, attributes: kept, children: content().nodes)])
    }

    /// The markup, escaped.
    public var rendered: String {
        var out = ""
        out.reserveCapacity(4096)
        for node in nodes { Self.render(node, into: &out) }
        return out
    }

    /// Elements HTML never closes.
    static let voidElements: Set<String> = ["meta", "br", "hr", "img", "input", "link", "col"]

    private static func render(_ node: Node, into out: inout String) {
        switch node {
        case .text(let text):
            escape(text, into: &out, quotes: false)
        case .trusted(let markup):
            out += markup
        case .element(let name, let attributes, let children):
            out += "<" + name
            for attribute in attributes {
                out += " " + attribute.name + "=\""
                escape(attribute.value, into: &out, quotes: true)
                out += "\""
            }
            if voidElements.contains(name) {
                out += ">"
                return
            }
            if children.isEmpty, svgLeaves.contains(name) {
                out += "/>"
                return
            }
            out += ">"
            for child in children { render(child, into: &out) }
            out += "</" + name + ">"
        }
    }

    /// SVG shapes written self-closing when empty (as SVG tools write them; HTML parsers accept it
    /// inside `<svg>`).
    static let svgLeaves: Set<String> = ["circle", "line", "rect", "polygon", "polyline", "path", "ellipse"]

    private static func escape(_ text: String, into out: inout String, quotes: Bool) {
        // Most values need no escaping: appended whole, not scalar by scalar.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || (quotes && $0 == UInt8(ascii: "\"")) }) {
            out += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}

/// Builds ``HTML`` from statements: elements, text (a `String` is escaped text), optionals,
/// conditions and loops.
@resultBuilder
public enum HTMLBuilder {
    public static func buildBlock(_ parts: HTML...) -> HTML { HTML(nodes: parts.flatMap(\.nodes)) }
    public static func buildExpression(_ html: HTML) -> HTML { html }
    public static func buildExpression(_ text: String) -> HTML { .text(text) }
    public static func buildOptional(_ html: HTML?) -> HTML { html ?? HTML() }
    public static func buildEither(first: HTML) -> HTML { first }
    public static func buildEither(second: HTML) -> HTML { second }
    public static func buildArray(_ parts: [HTML]) -> HTML { HTML(nodes: parts.flatMap(\.nodes)) }
    public static func buildLimitedAvailability(_ html: HTML) -> HTML { html }
}

/// Numbers as SVG coordinates: one decimal, no exponent, the same text on every machine.
enum Coordinate {
    static func text(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
