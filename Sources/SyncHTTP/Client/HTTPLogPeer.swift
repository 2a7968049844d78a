import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import EventModel
import EventCrypto
import EventSync

/// A store across the network, reached through its ``SyncServer`` over mutual TLS: the HTTPS
/// carrier of the sync protocol. Every request is bounded, so a sync of any size runs in flat memory.
///
/// ``connect(to:as:trusting:)`` pins the server: a first TLS handshake learns the node key the
/// server presents and refuses unless this store trusts that node; the client then accepts only
/// that very certificate (its only trust root), and presents this node's own certificate, which
/// the server admits only if it trusts this node. Nothing is sent before both hold.
public struct HTTPLogPeer: LogPeer {
    /// The server's base URL, without a trailing slash (`https://host:port`).
    public let baseURL: String
    /// The server's node, as its TLS certificate proves.
    public let node: NodeID
    /// Names this sync's requests in the server's log.
    public let syncID: String
    let requester: NodeID
    let client: HTTPClient
    let timeout: TimeAmount

    /// The longest wait for the next bytes of a response.
    public static let readTimeout = TimeAmount.seconds(30)

    /// Connects to the server at `url` (`https://HOST:PORT`) as `certificate`'s node, if
    /// `trusting` accepts the node the server proves to be. Every request must complete within
    /// `timeout`. Call ``shutdown()`` when done.
    public static func connect(
        to url: String, as certificate: NodeCertificate, trusting: @Sendable (NodeID) throws -> Bool, timeout: TimeAmount = .seconds(120)
    ) async throws -> HTTPLogPeer {
        let (host, port, baseURL) = try address(url)
        let presented = try await TLSProbe.serverCertificate(host: host, port: port, configuration: certificate.configuration(server: false))
        guard let server = NodeCertificate.node(of: presented) else {
            throw SyncPeerError(.notANode, url: baseURL, status: nil, message: "the server's TLS certificate does not carry an Ed25519 node key: not a Myolog node")
        }
        guard try trusting(server) else {
            throw SyncPeerError(.untrustedServer, url: baseURL, status: nil, message: "the server is node \(server), which this store does not trust; nothing was sent",
                                 remedy: .trust(node: server, store: nil))
        }
        var tls = certificate.configuration(server: false)
        tls.trustRoots = .certificates([presented])
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        // A refused connection fails the sync at once (it resumes next time) instead of being
        // retried with backoff until the deadline; a peer that never answers fails after 10 s.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = TLSProbe.handshakeTimeout
        // A server that stops answering mid-response (frozen, or a stalled network) fails the
        // request after this long without a byte, instead of holding the sync open.
        configuration.timeout.read = readTimeout
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        return HTTPLogPeer(baseURL: baseURL, node: server, syncID: UUID().uuidString.lowercased(), requester: certificate.node, client: client, timeout: timeout)
    }

    /// Connects (``connect(to:as:trusting:timeout:)``), runs `body` with the peer, tells the
    /// server the sync ended (so it logs it), and closes the connections — also when `body` throws.
    public static func withConnection<T: Sendable>(
        to url: String, as certificate: NodeCertificate, trusting: @Sendable (NodeID) throws -> Bool, _ body: (HTTPLogPeer) async throws -> T
    ) async throws -> T {
        let peer = try await connect(to: url, as: certificate, trusting: trusting)
        do {
            let result = try await body(peer)
            await peer.end()
            try await peer.shutdown()
            return result
        } catch {
            // A peer that could not be reached (no HTTP status) has nothing to be told.
            let unreachable = (error as? SyncPeerError).map { $0.status == nil } ?? false
            if !unreachable { await peer.end() }
            try? await peer.shutdown()
            throw error
        }
    }

    /// Host, port and base URL of an `https://HOST:PORT` address; plain `http://` is refused
    /// with the reason, because record data never travels unencrypted.
    static func address(_ url: String) throws(PeerAddressError) -> (host: String, port: Int, baseURL: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty,
            components.path.isEmpty || components.path == "/", components.query == nil
        else { throw PeerAddressError(code: .notAnAddress, address: url, reason: nil) }
        guard scheme == "https" else {
            throw PeerAddressError(code: scheme == "http" ? .plainHTTP : .unsupportedScheme, address: url, reason: scheme == "http"
                ? "plain HTTP carries no record data: a Myolog server speaks HTTPS with mutual TLS only; use https://\(host)\(components.port.map { ":\($0)" } ?? "")"
                : nil)
        }
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        return (host, components.port ?? 443, base)
    }

