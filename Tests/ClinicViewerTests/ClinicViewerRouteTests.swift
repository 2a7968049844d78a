import AccessAudit
import ClinicViewer
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MyologTestSupport
import NIOCore
import Projections
import Testing

/// The routes of `myolog ui`, in process: the viewer's own `Application` (its router and
/// middleware, built by ``ClinicViewer/application(host:port:tls:onListening:)`` as the CLI builds
/// it) served by HummingbirdTesting's live framework on a port of its choosing. Each request goes
/// on a connection of its own so that it can name any `Host`. The CLI tests stay the end-to-end
/// check with a real browser; these say, in a second, what each route answers.
@Suite("ClinicViewer routes, in process", .serialized)
struct ClinicViewerRouteTests {
    let scratch = TemporaryDirectory("viewer")

    /// A name a page must show as text, never as markup.
    static let hostileName = "<script>alert(1)</script> Smith"

    /// A store with one patient named ``hostileName``, opened as `ui` opens it, and that patient.
    func clinic() throws -> (store: EventStore, patient: PatientID) {
        let directory = scratch.url("store")
        let projections: [any LogProjection] = [PatientProjection(), AccessProjection()]
        let patient = try {
            let created = try EventStore.create(at: directory, site: "Carlton", projections: projections)
            let registration = try ClinicalRecord(store: created).write {
                try $0.register(.init(name: Self.hostileName, dateOfBirth: "1980-01-01"), author: "jo")
            }
            return try #require(registration.patient)
        }()
        return (try EventStore.open(at: directory, projections: projections, concurrentReads: true), patient)
    }

    /// What a test is given: the viewer's token and a way to send it requests.
    struct Served {
        let port: Int
        let token: ViewerToken
        /// This viewer's own address, as a browser writes it in `Host`.
        var host: String { "127.0.0.1:\(port)" }
        var cookie: String { "myolog_ui=\(token.secret)" }

        /// A GET of `path` naming `host` (nil: no Host at all), with the cookie when `signedIn`.
        func get(_ path: String, host: String?, signedIn: Bool) async throws -> TestClient.Response {
            var headers: HTTPFields = [:]
            if signedIn { headers[.cookie] = cookie }
            let request = TestClient.Request(path, method: .get, authority: host, headers: headers)
            return try await Self.send(request, port: port)
        }

        /// One request on a connection of its own. The timeout is generous: the whole suite runs
        /// in parallel on a small machine, and a stall there is no finding about the viewer.
        static func send(_ request: TestClient.Request, port: Int) async throws -> TestClient.Response {
            try await TestClient.withClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(120))) { client in
                try await client.execute(request)
            }
        }

        func get(_ path: String, signedIn: Bool = true) async throws -> TestClient.Response {
            try await get(path, host: host, signedIn: signedIn)
        }
    }

    /// Serves `store` as `myolog ui` does (user, purpose, a fresh token, access records appended
    /// to the store) for the duration of `body`.
    func serve(_ store: EventStore, _ body: @escaping @Sendable (Served) async throws -> Void) async throws {
        let token = ViewerToken()
        var logger = Logger(label: "ui-test")
        logger.logLevel = .critical
        let viewer = ClinicViewer(store: store, user: "tester", purpose: .treatment, token: token, logger: logger) { accesses in
            _ = try store.append(accesses.map(\.newEvent), author: "tester")
        }
        let app = try viewer.application(host: "127.0.0.1", port: 0, tls: nil) { _ in }
        try await app.test(.live) { client in
            try await body(Served(port: try #require(client.port), token: token))
        }
    }

    static func text(_ response: TestClient.Response) -> String {
        response.body.map { String(buffer: $0) } ?? ""
    }

    static func events(_ store: EventStore) throws -> Int {
        try store.read { try $0.eventCount() }
    }

    @Test("the token is required: without it, or with a wrong one, 401 and nothing shown or recorded; the printed address signs in; the cookie is served")
    func tokenRequired() async throws {
        let (store, _) = try clinic()
        let before = try Self.events(store)
        try await serve(store) { served in
            let anonymous = try await served.get("/", signedIn: false)
            #expect(anonymous.status == .unauthorized)
            #expect(Self.text(anonymous).contains("Open the address myolog ui printed") && !Self.text(anonymous).contains("Smith"), "\(Self.text(anonymous))")
            let wrong: HTTPFields = [.cookie: "myolog_ui=" + ViewerToken().secret]
            let forged = try await Served.send(.init("/", method: .get, authority: served.host, headers: wrong), port: served.port)
            #expect(forged.status == .unauthorized && !Self.text(forged).contains("Smith"))
            let wrongToken = try await served.get("/?token=" + ViewerToken().secret, signedIn: false)
            #expect(wrongToken.status == .unauthorized)
            #expect(try Self.events(store) == before, "a refused request recorded something")
            // The printed address: a 303 out of the address bar, with the cookie.
            let signIn = try await served.get("/?token=" + served.token.secret, signedIn: false)
            #expect(signIn.status == .seeOther && signIn.headers[.location] == "/")
            #expect(signIn.headers[.setCookie] == served.cookie + "; HttpOnly; SameSite=Strict; Path=/")
            // With the cookie: the patient list, recorded as one access.
            let list = try await served.get("/")
            #expect(list.status == .ok && Self.text(list).contains("Smith"), "\(list.status)")
            #expect(try Self.events(store) == before + 1)
        }
    }

    @Test("a foreign Host (DNS rebinding), a wrong port or no Host: 421 before the token is looked at; this viewer's own Host is served")
    func hostCheck() async throws {
        let (store, patient) = try clinic()
        let before = try Self.events(store)
        try await serve(store) { served in
            for host in ["evil.example:\(served.port)", "evil.example", "127.0.0.1:\(served.port == 1 ? 2 : served.port - 1)", "127.0.0.1", nil] as [String?] {
                let refused = try await served.get("/patients/\(patient.rawValue)", host: host, signedIn: true)
                #expect(refused.status == .misdirectedRequest, "Host \(host ?? "(none)"): \(refused.status)")
                #expect(!Self.text(refused).contains("Smith"))
            }
            #expect(try Self.events(store) == before, "a refused request recorded something")
            for host in ["127.0.0.1:\(served.port)", "localhost:\(served.port)"] {
                let page = try await served.get("/patients/\(patient.rawValue)", host: host, signedIn: true)
                #expect(page.status == .ok, "Host \(host): \(page.status)")
            }
        }
    }

    @Test("a patient page renders, the name escaped (a <script> in it is text, not markup), and the view is recorded")
    func escapedName() async throws {
        let (store, patient) = try clinic()
        let before = try Self.events(store)
        try await serve(store) { served in
            let page = try await served.get("/patients/\(patient.rawValue)")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let html = Self.text(page)
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Smith"), "\(html.prefix(2000))")
            #expect(!html.contains("<script>alert(1)"), "the name became markup")
            #expect(try Self.events(store) == before + 1)
        }
    }

    @Test("an unknown patient, or a path that names none, is 404 and records nothing")
    func unknownPatient() async throws {
        let (store, _) = try clinic()
        let before = try Self.events(store)
        try await serve(store) { served in
            for path in ["/patients/\(PatientID.make().rawValue)", "/patients/\(PatientID.make().rawValue)/timeline", "/patients/not-a-patient"] {
                let missing = try await served.get(path)
                #expect(missing.status == .notFound, "\(path): \(missing.status)")
                #expect(Self.text(missing).contains("No such patient"), "\(path)")
            }
            #expect(try Self.events(store) == before)
        }
    }
}
