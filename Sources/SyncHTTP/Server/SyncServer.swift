import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import EventModel
import EventCrypto
import EventSync

/// Serves one store's side of the sync protocol over HTTPS with mutual TLS: a peer's
/// `myolog sync https://…` reads this store's chain heads and the events it lacks, and offers
/// the events it holds.
///
/// Only nodes in this store's trust list get in: the TLS handshake requires a client
/// certificate and admits it only if its key hashes to a trusted node id (``NodeCertificate``);
/// every request checks the trust list again (a peer removed while connected is refused from
/// its next request) and is counted against the peer's request rate (``PeerRateLimit``).
/// There is no plain-HTTP listener: a plain request gets no answer but a TLS alert.
///
/// Every offered batch passes the same checks as any other carrier (``EventStore/receiveBatch(_:)``)
/// and commits whole or not at all. Bodies are bounded (``SyncAPI/maximumBatch`` events,
/// ``SyncAPI/maximumBodyBytes``), so memory stays flat however large a peer's delta. Every error
/// is a JSON body `{"message": …}`. One log line per sync, written when the client says it ended.
public struct SyncServer: Sendable {
    /// The node's store: its identity (certificate) and trust list.
    public let store: any ServedLog
    /// Where the log served lives: the store itself (``PooledStore``), or a hub's PostgreSQL log.
    let log: any LogPeer
    public let logger: Logger
    public let certificate: NodeCertificate
    let ledger = SyncLedger()
    let rateLimit: PeerRateLimit

    /// Idle connections are closed after this long.
    public static let idleTimeout = TimeAmount.seconds(30)

    /// Told which node is about to be served which patients' sealed events or keys — before the
    /// response leaves, each patient once per sync (never on an event loop: it writes): how
    /// `myolog serve` records its disclosures. When it throws, nothing is sent (503).
    let disclosed: (@Sendable (NodeID, [PatientID]) throws -> Void)?

    /// Told that a peer asked for events of its own chain that this store holds beyond where the
    /// peer's copy ends — it lost signed events of its own: its store was put back to an older copy
    /// (``PeerRollback``; `theirSequence` is where its copy ends). Returns whether that was news
    /// (the pages of one catch-up are one rollback), so it is logged once. Never on an event loop.
    let rolledBack: (@Sendable (_ node: NodeID, _ theirSequence: Int, _ heldSequence: Int) throws -> Bool)?

    /// Serves `store`'s log, or — for a hub — `log`, with `store`'s identity and trust list.
    public init(store: any ServedLog, log: (any LogPeer)? = nil, logger: Logger, rateLimit: PeerRateLimit = PeerRateLimit(),
                disclosed: (@Sendable (NodeID, [PatientID]) throws -> Void)? = nil,
                rolledBack: (@Sendable (_ node: NodeID, _ theirSequence: Int, _ heldSequence: Int) throws -> Bool)? = nil) throws {
        self.disclosed = disclosed
        self.rolledBack = rolledBack
        self.store = store
        self.log = log ?? PooledStore(store: store)
        self.logger = logger
        self.certificate = try NodeCertificate(identity: store.identity)
        self.rateLimit = rateLimit
    }

    /// Whether a TLS client presenting `certificates` may connect: its key must be a node this
    /// store trusts (or this node itself — a copy of this store, which sync names as a fork).
    func admits(_ certificates: [NIOSSLCertificate]) async -> NIOSSLVerificationResult {
        guard let leaf = certificates.first, let node = NodeCertificate.node(of: leaf) else {
            logger.warning("refused a TLS client: its certificate does not carry an Ed25519 node key")
            return .failed
        }
        guard (try? await accepts(node)) == true else {
            logger.warning("refused a TLS client: node \(node) is not in this store's trust list")
            return .failed
        }
        return .certificateVerified
    }

    /// Whether `node` may sync with this store, read without blocking the event loop.
    private func accepts(_ node: NodeID) async throws -> Bool {
        try await store.admits(node)
    }

