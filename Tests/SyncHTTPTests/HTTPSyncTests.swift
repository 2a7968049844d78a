import AsyncHTTPClient
import EventLog
import Foundation
import GRDB
import Logging
import NIOCore
import NIOHTTP1
import SyncHTTP
import Testing
import MyologTestSupport
import EventModel
import EventSync

/// The real server, in-process on 127.0.0.1, and the real client.
@Suite("Sync over HTTP")
struct HTTPSyncTests {
    let scratch = TemporaryDirectory("http")
    var root: URL { scratch.url }

    func store(_ name: String) throws -> EventStore {
        try EventStore.create(at: root.appendingPathComponent(name), site: name)
    }

    func note(_ n: Int) -> NewEvent {
        NewEvent(type: "Note", schemaVersion: 1, patient: PatientID.make(), payload: ["n": .int(n)])
    }

    func all(_ store: EventStore) throws -> Set<String> {
        Set(try store.read { reader in try String.fetchAll(reader.database, sql: "SELECT id || hash FROM events") })
    }

    static let logger = Logger(label: "test")

    /// `a` and `b` trust each other.
    func trustEachOther(_ a: EventStore, _ b: EventStore) throws {
        try a.trustPeer(b.identity.nodeID, name: b.identity.site, author: "test")
        try b.trustPeer(a.identity.nodeID, name: a.identity.site, author: "test")
    }

    /// Syncs `local` with the server at `url` as `local`'s node, trusting what `local` trusts.
    func sync(_ local: EventStore, _ url: String, batchSize: Int = 1000) async throws -> LogExchange.Report {
        try await HTTPLogPeer.withConnection(to: url, as: NodeCertificate(identity: local.identity), trusting: local.accepts) { peer in try await LogExchange.sync(local, with: peer, batchSize: batchSize) }
    }

    @Test("two stores exchange what each lacks, in small batches; a second sync moves nothing")
    func exchange() async throws {
        let a = try store("a"), b = try store("b")
        try a.append((0..<25).map(note), author: "alex")
        try b.append((0..<7).map(note), author: "bo")
        try trustEachOther(a, b)
        let server = try SyncServer(store: b, logger: Self.logger)
        let (first, second) = try await server.whileRunning { url in
            (try await sync(a, url, batchSize: 4), try await sync(a, url, batchSize: 4))
        }
        #expect(first.received == [b.identity.nodeID: 8])
        #expect(first.sent == [a.identity.nodeID: 26])
        #expect(second.movedNothing)
        #expect(try all(a) == all(b))
        #expect(try a.read { try ChainCheck.run($0) }.totalEvents == 34)
    }