    /// Closes the client's connections.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    public func summary() async throws -> PeerSummary {
        let body = try await send(.GET, SyncAPI.summaryPath)
        let summary: PeerSummary
        do {
            summary = try PeerSummary(json: JSONParser.parse(body))
        } catch {
            throw SyncPeerError(.malformedAnswer, url: baseURL + SyncAPI.summaryPath, status: 200, message: "the answer is not a sync summary: \(error)")
        }
        guard summary.node == node else {
            throw SyncPeerError(.nodeMismatch, url: baseURL + SyncAPI.summaryPath, status: 200, message: "the summary names node \(summary.node), but the TLS certificate is node \(node)'s")
        }
        return summary
    }

    public func events(origin: NodeID, after sequence: Int, limit: Int) async throws -> [EventEnvelope] {
        let path = "\(SyncAPI.eventsPath)?origin=\(origin.rawValue)&after=\(sequence)&limit=\(min(limit, SyncAPI.maximumBatch))"
        let body = try await send(.GET, path)
        do {
            // Whether the page is exactly what was asked is the protocol's check (LogExchange),
            // the same for every carrier.
            return try SyncAPI.decodeBatch(body, what: "response body")
        } catch {
            throw SyncPeerError(.malformedAnswer, url: baseURL + path, status: 200, message: "\(error)")
        }
    }

    public func receive(_ batch: [EventEnvelope]) async throws -> ReceiveSummary {
        let body = try await send(.POST, SyncAPI.eventsPath, body: SyncAPI.encodeBatch(batch), contentType: SyncAPI.batchMediaType)
        do {
            return try ReceiveSummary(json: JSONParser.parse(body))
        } catch {
            throw SyncPeerError(.malformedAnswer, url: baseURL + SyncAPI.eventsPath, status: 200, message: "the answer is not a receipt: \(error)")
        }
    }

    public func patientsWithoutKeys() async throws -> [PatientID] {
        let body = try await send(.GET, SyncAPI.missingKeysPath)
        guard let json = try? JSONParser.parse(body), let patients = SyncAPI.patients(json) else {
            throw SyncPeerError(.malformedAnswer, url: baseURL + SyncAPI.missingKeysPath, status: 200, message: "the answer is not {\"patients\": […]}")
        }
        return patients
    }

    public func keys(for patients: [PatientID], to recipient: NodeID) async throws -> [SealedPatientKey] {
        guard !patients.isEmpty else { return [] }
        // The server seals to the node this connection's certificate proves, which is `recipient`.
        let body = try await send(.POST, SyncAPI.keyRequestPath, body: Array(SyncAPI.patientsJSON(patients).canonicalString.utf8), contentType: "application/json")
        do {
            return try SyncAPI.keys(JSONParser.parse(body))
        } catch {
            throw SyncPeerError(.malformedAnswer, url: baseURL + SyncAPI.keyRequestPath, status: 200, message: "the answer is not {\"keys\": […]}: \(error)")
        }
    }

    public func receiveKeys(_ keys: [SealedPatientKey]) async throws -> KeyReceipt {
        let body = try await send(.POST, SyncAPI.keysPath, body: Array(SyncAPI.keysJSON(keys).canonicalString.utf8), contentType: "application/json")
        guard case .object(let m)? = try? JSONParser.parse(body), case .int(let stored)? = m["stored"], case .int(let erased)? = m["erased"] else {
            throw SyncPeerError(.malformedAnswer, url: baseURL + SyncAPI.keysPath, status: 200, message: "the answer is not a key receipt")
        }
        var receipt = KeyReceipt()
        (receipt.stored, receipt.erased) = (stored, erased)
        return receipt
    }

    /// Tells the server this sync is over, so it logs it. Best effort: the sync itself is done.
    public func end() async {
        _ = try? await send(.POST, SyncAPI.syncEndedPath, timeout: .seconds(5))
    }

    private func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String? = nil, timeout: TimeAmount? = nil) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: SyncAPI.syncHeader, value: syncID)
        request.headers.add(name: SyncAPI.nodeHeader, value: requester.rawValue)
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.add(name: "Content-Type", value: contentType ?? "application/octet-stream")
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout ?? self.timeout)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw SyncPeerError(.timedOut, url: baseURL + path, status: nil, message: "timed out: \(error == .deadlineExceeded ? "no answer within \((timeout ?? self.timeout).nanoseconds / 1_000_000_000) s" : "no bytes for \(Self.readTimeout.nanoseconds / 1_000_000_000) s") (is the server stopped or overloaded?)")
        } catch {
            // The probe reached this server a moment ago, so a failure here is the TLS session:
            // in TLS 1.3 a server that refuses this node's certificate closes the connection
            // only after the client's side of the handshake is done.
            throw SyncPeerError(.tlsFailed, url: baseURL + path, status: nil, message: "the TLS connection failed or was closed (\(error)): does the server trust this node?",
                                 remedy: .askPeerToTrust(node: requester))
        }
        let bytes: [UInt8]
        do {
            bytes = Array(try await response.body.collect(upTo: SyncAPI.maximumBodyBytes).readableBytesView)
        } catch let error as HTTPClientError where error == .readTimeout || error == .deadlineExceeded {
            throw SyncPeerError(.timedOut, url: baseURL + path, status: Int(response.status.code), message: "timed out reading the answer: no bytes for \(Self.readTimeout.nanoseconds / 1_000_000_000) s")
        }
        guard (200..<300).contains(response.status.code) else {
            // The API's errors are {"message": …}; a refusal of a batch names the event.
            let object = (try? JSONParser.parse(bytes))?.objectValue
            if response.status.code == 422, let object, case .string(let id)? = object["event"], case .string(let origin)? = object["origin"],
                case .int(let sequence)? = object["sequence"], case .string(let reason)? = object["reason"] {
                throw EventProblem(.refusedByPeer, eventID: id, origin: origin, sequence: sequence, reason: "refused by the peer: \(reason)")
            }
            let message = object?["message"]?.stringValue ?? "HTTP \(response.status.code) without the API's JSON error body"
            throw SyncPeerError(.refused, url: baseURL + path, status: Int(response.status.code), message: message)
        }
        return bytes
    }
}
