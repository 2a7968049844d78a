@testable import EventLog
import Foundation
import GRDB
import Testing

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
        let a = try EventStore.create(at: directory.path("a"), site: "A")
        let b = try EventStore.create(at: directory.path("b"), site: "B")
        let patient = PatientID.make()
        try a.append((0..<5).map { note($0, patient) }, author: "alex")
        let fromA = try all(a)
        let received = try b.write { tx in try fromA.map { try tx.receive($0) } }
        #expect(received == Array(repeating: true, count: 6))
        #expect(try b.write { tx in try fromA.map { try tx.receive($0) } } == Array(repeating: false, count: 6))
        #expect(try b.read { try ChainCheck.run($0) }.totalEvents == 7)
        let local = try b.append([note(9, patient)], author: "bo")[0]
        #expect(local.clock[a.identity.nodeID] == 6)
        #expect(local.clock[b.identity.nodeID] == 2)
        #expect(local.lamport > fromA.last!.lamport)
        #expect(try b.read { try $0.event(fromA[3].id) } == fromA[3])
    }

    @Test("gaps, altered events, forged enrolments and id collisions are refused, and nothing of the batch is stored")
    func refusals() throws {
        let a = try EventStore.create(at: directory.path("a"), site: "A")
        let b = try EventStore.create(at: directory.path("b"), site: "B")
        let patient = PatientID.make()
        try a.append((0..<4).map { note($0, patient) }, author: "alex")
        let events = try all(a)
        let before = try all(b)
        var altered = events[2]
        altered.payload = #"{"n":99}"#
        var rehashed = altered
        rehashed.hash = rehashed.computedHash
        var notCanonical = events[2]
        notCanonical.payload = #"{ "n": 1 }"#
        notCanonical.hash = notCanonical.computedHash
        let other = try EventStore.create(at: directory.path("c"), site: "C")
        var forgedEnrolment = try all(other)[0]
        forgedEnrolment.origin = a.identity.nodeID
        forgedEnrolment.clock = VectorClock([a.identity.nodeID: 1])
        forgedEnrolment.hash = forgedEnrolment.computedHash
        var collision = events[1]
        collision.id = events[0].id
        collision.hash = collision.computedHash
        let batches: [[EventEnvelope]] = [
            [events[0], events[2]],                 // gap
            [events[0], events[1], altered],        // payload changed, hash not
            // Payload changed and hash recomputed: internally consistent, betrayed by the next link.
            [events[0], events[1], rehashed, events[3]],
            [events[0], events[1], notCanonical],   // not canonical
            [forgedEnrolment],                      // someone else's key under A's id
            [events[1]],                            // not starting at sequence 1
            [events[0], collision],                 // an id already used by another event
        ]
        for (index, batch) in batches.enumerated() {
            let refused: Bool
            do {
                try b.write { tx in for event in batch { try tx.receive(event) } }
                refused = false
            } catch is ReplicationRefusal {
                refused = true
            }
            #expect(refused, "batch \(index) was accepted")
            #expect(try all(b) == before, "batch \(index) left something behind")
        }
    }
}
