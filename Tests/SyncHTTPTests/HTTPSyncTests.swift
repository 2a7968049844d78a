import AsyncHTTPClient
import EventLog
import Foundation
import GRDB
import Logging
import NIOCore
import NIOHTTP1
import SyncHTTP
import Testing

/// The real server, in-process on 127.0.0.1, and the real client.
@Suite("Sync over HTTP")
struct HTTPSyncTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("myolog-http-\(UUID().uuidString)")

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

    @Test("two stores exchange what each lacks, in small batches; a second sync moves nothing")
    func exchange() async throws {
        let a = try store("a"), b = try store("b")
        try a.append((0..<25).map(note), author: "alex")
        try b.append((0..<7).map(note), author: "bo")
        let server = SyncServer(store: b, logger: Self.logger)
        let (first, second) = try await server.whileRunning { url in
            let peer = try HTTPLogPeer(url: url, requester: a.identity.nodeID)
            let first = try await LogExchange.sync(a, with: peer, batchSize: 4)
            let second = try await LogExchange.sync(a, with: peer, batchSize: 4)
            return (first, second)
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
        let before = try all(b)
        let server = SyncServer(store: b, logger: Self.logger)
        try await server.whileRunning { url in
            func send(_ method: HTTPMethod, _ path: String, _ body: [UInt8]? = nil) async throws -> (Int, JSONValue?) {
                var request = HTTPClientRequest(url: url + path)
                request.method = method
                if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
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
                (.DELETE, "/v1/events", nil, 404),         // no such route
            ]
            for (method, path, body, status) in cases {
                let (got, json) = try await send(method, path, body)
                #expect(got == status, "\(method) \(path)")
                #expect(json?.objectValue?["message"]?.stringValue?.isEmpty == false, "\(method) \(path): error body is not {message}")
            }
            let (_, refusal) = try await send(.POST, "/v1/events", withAltered)
            #expect(refusal?.objectValue?["event"] == .string(altered.id.rawValue))
        }
        #expect(try all(b) == before)
    }
}