    /// The node on the other end of `request`'s TLS connection, if it is still trusted, its
    /// headers are as documented, and it is within its request rate.
    func admittedPeer(_ request: Request, _ context: SyncRequestContext) async throws -> NodeID {
        // The documented headers, as documented: a longer sync id or a malformed node id is refused.
        if let syncID = request.headers[.myologSync], syncID.count > SyncAPI.maximumSyncIDLength {
            throw SyncHTTPError(.badRequest, "\(SyncAPI.syncHeader): longer than \(SyncAPI.maximumSyncIDLength) characters; send a UUID per sync")
        }
        let claimed = request.headers[.myologNode]
        if let claimed, NodeID(claimed) == nil {
            throw SyncHTTPError(.badRequest, "\(SyncAPI.nodeHeader): \"\(claimed.prefix(40))\" is not a node id (16 characters a–z, 2–7)")
        }
        guard let certificate = try await context.channel.nioSSL_peerCertificate().get(), let node = NodeCertificate.node(of: certificate) else {
            throw SyncHTTPError(.forbidden, "client: no node certificate on this connection")
        }
        guard try await accepts(node) else {
            throw SyncHTTPError(.forbidden, "client: node \(node) is not in this store's trust list")
        }
        if let claimed, claimed != node.rawValue {
            throw SyncHTTPError(.forbidden, "\(SyncAPI.nodeHeader): names node \(claimed), but this connection's certificate is node \(node)'s")
        }
        guard await rateLimit.admit(node) else {
            throw SyncHTTPError(.tooManyRequests, "client: node \(node) sent more than \(rateLimit.burst) requests at once; at most \(Int(rateLimit.perSecond)) a second are served — retry shortly")
        }
        return node
    }

    /// The server, bound to `host:port` (port 0: any free port) when run; `onListening` is
    /// called with the port actually bound.
    public func application(host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let router = Router(context: SyncRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: PeerAdmission(server: self))
        router.get(RouterPath(SyncAPI.summaryPath)) { request, context in try await summary(request, node: context.peer!) }
        router.get(RouterPath(SyncAPI.eventsPath)) { request, context in try await events(request, node: context.peer!) }
        router.post(RouterPath(SyncAPI.eventsPath)) { request, context in try await receive(request, node: context.peer!) }
        router.post(RouterPath(SyncAPI.syncEndedPath)) { request, _ in await ended(request) }
        router.get(RouterPath(SyncAPI.missingKeysPath)) { _, _ in Self.json(.ok, SyncAPI.patientsJSON(try await log.patientsWithoutKeys())) }
        router.post(RouterPath(SyncAPI.keyRequestPath)) { request, context in try await keyRequest(request, node: context.peer!) }
        router.post(RouterPath(SyncAPI.keysPath)) { request, _ in try await receiveKeys(request) }
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)  // Hummingbird's own start-up lines stay out of the per-sync log
        let tls = mutualTLS
        return Application(
            router: router,
            server: try .tls(.http1(configuration: .init(idleTimeout: Self.idleTimeout)), configuration: tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "myolog"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: quiet)
    }

    /// Mutual TLS as this server requires it: this node's certificate, TLS 1.3, and only clients
    /// presenting a node certificate of a node in the trust list. `myolog ui --tls` uses it too,
    /// so a viewer off loopback admits exactly whom `serve` admits.
    public var mutualTLS: TLSChannelConfiguration {
        TLSChannelConfiguration(tlsConfiguration: certificate.configuration(server: true)) { certificates in
            await admits(certificates)
        }
    }

