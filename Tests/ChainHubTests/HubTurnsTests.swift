@testable import ChainHub
import ClinicalLog
import EventLog
import Foundation
import MyologTestSupport
import Testing
import EventModel
import EventCrypto
import EventSync

/// The event id table and the writers' turns (migration v6): batches of different sites run at
/// once, a reused id is refused whether the batch holding it committed before or is still
/// running, and a hub made before v6 migrates with its log.
@Suite("Hub: event ids and writers' turns (v6)", .serialized)
struct HubTurnsTests {
    let scratch = TemporaryDirectory("hub-turns")

    /// A hub's cluster, store directory and server.
    func hub() throws -> (PostgresCluster, EventStore, HubServer) {
        let cluster = try PostgresCluster()
        let store = try EventStore.create(at: scratch.url("hub"), site: "Hub", author: "test")
        return (cluster, store, try HubServer.resolve(url: cluster.url(), environment: [:]))
    }

    /// A demo clinic's store and its events; the hub's store trusts it.
    func source(_ name: String, trustedBy hubStore: EventStore) throws -> (EventStore, [EventEnvelope]) {
        let store = try EventStore.create(at: scratch.url(name), site: name, author: "demo@myolog")
        try hubStore.trustPeer(store.identity.nodeID, name: name, author: "test")
        _ = try DemoClinic.populate(ClinicalRecord(store: store))
        let events = try store.read { try $0.events(origin: store.identity.nodeID, after: 0, limit: 10_000) }
        return (store, events)
    }

    /// `source`'s first two commits, the last event given `id` (rehashed, and signed again by
    /// `source`, as a site reusing an id would sign it).
    func reusing(_ id: EventID, in events: [EventEnvelope], signedBy source: NodeIdentity) throws -> [EventEnvelope] {
        let secondSigned = events.indices.filter { events[$0].signature != nil }[1]
        var batch = Array(events[...secondSigned])
        var last = batch[secondSigned]
        last.id = id
        last.hash = last.computedHash
        let bytes = try source.signature(for: Data("myolog chain head v1\n\(last.hash.rawValue)".utf8))
        last.signature = try #require(ChainSignature(bytes.map { String(format: "%02x", $0) }.joined()))
        batch[secondSigned] = last
        return batch
    }

    func refusal(_ body: () async throws -> ReceiveSummary) async -> EventProblem? {
        do { _ = try await body(); return nil } catch let problem as EventProblem { return problem } catch { Issue.record("unexpected: \(error)"); return nil }
    }

    @Test("a v5 hub holding a log opens migrated: event_ids names every stored event, events_by_id is gone, hub verify passes, and an id it held is refused to another origin")
    func migratesFromV5() async throws {
        let (cluster, hubStore, server) = try hub()
        let ((_, fitzroyEvents), (carlton, carltonEvents)) = (try source("Fitzroy", trustedBy: hubStore), try source("Carlton", trustedBy: hubStore))
        let hub = try await Hub.initialise(store: hubStore, server: server)
        _ = try await hub.receive(fitzroyEvents)
        await hub.close()
        // Back to the schema v5 left: v6's tables gone, the id index as v1 made it.
        try cluster.psql("""
            DROP TABLE myolog.event_ids; DROP TABLE myolog.origin_turns; DROP TABLE myolog.patient_turns;
            CREATE INDEX events_by_id ON myolog.events (id);
            DELETE FROM myolog.migrations WHERE name = '\(HubSchema.eventIDs)'
            """)
        let stored = try cluster.psql("SELECT count(*) FROM myolog.events")
        #expect(Int(stored) ?? 0 > fitzroyEvents.count)
        let reopened = try await Hub.open(store: hubStore, server: server)
        #expect(try cluster.psql("SELECT string_agg(name, ',' ORDER BY name) FROM myolog.migrations") == HubSchema.migrations.map(\.name).sorted().joined(separator: ","))
        #expect(try cluster.psql("SELECT count(*) FROM myolog.event_ids") == stored)
        #expect(try cluster.psql("SELECT count(*) FROM pg_indexes WHERE schemaname = 'myolog' AND indexname = 'events_by_id'") == "0")
        _ = try await reopened.verify()
        // An id the migrated table holds, reused by another origin: refused as the rules word it.
        let batch = try reusing(fitzroyEvents[5].id, in: carltonEvents, signedBy: carlton.identity)
        let problem = await refusal { try await reopened.receive(batch) }
        #expect(problem?.code == .duplicateID && problem?.eventID == fitzroyEvents[5].id.rawValue, "\(String(describing: problem))")
        // The table is append-only, as the log.
        #expect(throws: (any Error).self) { try cluster.psql("DELETE FROM myolog.event_ids") }
        _ = try await reopened.verify()
        await reopened.close()
    }

