@testable import ChainHub
import EventLog
import Foundation
import MyologTestSupport
import Testing

/// The receive rules are written once (``ReceiveLedger``); this runs the same offers against a
/// SQLite store and a PostgreSQL hub and asks for the same outcome, refusal text included.
@Suite("Tampered, forked, untrusted and gapped events: a hub handles them exactly as a SQLite store", .serialized)
struct HubParityTests {
    let scratch = TemporaryDirectory("parity")

    /// What a receiver did with an offer: its summary, or its refusal.
    enum Outcome: Equatable, CustomStringConvertible {
        case summary(String), refused(String)
        var description: String { switch self { case .summary(let s): "summary \(s)"; case .refused(let r): "refused: \(r)" } }
    }

    /// An offer: what the receiver already holds of the source (its first `holding` commits,
    /// each ending on a signed event), whether it trusts the source, and the batch offered
    /// (made from the source's events and how many of them the receiver holds).
    struct Case: Sendable {
        var name: String
        var holding = 0
        var trusted = true
        var offer: @Sendable ([EventEnvelope], Int) -> [EventEnvelope]
        /// A second batch, offered after the first (its receipt compared too).
        var then: (@Sendable ([EventEnvelope], Int) -> [EventEnvelope])? = nil
    }

    static func rehashed(_ event: EventEnvelope, _ change: (inout EventEnvelope) -> Void) -> EventEnvelope {
        var altered = event
        change(&altered)
        altered.hash = altered.computedHash
        return altered
    }

    static let cases: [Case] = [
        Case(name: "intact", offer: { events, _ in events }),
        Case(name: "tampered payload, hash kept", offer: { events, _ in
            var all = events
            all[3].payload = all[3].payload.replacingOccurrences(of: "\"", with: " \"", options: [], range: all[3].payload.range(of: "\""))
            return all
        }),
        Case(name: "tampered author, rehashed (the signature no longer covers it)", offer: { events, _ in
            var all = events
            all[events.count - 1] = rehashed(all[events.count - 1]) { $0.author = "mallory" }
            return all
        }),
        Case(name: "forked: another validly hashed event at a place already held", holding: 2, offer: { events, held in
            [rehashed(events[held - 1]) { $0.author = "other" }]
        }),
        Case(name: "gapped: events ahead of a gap are held back", holding: 1, offer: { events, held in Array(events[(held + 2)...]) }),
        Case(name: "gap filled: held events are released in order", holding: 1, offer: { events, held in Array(events[(held + 2)...]) + Array(events[held..<(held + 2)]) }),
        // The held-back events wait in the log (not in the batch): the later batch releases them.
        Case(name: "gap filled by a later batch: events held in the log are released", holding: 1,
             offer: { events, held in Array(events[(held + 2)...]) }, then: { events, held in Array(events[held..<(held + 2)]) }),
        Case(name: "untrusted origin: events wait", trusted: false, offer: { events, _ in events }),
        Case(name: "unsigned tail: refused", offer: { events, _ in
            let lastSigned = events.lastIndex { $0.signature != nil }!
            return Array(events[..<lastSigned]) + [{ var e = events[lastSigned]; e.signature = nil; return e }()]
        }),
        Case(name: "duplicates", holding: 2, offer: { events, held in Array(events[..<held]) }),
    ]

    func outcome(_ body: () async throws -> ReceiveSummary) async -> Outcome {
        do {
            var summary = try await body()
            summary.quarantined.sort()
            return .summary(summary.json.canonicalString)
        } catch let refusal as ReplicationRefusal {
            return .refused(refusal.description)
        } catch {
            return .refused("unexpected: \(error)")
        }
    }

    @Test("each offer: the same receipt (or the same refusal) from both engines, and verify clean on both after")
    func parity() async throws {
        let cluster = try PostgresCluster()
        let source = scratch.path("source")
        let made = try MyologProcess.run(["demo", "tour", "--store", source])
        #expect(made.status == 0, "\(made.stderr)")
        let sourceStore = try EventStore.open(at: URL(fileURLWithPath: source))
        let origin = sourceStore.identity.nodeID
        let events = try sourceStore.read { try $0.events(origin: origin, after: 0, limit: 10_000) }
        #expect(events.count > 10)
        for (index, parityCase) in Self.cases.enumerated() {
            // A SQLite receiver.
            let sqlite = try EventStore.create(at: scratch.url("sqlite-\(index)"), site: "Receiver", author: "test")
            // A hub receiver: its own store directory, its own database.
            try cluster.psql("CREATE DATABASE case\(index)")
            let hubStore = try EventStore.create(at: scratch.url("hub-\(index)"), site: "Hub", author: "test")
            let server = try HubServer.resolve(url: cluster.url(database: "case\(index)"), environment: [:])
            let hub = try await Hub.initialise(store: hubStore, server: server)
            if parityCase.trusted {
                try sqlite.trustPeer(origin, name: "source", author: "test")
                try hubStore.trustPeer(origin, name: "source", author: "test")
            }
            var held = 0
            if parityCase.holding > 0 {
                held = events.indices.filter { events[$0].signature != nil }[parityCase.holding - 1] + 1
                _ = try sqlite.receiveBatch(Array(events[..<held]))
                _ = try await hub.receive(Array(events[..<held]))
            }
            let batch = parityCase.offer(events, held)
            let atSQLite = await outcome { try sqlite.receiveBatch(batch) }
            let atHub = await outcome { try await hub.receive(batch) }
            #expect(atSQLite == atHub, "\(parityCase.name): SQLite \(atSQLite) — hub \(atHub)")
            if let then = parityCase.then {
                let later = then(events, held)
                let (laterAtSQLite, laterAtHub) = (await outcome { try sqlite.receiveBatch(later) }, await outcome { try await hub.receive(later) })
                #expect(laterAtSQLite == laterAtHub, "\(parityCase.name), later batch: SQLite \(laterAtSQLite) — hub \(laterAtHub)")
                #expect(laterAtHub.description.contains("\"stored\""), "\(laterAtHub)")
            }
            if case .summary = atSQLite {} else if parityCase.name == "intact" { Issue.record("intact batch refused: \(atSQLite)") }
            // Whatever was offered, both logs still verify.
            _ = try sqlite.read { try ChainCheck.run($0) }
            _ = try await hub.verify()
            await hub.close()
        }
    }
}

/// The version gate, without an old server to hand: PostgreSQL 14 and older refused, 15 on taken.
@Suite("Hub: the oldest supported PostgreSQL")
struct HubVersionGateTests {
    @Test("server_version_num below 150000 refused, with a readable version in the one-line error")
    func gate() {
        #expect(!HubSchemaGate.supports(140013) && !HubSchemaGate.supports(90624))
        #expect(HubSchemaGate.supports(150000) && HubSchemaGate.supports(150018) && HubSchemaGate.supports(170002))
        let error = HubError.serverTooOld(server: "postgres://myolog@db:5432/hub", version: HubSchemaGate.versionName("140013"), minimum: HubSchemaGate.versionName("150000"))
        #expect(error.description == "hub: PostgreSQL at postgres://myolog@db:5432/hub is version 14.13; the hub needs 15.0 or later")
        #expect(HubSchemaGate.versionName("90624") == "9.6")
    }
}

/// The internal gate, named for the test.
enum HubSchemaGate {
    static func supports(_ number: Int) -> Bool { HubSchema.supports(versionNumber: number) }
    static func versionName(_ number: String) -> String { Hub.versionName(number) }
}
