import AsyncHTTPClient
import EventLog
import Foundation
import NIOCore
import NIOHTTP1

/// A store across the network, reached through its ``SyncServer``: the HTTP carrier of the
/// sync protocol. Every request is bounded, so a sync of any size runs in flat memory.
public struct HTTPLogPeer: LogPeer {
    /// The server's base URL, without a trailing slash (`http://host:port`).
    public let baseURL: String
    /// Names this sync's requests in the server's log.
    public let syncID: String
    let requester: NodeID
    let client: HTTPClient
    let timeout: TimeAmount

    /// An HTTP client configured for sync: a peer that refuses the connection fails the sync at
    /// once (it resumes next time) instead of being retried with backoff until the deadline,
    /// and a peer that never answers the connection fails it after 10 s. Shut it down after use.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// A peer at `url` (`http://HOST:PORT`), asked on behalf of node `requester`; every request
    /// must complete within `timeout`.
    public init(url: String, requester: NodeID, client: HTTPClient = .shared, timeout: TimeAmount = .seconds(120)) throws(PeerAddressError) {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host, !host.isEmpty,
            components.path.isEmpty || components.path == "/", components.query == nil
        else { throw PeerAddressError(address: url) }
        self.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.syncID = UUID().uuidString.lowercased()
        self.requester = requester
        self.client = client
        self.timeout = timeout
    }

    public func summary() async throws -> PeerSummary {
        let body = try await send(.GET, SyncAPI.summaryPath)
        do {
            return try PeerSummary(json: JSONParser.parse(body))
        } catch {
            throw SyncPeerError(url: baseURL + SyncAPI.summaryPath, status: 200, message: "the answer is not a sync summary: \(error)")
        }
    }

    public func events(origin: NodeID, after sequence: Int, limit: Int) async throws -> [EventEnvelope] {
        let path = "\(SyncAPI.eventsPath)?origin=\(origin.rawValue)&after=\(sequence)&limit=\(min(limit, SyncAPI.maximumBatch))"
        let body = try await send(.GET, path)
        do {
            let batch = try SyncAPI.decodeBatch(body, what: "response body")
            // The peer must answer exactly what was asked: a different origin or an out-of-order
            // sequence is a broken or hostile server, not data.
            for (offset, event) in batch.enumerated() where event.origin != origin || event.sequence != sequence + 1 + offset {
                throw BatchDecodingError(message: "response body line \(offset + 1): expected origin \(origin) sequence \(sequence + 1 + offset), got origin \(event.origin) sequence \(event.sequence)")
            }
            return batch
        } catch {
            throw SyncPeerError(url: baseURL + path, status: 200, message: "\(error)")
        }
    }

    public func receive(_ batch: [EventEnvelope]) async throws -> ReceiveSummary {
        let body = try await send(.POST, SyncAPI.eventsPath, body: SyncAPI.encodeBatch(batch), contentType: SyncAPI.batchMediaType)
        do {
            return try ReceiveSummary(json: JSONParser.parse(body))
        } catch {
            throw SyncPeerError(url: baseURL + SyncAPI.eventsPath, status: 200, message: "the answer is not a receipt: \(error)")
        }
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
        } catch {
            throw SyncPeerError(url: baseURL + path, status: nil, message: "cannot reach the peer: \(error)")
        }
        let bytes = Array(try await response.body.collect(upTo: SyncAPI.maximumBodyBytes).readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            // The API's errors are {"message": …}; a refusal of a batch names the event.
            let object = (try? JSONParser.parse(bytes))?.objectValue
            if response.status.code == 422, let object, case .string(let id)? = object["event"], case .string(let origin)? = object["origin"],
                case .int(let sequence)? = object["sequence"], case .string(let reason)? = object["reason"] {
                throw ReplicationRefusal(eventID: id, origin: origin, sequence: sequence, reason: "refused by the peer: \(reason)")
            }
            let message = object?["message"]?.stringValue ?? "HTTP \(response.status.code) without the API's JSON error body"
            throw SyncPeerError(url: baseURL + path, status: Int(response.status.code), message: message)
        }
        return bytes
    }
}

/// The peer answered with an error, or not at all, or with something that is not the protocol.
public struct SyncPeerError: Error, CustomStringConvertible, Sendable {
    public var url: String
    public var status: Int?
    public var message: String
    public var description: String {
        "peer \(url)" + (status.map { " answered HTTP \($0)" } ?? "") + ": \(message)"
    }
}

/// A peer address that is not `http://HOST:PORT`.
public struct PeerAddressError: Error, CustomStringConvertible, Sendable {
    public var address: String
    public var description: String { "peer: \(address) is not accepted; accepted: a store directory or http://HOST:PORT" }
}
