import ClinicalEvents
import ClinicalLog
import ClinicalReport
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import ClinicalFold
import Projections
import ServiceLifecycle
import EventModel
import EventCrypto

/// `myolog ui`: a read-only web view of one store — the patient list with search, the patient
/// page (the report's renderer), the timeline, the conflicts — for the clinic's own machine.
///
/// Guarantees: GET only (anything else is 405; there is no form that writes); every page that
/// shows patient data is recorded as an access (``RecordAccessed``) *before* it is sent, and
/// when the record cannot be written the page is refused (fail closed); reads never block an
/// event loop (GRDB's async reads; the access write on NIO's thread pool); every response says
/// `no-store` and carries the page's Content-Security-Policy as a header too. Listening off
/// loopback is the caller's decision and needs `tls` (mutual TLS and the trust list, as `serve`).
///
/// Who may see a page: a request must first name this viewer's own address in `Host`
/// (``HostCheck``: 421 otherwise, the DNS rebinding defence), then come from the browser that
/// opened the printed address with ``token`` (``BrowserAuthentication``: 401 otherwise). Both
/// refusals come before any page is read, so they show nothing and record nothing. Under TLS the
/// token is required too: the trust list admits peer *nodes* for sync, and a peer's node
/// certificate is no proof that a person at this clinic's terminal opened the viewer.
public struct ClinicViewer: Sendable {
    public let store: EventStore
    public let logger: Logger
    /// Appends access records in one commit (the CLI's user): called off the event loop.
    let recorder: AccessRecorder
    /// Signatures this viewer has verified: a page viewed again re-hashes its events but does
    /// not re-verify the same signatures.
    let signatures = SignatureMemo()
    /// The fold and timeline of the patients shown last, kept with the exact events they were
    /// made from: a page re-reads and re-checks the events, and reuses them only when those are
    /// the same.
    let folds = ReportMemo()
    let purpose: RecordAccessed.Purpose
    let user: String
    /// This run's secret: the caller prints it once, in the address it shows (never to a file or a log).
    public let token: ViewerToken

    /// `record` appends the accesses it is given in one commit, or throws (nothing appended).
    /// `token` is what a browser must present (``BrowserAuthentication``). Every page reads its
    /// times on the site's clock as the store records it when the page is read
    /// (``ClinicalQueries/siteClock(of:)``), so a zone changed while `ui` runs shows at once.
    public init(store: EventStore, user: String, purpose: RecordAccessed.Purpose, token: ViewerToken, logger: Logger,
                record: @escaping @Sendable ([RecordAccessed]) throws -> Void) {
        (self.store, self.user, self.purpose, self.token, self.logger) = (store, user, purpose, token, logger)
        recorder = AccessRecorder(append: record)
    }

    /// `onListening` is called with the bound port once the viewer is listening; requests are
    /// refused (421) until then, as the port they must name is not known yet.
    public func application(host: String, port: Int, tls: TLSChannelConfiguration?, onListening: @escaping @Sendable (Int) async -> Void) throws -> some ApplicationProtocol {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        let address = ViewerAddress(host: host, defaultPort: tls == nil ? 80 : 443)
        let router = Router()
        // In this order: a foreign Host is refused before the token is looked at, and neither
        // a stranger nor a write method reaches a page.
        router.add(middleware: HostCheck(address: address, logger: quiet))
        router.add(middleware: BrowserAuthentication(token: token, secure: tls != nil, logger: quiet))
        router.add(middleware: ReadOnly())
        router.get(RouterPath(ClinicPages.Route.patients)) { request, _ in try await patientList(request) }
        router.get("/patients/:patient") { _, context in try await patientPage(context.parameters.get("patient") ?? "") }
        router.get("/patients/:patient/timeline") { _, context in try await timelinePage(context.parameters.get("patient") ?? "") }
        router.get(RouterPath(ClinicPages.Route.conflicts)) { _, _ in try await conflictsPage() }
        let server: HTTPServerBuilder = if let tls { try .tls(.http1(), configuration: tls) } else { .http1() }
        return Application(router: router, server: server, configuration: .init(address: .hostname(host, port: port), serverName: "myolog-ui"),
                           onServerRunning: { channel in
                               let bound = channel.localAddress?.port ?? port
                               address.boundPort.withLockedValue { $0 = bound }
                               await onListening(bound)
                           }, logger: quiet)
    }

    /// Serves until SIGINT or SIGTERM (graceful: requests in flight finish).
    public func run(host: String, port: Int, tls: TLSChannelConfiguration?, onListening: @escaping @Sendable (Int) async -> Void) async throws {
        let app = try application(host: host, port: port, tls: tls, onListening: onListening)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    // MARK: Pages

    func patientList(_ request: Request) async throws -> Response {
        let search = request.uri.queryParameters.get("q").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : String($0.prefix(ClinicalInput.maximumNameLength)) }
        let node = store.identity.nodeID
        let (rows, clock) = try await store.readWithoutBlocking { (try PatientViews($0).patients(search: search), try ClinicalQueries($0).siteClock(of: node)) }
        try await recorded(RecordAccessed(action: .query, command: "ui patients", patients: rows.map(\.patientId), purpose: purpose,
                                          detail: search == nil ? nil : "search (the text is not recorded: it may be a name)"))
        return Self.page(ClinicPages.patientList(rows, search: search, site: store.identity.site, clock: clock))
    }

