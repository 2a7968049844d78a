@testable import EventLog
@testable import EventModel
@testable import EventSync
import Foundation
import GRDB
import Testing
import MyologTestSupport

@Suite("Trust: signatures and the trust list")
struct TrustTests {
    let directory = TemporaryDirectory()

    func note(_ n: Int) -> NewEvent {
        NewEvent(type: "Note", schemaVersion: 1, patient: PatientID.make(), payload: ["n": .int(n)])
    }

    func store(_ name: String) throws -> EventStore {
        try EventStore.create(at: directory.url(name), site: name)
    }

    func log(_ store: EventStore) throws -> [EventEnvelope] {
        try store.read { try $0.events(types: nil) }
    }

    func signatures(_ store: EventStore, of origin: NodeID) throws -> [Int] {
        try store.read { try Int.fetchAll($0.database, sql: "SELECT sequence FROM chain_signatures WHERE origin = ? ORDER BY sequence", arguments: [origin.rawValue]) }
    }

    @Test("every commit ends on a signed event, and a long one is signed every 1024 events; the enrolment signs itself")
    func signing() throws {
        let a = try store("a")
        try a.append((0..<4).map(note), author: "alex")
        try a.append((0..<2100).map(note), author: "alex")
        #expect(try signatures(a, of: a.identity.nodeID) == [1, 5, 1024, 2048, 2105])
        let check = try a.read { try ChainCheck.run($0) }
        #expect(check.signatures == 5 && check.totalEvents == 2105)
    }

    @Test("a batch that would leave an origin on an unsigned event is refused whole; forged and foreign signatures are refused")
    func signatureRefusals() throws {
        let a = try store("a"), b = try store("b"), c = try store("c")
        try b.trustPeer(a.identity.nodeID, name: "a", author: "test")
        try a.append((0..<4).map(note), author: "alex")
        let events = try log(a)  // 1 (signed enrolment), 2...5 (5 signed)
        #expect(events.map { $0.signature != nil } == [true, false, false, false, true])
        let before = try log(b)
        func refused(_ batch: [EventEnvelope], _ code: EventProblem.Code) {
            let refusal = #expect(throws: EventProblem.self, "\(code)") { try b.receiveBatch(batch) }
            #expect(refusal?.code == code, "\(refusal.map { "\($0)" } ?? "accepted")")
            #expect((try? log(b)) == before, "a refused batch left something behind")
        }
        refused(Array(events[0...3]), .notCovered)
        var forged = events
        forged[4].signature = ChainSignature(String(repeating: "ab", count: 64))
        refused(forged, .badSignature)
        var foreign = events
        foreign[4].signature = try ChainSignature.sign(events[4].hash, by: c.identity)
        refused(foreign, .badSignature)
        var unsignedEnrolment = events
        unsignedEnrolment[0].signature = nil
        refused(unsignedEnrolment, .badEnrolment)
        // The same events, as signed: stored.
        #expect(try b.receiveBatch(events).stored == [a.identity.nodeID: 5])
    }

    @Test("an unsigned event in this store's own name, offered by a trusted peer, is refused")
    func forgedInMyName() throws {
        let a = try store("a"), b = try store("b")
        try a.trustPeer(b.identity.nodeID, name: "b", author: "test")
        let head = try log(a).last!
        var forged = head
        forged.id = EventID.make()
        forged.sequence = head.sequence + 1
        forged.clock = VectorClock([a.identity.nodeID: forged.sequence])
        forged.lamport = head.lamport + 1
        forged.payload = #"{"n":666}"#
        forged.type = "Note"
        forged.patient = PatientID.make()
        forged.prevHash = head.hash
        forged.signature = nil
        forged.hash = forged.computedHash
        let before = try log(a)
        #expect(throws: EventProblem.self) { try a.receiveBatch([forged]) }
        #expect(try log(a) == before)
    }

