@testable import EventLog
@testable import EventModel
@testable import EventSync
import Foundation
import GRDB
import Testing
import MyologTestSupport

@Suite("Receiving another node's events")
struct ReceiveTests {
    let directory = TemporaryDirectory()

    func note(_ n: Int, _ patient: PatientID) -> NewEvent {
        NewEvent(type: "Note", schemaVersion: 1, patient: patient, payload: ["n": .int(n)])
    }

    func all(_ store: EventStore) throws -> [EventEnvelope] {
        try store.read { try $0.events(types: nil) }
    }

    @Test("events from another store are stored as they are, once; the chain and clocks carry on")
    func receiveInOrder() throws {
        let a = try EventStore.create(at: directory.url("a"), site: "A")
        let b = try EventStore.create(at: directory.url("b"), site: "B")
        try b.trustPeer(a.identity.nodeID, name: "A", author: "test")
        let patient = PatientID.make()
        try a.append((0..<5).map { note($0, patient) }, author: "alex")
        let fromA = try all(a)
        let received = try b.write { tx in try fromA.map { try tx.receive($0) } }
        #expect(received == Array(repeating: .stored, count: 6))
        #expect(try b.write { tx in try fromA.map { try tx.receive($0) } } == Array(repeating: .duplicate, count: 6))
        #expect(try b.read { try ChainCheck.run($0) }.totalEvents == 7)
        // B writes about its own patient (A's are sealed under a key B was not sent).
        let local = try b.append([note(9, PatientID.make())], author: "bo")[0]
        #expect(local.clock[a.identity.nodeID] == 6)
        #expect(local.clock[b.identity.nodeID] == 2)
        #expect(local.lamport > fromA.last!.lamport)
        #expect(try b.read { try $0.event(fromA[3].id) } == fromA[3])
    }

