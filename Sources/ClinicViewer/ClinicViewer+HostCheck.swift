import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The `Host` values that name this viewer: the address it listens on, host and port as bound.
///
/// Accepted: the listen host itself; for 127.0.0.1 also `localhost`, for ::1 also `localhost`
/// (written `[::1]` in a Host header), for `localhost` also 127.0.0.1 and [::1]; for a wildcard
/// listen (0.0.0.0 or ::, only under --tls) any IP literal or `localhost`, since an IP literal
/// cannot be re-pointed by DNS. The port must be the bound one (or absent when it is the scheme's
/// default, as browsers write it). Until the port is known, nothing is accepted.
struct ViewerAddress: Sendable {
    /// The listen host as given (no brackets).
    let host: String
    /// 80 for http, 443 for https: a browser leaves the port out of `Host` when it is the default.
    let defaultPort: Int
    /// The port as bound (a listen port of 0 is chosen by the system), set once listening.
    let boundPort: NIOLockedValueBox<Int?>

    init(host: String, defaultPort: Int) {
        (self.host, self.defaultPort, boundPort) = (host, defaultPort, NIOLockedValueBox(nil))
    }

    func admits(_ authority: String) -> Bool {
        guard let port = boundPort.withLockedValue({ $0 }), let (name, presentedPort) = Self.split(authority),
              (presentedPort ?? defaultPort) == port
        else { return false }
        let presented = Self.canonical(name), listening = Self.canonical(host)
        switch listening {
        case "127.0.0.1", "::1": return presented == listening || presented == "localhost"
        case "localhost": return ["localhost", "127.0.0.1", "::1"].contains(presented)
        case "0.0.0.0", "::": return presented == "localhost" || Self.isIPLiteral(name)
        default: return presented == listening
        }
    }

    /// Host and port of a Host header (`name`, `name:port`, `[v6]`, `[v6]:port`), or nil when
    /// it is none of these (an IPv6 address must be bracketed; a port is 1 to 5 digits).
    static func split(_ authority: String) -> (host: String, port: Int?)? {
        let host: Substring, rest: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            rest = authority[authority.index(after: close)...]
        } else if let colon = authority.firstIndex(of: ":") {
            (host, rest) = (authority[..<colon], authority[colon...])
        } else {
            (host, rest) = (authority[...], "")
        }
        guard !host.isEmpty else { return nil }
        if rest.isEmpty { return (String(host), nil) }
        let digits = rest.dropFirst()
        guard rest.first == ":", (1...5).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return (String(host), Int(digits))
    }

    static func isIPLiteral(_ host: String) -> Bool { (try? SocketAddress(ipAddress: host, port: 0)) != nil }

    /// One spelling per address (`0:0::1` is `::1`), names lowercased.
    static func canonical(_ host: String) -> String {
        (try? SocketAddress(ipAddress: host, port: 0))?.ipAddress ?? host.lowercased()
    }
}

/// The defence against DNS rebinding: a web page from evil.example has its name re-pointed at
/// 127.0.0.1, and the victim's browser — believing it talks to evil.example — sends the page's
/// requests to this viewer, with `Host: evil.example:PORT`. Such a request, one with no Host, or
/// one with two, is refused with 421 before the token is looked at and before any page is read:
/// nothing is shown and nothing is recorded.
struct HostCheck<Context: RequestContext>: RouterMiddleware {
    let address: ViewerAddress
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HTTP/1's first Host becomes the authority; a second one stays among the fields, and two
        // Host values leave it unclear which site the request is for, so it is refused too.
        guard let authority = request.head.authority, request.headers[values: HTTPField.Name("Host")!].isEmpty, address.admits(authority) else {
            // Printable ASCII only: the value is the sender's, and the log is a terminal.
            let named = String(String.UnicodeScalarView((request.head.authority ?? "(none)").unicodeScalars.filter { (0x20..<0x7F).contains($0.value) }.prefix(100)))
            logger.notice("ui: refused a request for host \(named): not this viewer's address (DNS rebinding defence)")
            return Response(status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: "myolog ui answers only at the address it printed, not at this host name.\n")))
        }
        return try await next(request, context)
    }
}