    @Test("a sync whose pages split commits still commits only on signed events, and converges")
    func pagesSplitCommits() async throws {
        let a = try store("a"), b = try store("b")
        try a.trustPeer(b.identity.nodeID, name: "b", author: "test")
        try b.trustPeer(a.identity.nodeID, name: "a", author: "test")
        for _ in 0..<3 { try a.append((0..<7).map(note), author: "alex") }
        let report = try await LogExchange.sync(b, with: a, batchSize: 3)
        #expect(report.received == [a.identity.nodeID: 22])
        #expect(try b.read { try ChainCheck.run($0) }.eventsPerOrigin[a.identity.nodeID.rawValue] == 22)
    }

    @Test("a sync with a node not in the trust list is refused before anything moves")
    func untrustedPeer() async throws {
        let a = try store("a"), b = try store("b")
        try a.append([note(1)], author: "alex")
        let (beforeA, beforeB) = (try log(a), try log(b))
        await #expect(throws: TrustRefusal.self) { try await LogExchange.sync(b, with: a) }
        #expect(try log(a) == beforeA && log(b) == beforeB)
    }

    @Test("relayed events of a node not yet trusted wait, listed; they are applied, checked, when it is added; a removed node's later events are refused")
    func relayedEventsWait() async throws {
        let a = try store("a"), b = try store("b"), c = try store("c")
        // b is the hub: it trusts both; c trusts only b at first.
        for (x, y) in [(a, b), (b, a), (b, c), (c, b)] { try x.trustPeer(y.identity.nodeID, name: y.identity.site, author: "test") }
        try a.append((0..<3).map(note), author: "alex")
        try a.append((0..<2).map(note), author: "alex")
        _ = try await LogExchange.sync(b, with: a)
        let relay = try await LogExchange.sync(c, with: b)
        #expect(relay.awaitingTrust == [a.identity.nodeID: 6])
        #expect(try c.read { try $0.clock() }[a.identity.nodeID] == 0, "nothing of a is applied")
        let waiting = try c.read { try $0.peerStandings() }.first { $0.node == a.identity.nodeID }
        #expect(waiting?.trust == .unknown && waiting?.waiting == 6 && waiting?.name == "a")
        // Syncing again moves them again, and they still wait: nothing is applied twice.
        _ = try await LogExchange.sync(c, with: b)
        #expect(try c.read { try $0.heldBack() } == [a.identity.nodeID: 6])
        #expect(try c.trustPeer(a.identity.nodeID, name: "a", author: "practice manager") == 6)
        #expect(try c.read { try $0.clock() }[a.identity.nodeID] == 6)
        #expect(try c.read { try $0.heldBack() }.isEmpty)
        _ = try c.read { try ChainCheck.run($0) }
        // Removed: what is stored stays; what a writes later is refused, whoever relays it.
        try c.write { try $0.distrustPeer(a.identity.nodeID, author: "practice manager") }
        try a.append([note(9)], author: "alex")
        _ = try await LogExchange.sync(b, with: a)
        let later = try await LogExchange.sync(c, with: b)
        #expect(later.originRemoved == [a.identity.nodeID: 1])
        #expect(try c.read { try $0.clock() }[a.identity.nodeID] == 6)
        #expect(try c.read { try $0.trust(of: a.identity.nodeID) } == .removed)
        // The trust list is a history: both decisions are kept, and it cannot be rewritten.
        #expect(try c.read { try Int.fetchOne($0.database, sql: "SELECT count(*) FROM peer_trust WHERE node = ?", arguments: [a.identity.nodeID.rawValue]) } == 2)
        #expect(throws: DatabaseError.self) { try c.write { try $0.database.execute(sql: "DELETE FROM peer_trust") } }
        #expect(throws: DatabaseError.self) { try c.write { try $0.database.execute(sql: "UPDATE chain_signatures SET signature = ''") } }
    }