    @Test("bodies that are not the protocol, altered events and unknown paths get a JSON error and change nothing")
    func refusals() async throws {
        let a = try store("a"), b = try store("b")
        try a.append((0..<3).map(note), author: "alex")
        let events = try a.read { try $0.events(origin: a.identity.nodeID, after: 0, limit: 10) }
        let altered = { var event = events[2]; event.payload = #"{"n":99}"#; return event }()
        try trustEachOther(a, b)
        let before = try all(b)
        let server = try SyncServer(store: b, logger: Self.logger)
        try await server.whileRunning { url in try await HTTPClient.withNodeClient(presenting: a, trusting: server) { client in
            func send(_ method: HTTPMethod, _ path: String, _ body: [UInt8]? = nil) async throws -> (Int, JSONValue?) {
                var request = HTTPClientRequest(url: url + path)
                request.method = method
                if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
                let response = try await client.execute(request, timeout: HTTPClient.testDeadline)
                let bytes = try await response.body.collect(upTo: 1 << 20)
                return (Int(response.status.code), try? JSONParser.parse(Array(bytes.readableBytesView)))
            }
            let valid: [UInt8] = SyncAPI.encodeBatch(Array(events.prefix(2)))
            let withAltered: [UInt8] = valid + Array(altered.canonicalText.utf8) + [10]
            let cutShort: [UInt8] = Array(valid.dropLast())
            let tooLarge = [UInt8](repeating: UInt8(ascii: "x"), count: SyncAPI.maximumBodyBytes + 1)
            let origin = a.identity.nodeID.rawValue
            typealias Case = (method: HTTPMethod, path: String, body: [UInt8]?, status: Int)
            let cases: [Case] = [
                (.POST, "/v1/events", Array("hello".utf8), 400),
                (.POST, "/v1/events", Array("{\"id\":1}\n".utf8), 400),
                (.POST, "/v1/events", cutShort, 400),       // last line cut
                (.POST, "/v1/events", withAltered, 422),    // hash does not match
                (.POST, "/v1/events", tooLarge, 413),
                (.GET, "/v1/events?origin=nonsense&after=0&limit=5", nil, 400),
                (.GET, "/v1/events?origin=" + origin + "&after=-1&limit=5", nil, 400),
                (.GET, "/v1/events?origin=" + origin + "&after=0&limit=0", nil, 400),
                (.GET, "/v1/nothing", nil, 404),
                (.DELETE, "/v1/events", nil, 405),         // a documented path, another method
            ]
            for (method, path, body, status) in cases {
                let (got, json) = try await send(method, path, body)
                #expect(got == status, "\(method) \(path)")
                #expect(json?.objectValue?["message"]?.stringValue?.isEmpty == false, "\(method) \(path): error body is not {message}")
            }
            let (_, refusal) = try await send(.POST, "/v1/events", withAltered)
            #expect(refusal?.objectValue?["event"] == .string(altered.id.rawValue))
        } }
        #expect(try all(b) == before)
    }

    @Test("an untrusted node is refused as a client (at the TLS handshake) and as a server (before anything is sent); neither side receives anything")
    func untrustedNodes() async throws {
        let a = try store("a"), b = try store("b")
        try a.append((0..<3).map(note), author: "alex")
        try b.append((0..<2).map(note), author: "bo")
        let (beforeA, beforeB) = (try all(a), try all(b))
        let server = try SyncServer(store: b, logger: Self.logger)
        try await server.whileRunning { url in
            // Neither trusts the other: the client refuses the server it does not trust.
            let untrusted = await #expect(throws: SyncPeerError.self) { try await sync(a, url) }
            #expect(untrusted?.code == .untrustedServer, "\(untrusted?.message ?? "no error")")
            // The client trusts the server, but the server does not trust the client: the
            // handshake fails and the request never reaches a handler.
            try a.trustPeer(b.identity.nodeID, name: "b", author: "test")
            let error = await #expect(throws: SyncPeerError.self) { try await sync(a, url) }
            #expect(error?.code == .tlsFailed, "\(error?.message ?? "no error")")
            // A raw client with a valid certificate of an untrusted node gets no answer either.
            try await HTTPClient.withNodeClient(presenting: a, trusting: server) { client in
                await #expect(throws: (any Error).self) { try await client.execute(HTTPClientRequest(url: url + SyncAPI.summaryPath), timeout: HTTPClient.testDeadline) }
            }
        }
        #expect(try all(a) == beforeA)
        #expect(try all(b) == beforeB)
    }

    @Test("plain HTTP to the TLS listener gets no record data, and the client refuses http:// with the reason")
    func plainHTTP() async throws {
        let a = try store("a"), b = try store("b")
        try trustEachOther(a, b)
        try b.append((0..<2).map(note), author: "bo")
        let server = try SyncServer(store: b, logger: Self.logger)
        try await server.whileRunning { url in
            let plain = url.replacingOccurrences(of: "https://", with: "http://")
            let answer: String
            do {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: plain + SyncAPI.summaryPath), timeout: HTTPClient.testDeadline)
                answer = String(buffer: try await response.body.collect(upTo: 1 << 20))
            } catch {
                answer = "\(error)"
            }
            #expect(!answer.contains("heads") && !answer.contains(b.identity.nodeID.rawValue), "plain HTTP was answered: \(answer)")
            let refusal = await #expect(throws: PeerAddressError.self) { try await sync(a, plain) }
            #expect(refusal?.code == .plainHTTP)
            #expect(refusal?.description.contains("plain HTTP carries no record data") == true)
        }
        #expect(try all(a).count == 1, "a holds only its own enrolment")
    }

    @Test("a peer removed while connected is refused from its next request; its stored events stay, later ones are refused")
    func removedPeer() async throws {
        let a = try store("a"), b = try store("b")
        try trustEachOther(a, b)
        try a.append((0..<3).map(note), author: "alex")
        let server = try SyncServer(store: b, logger: Self.logger)
        try await server.whileRunning { url in try await HTTPClient.withNodeClient(presenting: a, trusting: server) { client in
            _ = try await sync(a, url)
            let summary = try await client.execute(HTTPClientRequest(url: url + SyncAPI.summaryPath), timeout: HTTPClient.testDeadline)
            #expect(summary.status == .ok)
            _ = try await summary.body.collect(upTo: 1 << 20)
            try b.write { try $0.distrustPeer(a.identity.nodeID, author: "test") }
            // Same client, likely the same kept-alive connection: refused now.
            let again = try await client.execute(HTTPClientRequest(url: url + SyncAPI.summaryPath), timeout: HTTPClient.testDeadline)
            #expect(again.status == .forbidden)
            _ = try await again.body.collect(upTo: 1 << 20)
            try a.append([note(9)], author: "alex")
            await #expect(throws: SyncPeerError.self) { try await sync(a, url) }
        } }
        #expect(try b.read { try $0.clock() }[a.identity.nodeID] == 4, "a's events stored before its removal stay")
        // Relayed by a third, trusted store, a's later event is refused by b all the same.
        let c = try store("c")
        try trustEachOther(a, c)
        try trustEachOther(b, c)
        _ = try await LogExchange.sync(c, with: a)
        let relay = try await LogExchange.sync(c, with: b)
        #expect(relay.originRemoved == [a.identity.nodeID: 1])
        #expect(try b.read { try $0.clock() }[a.identity.nodeID] == 4)
    }

    @Test("requests beyond a peer's rate are answered 429 with a JSON message")
    func rateLimit() async throws {
        let a = try store("a"), b = try store("b")
        try trustEachOther(a, b)
        let server = try SyncServer(store: b, logger: Self.logger, rateLimit: PeerRateLimit(burst: 3, perSecond: 0.000_001))
        let statuses = try await server.whileRunning { url in try await HTTPClient.withNodeClient(presenting: a, trusting: server) { client in
            var statuses: [UInt] = []
            for _ in 0..<5 {
                let response = try await client.execute(HTTPClientRequest(url: url + SyncAPI.summaryPath), timeout: HTTPClient.testDeadline)
                let body = try await response.body.collect(upTo: 1 << 20)
                if response.status == .tooManyRequests {
                    #expect((try? JSONParser.parse(Array(body.readableBytesView)))?.objectValue?["message"] != nil)
                }
                statuses.append(response.status.code)
            }
            return statuses
        } }
        #expect(statuses == [200, 200, 200, 429, 429])
    }
}