    @Test("a batch waiting for its origin's turn does not stop another site's batch: it stores at once, the first when the turn comes; hub verify passes")
    func sitesLoadAtOnce() async throws {
        let (cluster, hubStore, server) = try hub()
        let ((fitzroy, fitzroyEvents), (carlton, carltonEvents)) = (try source("Fitzroy", trustedBy: hubStore), try source("Carlton", trustedBy: hubStore))
        let first = try await Hub.initialise(store: hubStore, server: server)
        let second = try await Hub.open(store: hubStore, server: server)
        // Another writer holds Fitzroy's turn.
        let holder = try await server.connect(logger: Hub.quietLogger())
        let origin = fitzroy.identity.nodeID.rawValue
        try await holder.queryOrClosed("INSERT INTO myolog.origin_turns VALUES (\(origin)) ON CONFLICT DO NOTHING", logger: Hub.quietLogger())
        try await holder.queryOrClosed("BEGIN", logger: Hub.quietLogger())
        for try await _ in try await holder.queryOrClosed("SELECT origin FROM myolog.origin_turns WHERE origin = \(origin) FOR UPDATE", logger: Hub.quietLogger()) {}
        let waiting = Task { try await first.receive(fitzroyEvents) }
        var waits = "0"
        for _ in 0..<100 where waits == "0" {
            try await Task.sleep(for: .milliseconds(100))
            waits = try cluster.psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%origin_turns%'")
        }
        #expect(waits == "1")
        let carltonSummary = try await second.receive(carltonEvents)
        #expect(carltonSummary.stored[carlton.identity.nodeID] == carltonEvents.count)
        try await holder.queryOrClosed("COMMIT", logger: Hub.quietLogger())
        let fitzroySummary = try await waiting.value
        #expect(fitzroySummary.stored[fitzroy.identity.nodeID] == fitzroyEvents.count)
        try? await holder.close()
        await second.close()
        _ = try await first.verify()
        await first.close()
    }

    @Test("an id another batch is storing at the same moment (not yet committed when this one loaded): the primary key refuses it, in the rules' words, and nothing of the batch is stored")
    func idReusedByARunningBatch() async throws {
        let (cluster, hubStore, server) = try hub()
        let (carlton, carltonEvents) = try source("Carlton", trustedBy: hubStore)
        let hub = try await Hub.initialise(store: hubStore, server: server)
        let id = EventID.make()
        let batch = try reusing(id, in: carltonEvents, signedBy: carlton.identity)
        // Another batch, still running, has written that id's row.
        let holder = try await server.connect(logger: Hub.quietLogger())
        try await holder.queryOrClosed("BEGIN", logger: Hub.quietLogger())
        try await holder.queryOrClosed("INSERT INTO myolog.event_ids VALUES (\(id.rawValue), 'elsewhere', 1)", logger: Hub.quietLogger())
        let offered = Task { await refusal { try await hub.receive(batch) } }
        var waits = "0"
        for _ in 0..<100 where waits == "0" {
            try await Task.sleep(for: .milliseconds(100))
            waits = try cluster.psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        }
        #expect(waits == "1")
        try await holder.queryOrClosed("COMMIT", logger: Hub.quietLogger())
        let problem = await offered.value
        #expect(problem?.code == .duplicateID && problem?.eventID == id.rawValue, "\(String(describing: problem))")
        #expect(problem?.description.contains("another event with this id is already stored") == true)
        #expect(try cluster.psql("SELECT count(*) FROM myolog.events WHERE origin = '\(carlton.identity.nodeID.rawValue)'") == "0")
        try? await holder.close()
        await hub.close()
    }
}
