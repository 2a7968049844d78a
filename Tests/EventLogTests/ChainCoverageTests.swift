import Foundation
import GRDB
@testable import EventLog
@testable import EventModel
@testable import EventCrypto
@testable import EventSync
import MyologTestSupport
import Testing

/// ``ChainCheck/covering(_:in:)``: the check a report makes of the events it shows.
@Suite("Chain coverage of a record")
struct ChainCoverageTests {
    let directory = TemporaryDirectory()

    /// Patient A written in two commits, B in one between them.
    func store(_ name: String) throws -> (EventStore, a: PatientID, b: PatientID) {
        let store = try EventStore.create(at: directory.url(name), site: "Fitzroy")
        let a = PatientID.make(), b = PatientID.make()
        func note(_ text: String, _ patient: PatientID) -> NewEvent { NewEvent(type: "TestNote", schemaVersion: 1, patient: patient, payload: ["text": .string(text)]) }
        try store.append([note("a1", a), note("a2", a), note("a3", a)], author: "alex")
        try store.append([note("b1", b), note("b2", b)], author: "alex")
        try store.append([note("a4", a)], author: "sam")
        return (store, a, b)
    }

    func alter(_ store: EventStore, _ sql: String) throws {
        try DatabaseQueue(path: store.directory.appendingPathComponent("myolog.sqlite").path).write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: sql)
        }
    }

    func covering(_ store: EventStore, _ patient: PatientID) throws -> Int {
        try store.read { try ChainCheck.covering($0.events(patient: patient), in: $0) }
    }

    /// The rule `check` refuses with; nil, with an issue recorded, when it passes or throws
    /// something else.
    func brokenRule<T>(sourceLocation: SourceLocation = #_sourceLocation, _ check: () throws -> T) -> EventProblem.Code? {
        #expect(throws: ChainCheck.Problem.self, sourceLocation: sourceLocation) { _ = try check() }?.code
    }

    @Test("an intact record passes, each of its commits' signatures verified once")
    func intact() throws {
        let (store, a, b) = try store("intact")
        #expect(try covering(store, a) == 2)
        #expect(try covering(store, b) == 1)
    }

    @Test("an altered event of the record, or one between it and its signature, fails; another patient's altered event does not (the whole-log check finds it)")
    func altered() throws {
        let (one, a, _) = try store("one")
        try alter(one, "UPDATE events SET author = 'mallory' WHERE sequence = 3")  // a2: first commit is 2…4 after enrolment
        #expect(brokenRule { try covering(one, a) } == .hashMismatch)

        let (two, a2, b2) = try store("two")
        try alter(two, "UPDATE events SET author = 'mallory' WHERE sequence = 5")  // b1
        #expect(brokenRule { try covering(two, b2) } == .hashMismatch)
        #expect(try covering(two, a2) == 2)
        #expect(brokenRule { try two.read { try ChainCheck.run($0) } } == .hashMismatch)
    }

    @Test("a record rewritten with every hash recomputed (no key) fails: the signature no longer matches")
    func laundered() throws {
        let (store, a, _) = try store("laundered")
        let path = store.directory.appendingPathComponent("myolog.sqlite").path
        let origin = store.identity.nodeID
        var chain = try store.read { try $0.events(origin: origin, after: 0, limit: 100) }
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            // a3 forged, and a3's successor in the commit? a3 is the commit's signed event: rehash it alone.
            for index in 3..<chain.count {
                if index == 3 { chain[index].author = "mallory" }
                chain[index].prevHash = chain[index - 1].hash
                chain[index].hash = chain[index].computedHash
                try db.execute(sql: "UPDATE events SET author = ?, prevHash = ?, hash = ? WHERE id = ?",
                               arguments: [chain[index].author, chain[index].prevHash?.description, chain[index].hash.description, chain[index].id.rawValue])
            }
        }
        #expect(brokenRule { try covering(store, a) } == .badSignature)
    }
}

extension ChainCoverageTests {
    @Test("with a signature memo: the same answers, a second check verifies no signature again, and an altered event is still caught")
    func memo() throws {
        let (store, a, _) = try store("memo")
        let memo = SignatureMemo()
        #expect(try store.read { try ChainCheck.covering($0.events(patient: a), in: $0, memo: memo) } == 2)
        #expect(memo.verifications == 2)
        #expect(try store.read { try ChainCheck.covering($0.events(patient: a), in: $0, memo: memo) } == 2)
        #expect(memo.verifications == 2, "remembered")
        try alter(store, "UPDATE events SET author = 'mallory' WHERE sequence = 3")
        #expect(brokenRule { try store.read { try ChainCheck.covering($0.events(patient: a), in: $0, memo: memo) } } == .hashMismatch)
    }
}