    @Test("trust list input is checked: own node, a node already trusted, a blank name; nothing written")
    func badTrustInput() throws {
        let a = try store("a"), b = try store("b")
        func rows() throws -> Int { try a.read { try Int.fetchOne($0.database, sql: "SELECT count(*) FROM peer_trust") ?? -1 } }
        #expect(throws: EventLogError.self) { try a.trustPeer(a.identity.nodeID, name: "me", author: "test") }
        #expect(throws: EventLogError.self) { try a.trustPeer(b.identity.nodeID, name: "  ", author: "test") }
        #expect(throws: EventLogError.self) { try a.write { try $0.distrustPeer(b.identity.nodeID, author: "test") } }
        #expect(try rows() == 0)
        try a.trustPeer(b.identity.nodeID, name: "b", author: "test")
        #expect(throws: EventLogError.self) { try a.trustPeer(b.identity.nodeID, name: "b", author: "test") }
        #expect(try rows() == 1)
    }

    @Test("trust changes are signed and chained, several in one transaction too; a reader without node.key checks them with the enrolled key")
    func signedChanges() throws {
        let a = try store("a"), b = try store("b"), c = try store("c")
        try a.write { transaction in
            try transaction.trustPeer(b.identity.nodeID, name: "b", author: "test")
            try transaction.trustPeer(c.identity.nodeID, name: "c", author: "test")
            try transaction.distrustPeer(b.identity.nodeID, author: "test")
        }
        let check = try a.read { try $0.trustListCheck() }
        #expect(check.isClean && check.obeyed == 3 && check.recordedHead == 3)
        #expect(try a.read { try [$0.trust(of: b.identity.nodeID), $0.trust(of: c.identity.nodeID)] } == [.removed, .trusted])
        #expect(try a.read { try Int.fetchOne($0.database, sql: "SELECT count(*) FROM peer_trust WHERE length(signature) = 64") } == 3)
        // The same store opened without its key (a backup being verified): the same verdicts.
        try FileManager.default.removeItem(at: a.directory.appendingPathComponent(EventStore.keyFileName))
        let keyless = try EventStore.open(at: a.directory)
        #expect(!keyless.identity.canSign)
        #expect(try keyless.read { try $0.trustListCheck() }.isClean)
        #expect(try keyless.read { try $0.trust(of: c.identity.nodeID) } == .trusted)
    }

    @Test("a sync's repeated trust checks verify each signature once per process, not once per read")
    func trustChecksAreRemembered() throws {
        let a = try store("a"), b = try store("b"), c = try store("c")
        try a.trustPeer(b.identity.nodeID, name: "b", author: "test")
        try a.trustPeer(c.identity.nodeID, name: "c", author: "test")
        let reopened = try EventStore.open(at: a.directory)
        for _ in 0..<100 {
            #expect(try reopened.read { try $0.trust(of: b.identity.nodeID) } == .trusted)
            #expect(try reopened.accepts(c.identity.nodeID))
        }
        // Two rows and the signature of trust.head, each verified once.
        #expect(reopened.trustKeeper.verifications == 3)
    }

    @Test("a store kept open (a server) obeys no row edited behind its back: its remembered checks are keyed on the rows' exact bytes")
    func editBehindAnOpenStore() throws {
        let a = try store("a"), b = try store("b")
        try a.trustPeer(b.identity.nodeID, name: "b", author: "test")
        try a.write { try $0.distrustPeer(b.identity.nodeID, author: "test") }
        let server = try EventStore.open(at: a.directory, concurrentReads: true)
        #expect(try server.accepts(b.identity.nodeID) == false)
        // Another process, with plain SQL, turns the removal back into trust.
        try DatabaseQueue(path: a.directory.appendingPathComponent(EventStore.databaseFileName).path).write { db in
            try db.execute(sql: "DROP TRIGGER peer_trust_refuse_update; UPDATE peer_trust SET trusted = 1 WHERE change = 2")
        }
        #expect(throws: EventLogError.self) { try server.accepts(b.identity.nodeID) }
        let check = try server.read { try $0.trustListCheck() }
        #expect(check.altered != nil && check.ignored.map(\.change) == [2])
    }
}
