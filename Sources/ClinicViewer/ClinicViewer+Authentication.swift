import ClinicalReport
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Admits only the browser that opened the address `myolog ui` printed. Loopback alone proves
/// nothing: every local account can connect to 127.0.0.1, and without this any of them would be
/// shown the records this viewer's user may read — as that user, undoing the store's 0700 mode.
///
/// Guarantees: a GET carrying the right `?token=` is answered 303 to the same path without the
/// token (it leaves the address bar, and no page is read or recorded for the redirect), setting
/// the cookie `myolog_ui` — HttpOnly (no script reads it), SameSite=Strict (no other site's page
/// can send it), Path=/, and Secure under TLS. Every other request must present that cookie. A
/// request with a wrong token, a wrong or missing cookie, or a token in anything but a GET is
/// answered 401 with a page saying to open the printed address: no patient data, no access
/// record (it never reaches a page), no token in the log. Comparisons are constant-time
/// (``ViewerToken/admits(_:)``).
///
/// Limit: browsers scope cookies by host, not by port. A browser signed in here sends the cookie
/// to any server on the same host address when a page from that host makes it navigate there,
/// so the token is as safe as the browser's other sessions on 127.0.0.1; it dies with the run.
struct BrowserAuthentication<Context: RequestContext>: RouterMiddleware {
    static var cookieName: String { "myolog_ui" }
    let token: ViewerToken
    /// Under TLS: the cookie is marked Secure, so the browser never sends it over plain HTTP.
    let secure: Bool
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let offered = request.uri.queryParameters.getAll("token")
        if !offered.isEmpty {
            // Only a GET signs in: a token in another method, or twice, is no browser opening the printed address.
            guard request.method == .get, offered.count == 1, token.admits(offered[0]) else { return refusal("a wrong token") }
            return signedIn(at: Self.withoutToken(request.uri))
        }
        guard Self.cookies(request).contains(where: token.admits) else { return refusal("no valid cookie") }
        return try await next(request, context)
    }

    /// The 303 that takes the token out of the address and gives the browser its cookie.
    func signedIn(at location: String) -> Response {
        let cookie = "\(Self.cookieName)=\(token.secret); HttpOnly; SameSite=Strict; Path=/" + (secure ? "; Secure" : "")
        return Response(status: .seeOther, headers: [
            .location: location, .setCookie: cookie, .cacheControl: "no-store", HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ])
    }

    func refusal(_ why: String) -> Response {
        logger.notice("ui: refused a request with \(why) (401); a browser signs in by opening the address ui printed")
        var response = ClinicViewer.page(ClinicPage(title: "Open the address myolog ui printed") {
            HTML.element("main") {
                HTML.element("h1") { "Open the address myolog ui printed" }
                HTML.element("p") {
                    "This viewer shows records only to a browser that has opened the address myolog ui printed when it started (it ends in ?token=…). "
                        + "Open that address in this browser; it is then signed in until the viewer stops. After a restart, open the new address it printed."
                }
            }
        })
        response.status = .unauthorized
        // RFC 9110 asks a 401 to name a scheme; the browser signs in with the printed address, not a dialog.
        response.headers[.wwwAuthenticate] = #"MyologToken realm="myolog ui""#
        return response
    }

    /// The values of every `myolog_ui` cookie the request carries (a browser may hold one per
    /// path or from an earlier run; any of them may be the current one).
    static func cookies(_ request: Request) -> [Substring] {
        request.headers[values: .cookie].flatMap { $0.split(separator: ";") }.compactMap { pair in
            let pair = pair.drop { $0 == " " }
            guard let equals = pair.firstIndex(of: "="), pair[..<equals] == cookieName else { return nil }
            return pair[pair.index(after: equals)...]
        }
    }

    /// The request's path and query without `token`. Only a path on this server: one starting
    /// `//` or `/\` would be read by the browser as another host (an open redirect), so it is `/`.
    static func withoutToken(_ uri: URI) -> String {
        var path = uri.path
        if !path.hasPrefix("/") || path.dropFirst().hasPrefix("/") || path.dropFirst().hasPrefix("\\") { path = "/" }
        let kept = (uri.query ?? "").split(separator: "&").filter { $0.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first != "token" }
        return kept.isEmpty ? path : path + "?" + kept.joined(separator: "&")
    }
}