    func patientPage(_ text: String) async throws -> Response {
        guard let patient = try await known(text) else { return Self.notFound(text) }
        let localChain = try await NIOThreadPool.singleton.runIfActive { [store] in try store.localChainProblem().map { "\($0)" } }
        let generation = PatientReport.Generation(user: user, at: .now(), site: store.identity.site, node: store.identity.nodeID)
        let report: PatientReport?
        do {
            let node = store.identity.nodeID
            report = try await store.readWithoutBlocking { [folds] reader in
                let queries = ClinicalQueries(reader)
                folds.forget { (try? queries.requireReadable($0)) == nil }
                try queries.requireReadable(patient)
                return try PatientReport.read(patient, .now, in: reader, localChainProblem: localChain, generation: generation,
                                              siteClock: queries.siteClock(of: node), signatures: signatures, folds: folds)
            }
        } catch {
            // Erased or withdrawn: nothing of the record it was is kept.
            folds.forget(patient)
            return try await refused(patient, command: "ui patient", error)
        }
        guard let report else { return Self.notFound(text) }
        try await recorded(RecordAccessed(action: .read, command: "ui patient", patients: [patient], purpose: purpose))
        return Self.page(report.page(navigation: ClinicPages.navigation(patient: patient)))
    }

    func timelinePage(_ text: String) async throws -> Response {
        guard let patient = try await known(text) else { return Self.notFound(text) }
        let lines: [AuditLine], name: String, clock: SiteClock
        let node = store.identity.nodeID
        do {
            (lines, name, clock) = try await store.readWithoutBlocking { [folds] reader in
                let queries = ClinicalQueries(reader)
                folds.forget { (try? queries.requireReadable($0)) == nil }
                try queries.requireReadable(patient)
                return (try AuditTrail(reader).timeline(patient), try PatientViews(reader).show(patient)?.details.name ?? patient.rawValue, try queries.siteClock(of: node))
            }
        } catch {
            folds.forget(patient)
            return try await refused(patient, command: "ui timeline", error)
        }
        try await recorded(RecordAccessed(action: .read, command: "ui timeline", patients: [patient], purpose: purpose))
        return Self.page(ClinicPages.timeline(lines, patient: patient, name: name, clock: clock))
    }

    func conflictsPage() async throws -> Response {
        let listings = try await store.readWithoutBlocking { try PatientViews($0).conflicts() }
        var patients: [PatientID] = []
        for listing in listings where !patients.contains(listing.patientId) { patients.append(listing.patientId) }
        try await recorded(RecordAccessed(action: .query, command: "ui conflicts", patients: patients, purpose: purpose))
        return Self.page(ClinicPages.conflicts(listings))
    }

    // MARK: Parts

    /// The registered patient a path names (a full id), or nil.
    func known(_ text: String) async throws -> PatientID? {
        guard let patient = PatientID(text) else { return nil }
        let registered = try await store.readWithoutBlocking { !(try $0.events(patient: patient, types: [PatientRegistered.eventType]).isEmpty) }
        return registered ? patient : nil
    }

    /// Records the access, off the event loop; a page whose access cannot be recorded is not sent.
    func recorded(_ access: RecordAccessed) async throws {
        do {
            try await recorder.record(access)
        } catch {
            logger.error("audit: an access could not be recorded, the page was refused: \(error)")
            throw HTTPError(.serviceUnavailable, message: "audit: this access could not be recorded, so nothing is shown")
        }
    }

    /// An identified patient whose record cannot be shown (erased, withdrawn): recorded as a
    /// refused access, as the CLI records it, and a page saying why.
    func refused(_ patient: PatientID, command: String, _ error: any Error) async throws -> Response {
        let reason = "\(error)"
        try await recorded(RecordAccessed(action: .read, command: command, patients: [patient], purpose: purpose, outcome: .refused,
                                          detail: String(reason.prefix(200))))
        var response = Self.page(ClinicPages.refusal("Not shown", reason))
        response.status = .gone
        return response
    }

    static func page(_ page: ClinicPage) -> Response {
        Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            .xContentTypeOptions: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ], body: .init(byteBuffer: ByteBuffer(bytes: page.bytes)))
    }

    static func notFound(_ text: String) -> Response {
        var response = page(ClinicPages.refusal("No such patient", "No registered patient has the id “\(text.prefix(40))”."))
        response.status = .notFound
        return response
    }
}

/// Only GET: the viewer never writes (and a HEAD, which would show nothing, is not a page view).
struct ReadOnly<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get else {
            return Response(status: .methodNotAllowed, headers: [.allow: "GET", .contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "myolog ui is read-only\n")))
        }
        return try await next(request, context)
    }
}

/// Commits the access records of pages being served together: each page waits for the commit
/// that holds its record (fail closed, as one at a time), but concurrent pages share one commit —
/// its fsync and signature — instead of queueing for the write lock one by one.
actor AccessRecorder {
    let append: @Sendable ([RecordAccessed]) throws -> Void
    var pending: [(access: RecordAccessed, done: CheckedContinuation<Void, any Error>)] = []
    var committing = false

    init(append: @escaping @Sendable ([RecordAccessed]) throws -> Void) { self.append = append }

    func record(_ access: RecordAccessed) async throws {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((access, continuation))
            if !committing {
                committing = true
                Task { await commit() }
            }
        }
    }

    /// Commits what is pending, then what arrived meanwhile, until nothing is left.
    private func commit() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            let append = self.append
            let result = await Result(catching: { try await NIOThreadPool.singleton.runIfActive { try append(batch.map(\.access)) } })
            for waiting in batch { waiting.done.resume(with: result) }
        }
        committing = false
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