    @Test("altered events, forged enrolments and id collisions are refused, and nothing of the batch is stored")
    func refusals() throws {
        let a = try EventStore.create(at: directory.url("a"), site: "A")
        let b = try EventStore.create(at: directory.url("b"), site: "B")
        try b.trustPeer(a.identity.nodeID, name: "A", author: "test")
        let patient = PatientID.make()
        try a.append((0..<4).map { note($0, patient) }, author: "alex")
        let events = try all(a)
        let before = try all(b)
        var altered = events[2]
        altered.payload = events[3].payload  // another event's sealed payload: sealed form still
        var rehashed = altered
        rehashed.hash = rehashed.computedHash
        var notCanonical = events[2]
        notCanonical.payload = #"{ "n": 1 }"#
        notCanonical.hash = notCanonical.computedHash
        let other = try EventStore.create(at: directory.url("c"), site: "C")
        var forgedEnrolment = try all(other)[0]
        forgedEnrolment.origin = a.identity.nodeID
        forgedEnrolment.clock = VectorClock([a.identity.nodeID: 1])
        forgedEnrolment.hash = forgedEnrolment.computedHash
        var nullPrevious = events[1]
        nullPrevious.prevHash = nil
        nullPrevious.hash = nullPrevious.computedHash
        var collision = events[1]
        collision.id = events[0].id
        collision.hash = collision.computedHash
        var collisionAhead = events[3]  // beyond a gap: it would be held back
        collisionAhead.id = events[0].id
        collisionAhead.hash = collisionAhead.computedHash
        let batches: [(events: [EventEnvelope], refusal: EventProblem.Code)] = [
            ([events[0], events[1], altered], .hashMismatch),           // payload changed, hash not
            // Payload changed and hash recomputed: internally consistent, betrayed by the next link.
            ([events[0], events[1], rehashed, events[3]], .brokenLink),
            ([events[0], events[1], notCanonical], .payloadNotCanonical),
            ([forgedEnrolment], .badEnrolment),                         // someone else's key under A's id
            ([nullPrevious], .brokenLink),                              // a null prevHash after sequence 1
            ([events[0], collision], .duplicateID),                     // an id already used by another event, at the next place
            ([events[0], collisionAhead], .duplicateID),                // … and further ahead
        ]
        for (index, batch) in batches.enumerated() {
            let refusal = #expect(throws: EventProblem.self, "batch \(index) was accepted") {
                try b.write { tx in for event in batch.events { try tx.receive(event) } }
            }
            #expect(refusal?.code == batch.refusal, "batch \(index): \(refusal.map { "\($0)" } ?? "accepted")")
            #expect(try all(b) == before, "batch \(index) left something behind")
        }
    }

    @Test("events beyond a gap are held back, then stored in order when the gap fills, in the same transaction")
    func gapsAreHeldBack() throws {
        let a = try EventStore.create(at: directory.url("a"), site: "A")
        let b = try EventStore.create(at: directory.url("b"), site: "B")
        try b.trustPeer(a.identity.nodeID, name: "A", author: "test")
        let patient = PatientID.make()
        // One commit each, so each is signed: what is tested here is the gap, not the signatures.
        for n in 0..<6 { try a.append([note(n, patient)], author: "alex") }
        let events = try all(a)  // sequences 1...7
        let before = try all(b)
        #expect(try b.receiveBatch([events[4], events[5], events[2]]).heldBack == 3)
        #expect(try all(b) == before, "held-back events must not reach the log")
        #expect(try b.read { try $0.heldBack() } == [a.identity.nodeID: 3])
        let first = try b.receiveBatch([events[0], events[1]])
        #expect(first.stored == [a.identity.nodeID: 3], "1, 2 and the held 3")
        #expect(try b.read { try $0.clock() }[a.identity.nodeID] == 3)
        let second = try b.receiveBatch([events[3], events[6]])
        #expect(second.stored == [a.identity.nodeID: 4], "4, the held 5 and 6, then 7")
        #expect(try b.read { try $0.heldBack() }.isEmpty)
        #expect(try b.read { try ChainCheck.run($0) }.eventsPerOrigin[a.identity.nodeID.rawValue] == 7)
    }

    @Test("a different, validly hashed event at a place already held is quarantined, never stored; an operator's decision is recorded once")
    func forksAreQuarantined() throws {
        let a = try EventStore.create(at: directory.url("a"), site: "A")
        let b = try EventStore.create(at: directory.url("b"), site: "B")
        try b.trustPeer(a.identity.nodeID, name: "A", author: "test")
        let patient = PatientID.make()
        try a.append((0..<3).map { note($0, patient) }, author: "alex")
        let events = try all(a)
        _ = try b.receiveBatch(events)
        var rival = events[2]
        rival.id = EventID.make(at: rival.recordedAt)
        rival.payload = #"{"sealed":""# + Data(repeating: 42, count: 60).base64EncodedString() + #""}"#  // another sealed payload
        rival.hash = rival.computedHash
        let before = try all(b)
        #expect(try b.write { try $0.receive(rival) } == .quarantined)
        #expect(try b.write { try $0.receive(rival) } == .quarantined, "seeing it again changes nothing")
        #expect(try all(b) == before)
        let forks = try b.read { try $0.forks() }
        #expect(forks.count == 1)
        #expect(forks.first?.origin == a.identity.nodeID && forks.first?.sequence == 3 && forks.first?.hash == rival.hash && forks.first?.isOpen == true)
        #expect(try b.read { try $0.quarantinedEvent(origin: a.identity.nodeID, sequence: 3, hash: rival.hash) } == rival)
        try b.write { try $0.decideFork(origin: a.identity.nodeID, sequence: 3, author: "manager", note: "rival copy discarded") }
        #expect(try b.read { try $0.forks() }.first?.decision?.author == "manager")
        #expect(throws: EventLogError.self) { try b.write { try $0.decideFork(origin: a.identity.nodeID, sequence: 3, author: "manager", note: "again") } }
        #expect(throws: EventLogError.self) { try b.write { try $0.decideFork(origin: a.identity.nodeID, sequence: 2, author: "manager", note: "no fork here") } }
        // Evidence and decisions are append-only inside the database file itself.
        let raw = try DatabaseQueue(path: b.directory.appendingPathComponent(EventStore.databaseFileName).path)
        for statement in ["DELETE FROM quarantined_events", "UPDATE quarantined_events SET reason = 'x'", "DELETE FROM fork_decisions", "UPDATE fork_decisions SET note = 'x'"] {
            #expect(throws: DatabaseError.self, "\(statement)") { try raw.write { try $0.execute(sql: statement) } }
        }
        #expect(try raw.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM quarantined_events") } == 1)
    }
}
