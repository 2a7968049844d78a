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
    public var rendered: String { String(decoding: bytes, as: UTF8.self) }

    /// The markup as UTF-8, written byte by byte into one buffer (a page is rendered per view).
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32_768)
        for node in nodes { Self.render(node, into: &out) }
        return out
    }

    /// Elements HTML never closes.
    static func isVoid(_ name: String) -> Bool {
        switch name {
        case "meta", "br", "hr", "img", "input", "link", "col": true
        default: false
        }
    }

    /// SVG shapes written self-closing when empty (as SVG tools write them; HTML parsers accept it
    /// inside `<svg>`).
    static func isSVGLeaf(_ name: String) -> Bool {
        switch name {
        case "circle", "line", "rect", "polygon", "polyline", "path", "ellipse": true
        default: false
        }
    }

    private static func render(_ node: Node, into out: inout [UInt8]) {
        switch node {
        case .text(let text):
            escape(text, into: &out, quotes: false)
        case .trusted(let markup):
            out += markup.utf8
        case .element(let name, let attributes, let children):
            out.append(UInt8(ascii: "<"))
            out += name.utf8
            for attribute in attributes {
                out.append(UInt8(ascii: " "))
                out += attribute.name.utf8
                out += #"=""#.utf8
                escape(attribute.value, into: &out, quotes: true)
                out.append(UInt8(ascii: "\""))
            }
            if isVoid(name) {
                out.append(UInt8(ascii: ">"))
                return
            }
            if children.isEmpty, isSVGLeaf(name) {
                out += "/>".utf8
                return
            }
            out.append(UInt8(ascii: ">"))
            for child in children { render(child, into: &out) }
            out += "</".utf8
            out += name.utf8
            out.append(UInt8(ascii: ">"))
        }
    }

    private static func escape(_ text: String, into out: inout [UInt8], quotes: Bool) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "\"") where quotes: out += "&quot;".utf8
            default: out.append(byte)
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