    /// Serves on `host:port` — and `metrics`, if given, on its own port — until SIGINT or
    /// SIGTERM: swift-service-lifecycle's graceful shutdown stops accepting connections, lets
    /// the requests in flight finish (a batch being received commits or rolls back whole), then
    /// returns, and the caller closes the store. Throws ``ListenFailure`` when an address cannot
    /// be bound. `onListening` gets each listener's port as it is bound. `alongside` runs in the
    /// same service group and stops with it (`serve --sync-with`).
    public func run(host: String, port: Int, metrics: MetricsEndpoint? = nil, alongside scheduled: ScheduledSync? = nil,
                    onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in },
                    onMetricsListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) async throws {
        var services: [any Service] = [try application(host: host, port: port, onListening: onListening)]
        if let scheduled { services.append(scheduled) }
        if let metrics { services.append(metrics.service(beside: logger, onListening: onMetricsListening)) }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as IOError {
            throw ListenFailure(host: host, port: port, reason: String(cString: strerror(error.errnoCode)))
        } catch let error as ServiceGroupError {
            // A listener that failed to bind ends the group; say which address and why.
            throw ListenFailure(host: host, port: port, reason: "\(error)")
        }
    }

    /// The server could not start listening: the port is taken, a privileged port without the
    /// right, an address not on this machine.
    public struct ListenFailure: CodedError, Sendable {
        /// Codes are stable: scripts and tests match them, so one is never renamed nor reused for
        /// another meaning.
        public enum Code: String, Sendable, Hashable, CaseIterable {
            /// The address cannot be listened on (its reason is the system's).
            case cannotListen
        }

        public var code: Code { .cannotListen }
        public var host: String
        public var port: Int
        /// The system's words for it.
        public var reason: String
        public var description: String { "cannot listen on \(host):\(port): \(reason)" }
    }

    /// Runs the server on `host` (any free port) while `body` runs, and stops it when `body`
    /// returns or throws. For tests and benchmarks that need the real server in-process.
    public func whileRunning<T: Sendable>(host: String = "127.0.0.1", _ body: (_ baseURL: String) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try application(host: host, port: 0) { port in
            continuation.yield(port)
            continuation.finish()
        }
        // Stopped gracefully, as a service: the listener closes and open connections finish,
        // instead of every connection task being cancelled (which logs an error per connection).
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await services.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                let result = try await body("https://\(host):\(port)")
                await services.triggerGracefulShutdown()
                while try await group.next() != nil {}
                return result
            } catch {
                await services.triggerGracefulShutdown()
                while (try? await group.next()) != nil {}
                throw error
            }
        }
    }

    private func summary(_ request: Request, node: NodeID) async throws -> Response {
        let summary = try await log.summary()
        await ledger.begin(syncID(request), node: node.rawValue)
        return Self.json(.ok, summary.json)
    }

    /// Records, before the response that carries them is sent, the patients `node` is about to
    /// be able to read: a client that never says its sync ended, or dies mid-way, has still been
    /// recorded for everything it received. Fails closed: a disclosure that cannot be recorded
    /// is not made.
    private func recordDisclosure(_ request: Request, to node: NodeID, _ patients: Set<PatientID>) async throws {
        guard let disclosed, !patients.isEmpty else { return }
        let fresh = await ledger.unrecorded(syncID(request), node: node, patients)
        guard !fresh.isEmpty else { return }
        do {
            try await NIOThreadPool.singleton.runIfActive { try disclosed(node, fresh) }
        } catch {
            logger.error("could not record the disclosure of \(fresh.count) patients' records to node \(node), so none was sent: \(error)")
            throw SyncHTTPError(.serviceUnavailable, "disclosure: this server could not record the disclosure, so nothing was sent; try again later")
        }
        await ledger.recorded(syncID(request), node: node, fresh)
    }

    private func events(_ request: Request, node: NodeID) async throws -> Response {
        let query = request.uri.queryParameters
        guard let originText = query.get("origin"), let origin = NodeID(originText) else {
            throw SyncHTTPError(.badRequest, "origin: expected a node id (16 base32 characters) as the query parameter origin")
        }
        guard let after = query.get("after").flatMap(Int.init), after >= 0 else {
            throw SyncHTTPError(.badRequest, "after: expected a sequence ≥ 0 as the query parameter after")
        }
        guard let limit = query.get("limit").flatMap(Int.init), (1...SyncAPI.maximumBatch).contains(limit) else {
            throw SyncHTTPError(.badRequest, "limit: expected 1 to \(SyncAPI.maximumBatch) as the query parameter limit")
        }
        let batch = try await log.events(origin: origin, after: after, limit: limit)
        // Where its copy ends: a page starts there; a one-event probe (the fork search's hash
        // comparison at the shorter head) ends there. The lowest seen is kept.
        if origin == node, !batch.isEmpty, await ledger.isOpen(syncID(request)),
           let held = try? await log.summary().heads[node]?.sequence, held > (limit == 1 ? after + 1 : after) {
            await noteRollback(of: node, fellTo: limit == 1 ? after + 1 : after, heldUpTo: held, returnedBy: nil)
        }
        try await recordDisclosure(request, to: node, Set(batch.lazy.filter(\.isSealed).compactMap(\.patient)))
        await ledger.served(syncID(request), batch)
        SyncMetrics.sent(origin: origin, count: batch.count)
        return Response(status: .ok, headers: [.contentType: SyncAPI.batchMediaType],
                        body: .init(byteBuffer: ByteBuffer(bytes: SyncAPI.encodeBatch(batch))))
    }

    /// A store put back to an older copy (``PeerRollback``): a peer asking, within a sync, for its
    /// own chain this store holds beyond where the peer's copy ends (`returnedBy` nil); or this
    /// store itself, storing its own signed events a peer returned (`returnedBy` that peer). A
    /// bare request outside a sync (a checker reading every chain) is not taken for one.
    /// Recorded and logged once per incident; the sync goes on, so the node catches up.
    private func noteRollback(of node: NodeID, fellTo sequence: Int, heldUpTo held: Int, returnedBy peer: NodeID?) async {
        guard let rolledBack else { return }
        do {
            guard try await NIOThreadPool.singleton.runIfActive({ try rolledBack(node, sequence, held) }) else { return }
            SyncMetrics.rollbackSeen()
            if let peer {
                logger.warning("rollback: this store (node \(node)) held its own chain only up to sequence \(sequence), but node \(peer) returned it up to \(held), signed by this node: this store was put back to an older copy; what it recorded since without syncing is lost",
                               metadata: ["peer": "\(peer)", "rollback.theirs": "\(sequence)", "rollback.held": "\(held)"])
            } else {
                logger.warning("rollback: node \(node) holds its own chain only up to sequence \(sequence), but this store holds it up to \(held), signed by it: its store was put back to an older copy; what it recorded since without syncing is lost",
                               metadata: ["peer": "\(node)", "rollback.theirs": "\(sequence)", "rollback.held": "\(held)"])
            }
        } catch {
            logger.error("could not record node \(node)'s rollback: \(error)")
        }
    }

    /// The request's body, refused (413) beyond the API's limit; `hint` says what to send instead.
    private func body(of request: Request, hint: String) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: SyncAPI.maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw SyncHTTPError(.contentTooLarge, "body: larger than \(SyncAPI.maximumBodyBytes) bytes; \(hint)")
        }
    }

    private func receive(_ request: Request, node: NodeID) async throws -> Response {
        let body = try await body(of: request, hint: "send at most \(SyncAPI.maximumEventsPerBody) events per request")
        let batch: [EventEnvelope]
        do {
            batch = try SyncAPI.decodeBatch(body.readableBytesView, what: "request body")
        } catch {
            throw SyncHTTPError(.badRequest, error.message)
        }
        do {
            let receipt = try await log.receive(batch)
            await ledger.received(syncID(request), receipt)
            SyncMetrics.received(receipt)
            let me = store.identity.nodeID
            if receipt.stored[me] ?? 0 > 0, let first = batch.first(where: { $0.origin == me }), let last = batch.last(where: { $0.origin == me }) {
                // This node's own signed events, stored only now: this store had lost them.
                await noteRollback(of: me, fellTo: first.sequence - 1, heldUpTo: last.sequence, returnedBy: node)
            }
            return Self.json(.ok, receipt.json)
        } catch let refusal as EventProblem {
            SyncMetrics.refused(origin: refusal.origin, count: batch.count)
            logger.warning("sync \(syncID(request)): refused a batch of \(batch.count) events: \(refusal)",
                           metadata: ["sync": "\(syncID(request))", "origin": "\(refusal.origin)", "events": "\(batch.count)"])
            throw SyncHTTPError(.unprocessableContent, refusal.description, extra: [
                "event": .string(refusal.eventID), "origin": .string(refusal.origin), "sequence": .int(refusal.sequence), "reason": .string(refusal.reason),
            ])
        }
    }

    private func jsonBody(_ request: Request) async throws -> JSONValue {
        let body = try await body(of: request, hint: "send at most \(SyncAPI.maximumKeys) patients or keys per request")
        do { return try JSONParser.parse(Array(body.readableBytesView)) } catch { throw SyncHTTPError(.badRequest, "body: not JSON: \(error)") }
    }

    /// Keys are sealed only to the node the TLS handshake proved — never to a node a request names.
    private func keyRequest(_ request: Request, node: NodeID) async throws -> Response {
        guard let patients = SyncAPI.patients(try await jsonBody(request)) else {
            throw SyncHTTPError(.badRequest, "patients: expected {\"patients\": [at most \(SyncAPI.maximumKeys) patient ids]}")
        }
        let sealed = try await log.keys(for: patients, to: node)
        try await recordDisclosure(request, to: node, Set(sealed.map(\.patient)))
        await ledger.disclosed(syncID(request), sealed.map(\.patient))
        return Self.json(.ok, SyncAPI.keysJSON(sealed))
    }

    private func receiveKeys(_ request: Request) async throws -> Response {
        let keys: [SealedPatientKey]
        do { keys = try SyncAPI.keys(try await jsonBody(request)) } catch let error as SyncHTTPError { throw error } catch {
            throw SyncHTTPError(.badRequest, "\(error)")
        }
        do {
            let receipt = try await log.receiveKeys(keys)
            return Self.json(.ok, .object(["stored": .int(receipt.stored), "erased": .int(receipt.erased)]))
        } catch let refusal as EventLogError {
            throw SyncHTTPError(.unprocessableContent, refusal.description)
        } catch let refusal as EventProblem {
            throw SyncHTTPError(.unprocessableContent, refusal.description)
        }
    }

    private func ended(_ request: Request) async -> Response {
        // The disclosures were recorded as each response left (``recordDisclosure``): the end
        // of a sync is only its log line.
        if let tally = await ledger.end(syncID(request)) {
            SyncMetrics.syncEnded()
            logger.info("\(tally.line(syncID: syncID(request)))", metadata: [
                "peer": "\(tally.node)", "sync": "\(syncID(request))", "events.sent": "\(tally.served)",
                "events.received": "\(tally.received.values.reduce(0, +))",
            ])
        }
        return Response(status: .noContent)
    }

    func syncID(_ request: Request) -> String {
        String((request.headers[.myologSync] ?? "-").prefix(64))
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.canonicalString)))
    }
}
