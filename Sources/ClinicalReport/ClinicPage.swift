/// One whole HTML document: the report file, or a page of `myolog ui`. Self-contained — the style
/// sheet inline, no script, no external resource — and a Content-Security-Policy that forbids
/// the browser to load anything at all (`default-src 'none'`), so nothing in a page, even a
/// future mistake, can make a request that leaks a patient's data.
public struct ClinicPage: Sendable {
    public var title: String
    public var body: HTML
    /// Links to the other `ui` pages and the search form; nil for a report file.
    public var navigation: HTML?

    public init(title: String, navigation: HTML? = nil, @HTMLBuilder body: () -> HTML) {
        self.title = title
        self.navigation = navigation
        self.body = body()
    }

    public var rendered: String { String(decoding: bytes, as: UTF8.self) }

    /// The document as UTF-8 (what is written or sent).
    public var bytes: [UInt8] {
        let policy = navigation == nil ? "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
            : "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'"
        let document = HTML.trusted("<!DOCTYPE html>\n") + HTML.element("html", ["lang": "en"]) {
            HTML.element("head") {
                HTML.element("meta", ["charset": "utf-8"])
                HTML.element("meta", ["http-equiv": "Content-Security-Policy", "content": policy])
                HTML.element("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                HTML.element("meta", ["name": "referrer", "content": "no-referrer"])
                HTML.element("link", ["rel": "icon", "href": "data:,"])  // or the browser asks the server for /favicon.ico
                HTML.element("title") { title }
                HTML.element("style") { HTML.trusted(ReportStyle.css) }
            }
            HTML.element("body") {
                if let navigation { HTML.element("nav") { navigation } }
                body
            }
        }
        return document.bytes + [UInt8(ascii: "\n")]
    }
}
