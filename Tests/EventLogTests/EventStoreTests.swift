@testable import EventLog
@testable import EventModel
@testable import EventSync
import Foundation
import GRDB
import Testing
import MyologTestSupport

@Suite("Event store")
struct EventStoreTests {
    let directory = TemporaryDirectory()

    func makeStore() throws -> EventStore {
        try EventStore.create(at: directory.url("store"), site: "Fitzroy")
    }

    func note(_ text: String, patient: PatientID? = PatientID.make(), occurredAt: Timestamp? = nil) -> NewEvent {
        NewEvent(type: "TestNote", schemaVersion: 1, patient: patient, occurredAt: occurredAt, payload: ["text": .string(text)])
    }

    /// Every stored row, as text: "nothing written" means this is unchanged.
    func snapshot(_ store: EventStore) throws -> [String] {
        try store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY position").map { $0.description }
        }
    }

    @Test("init makes a 0700 directory, a 0600 key, and a chain that starts with NodeEnrolled")
    func create() throws {
        let store = try makeStore()
        let dirMode = try FileManager.default.attributesOfItem(atPath: store.directory.path)[.posixPermissions] as? Int
        let keyMode = try FileManager.default.attributesOfItem(atPath: store.directory.appendingPathComponent("node.key").path)[.posixPermissions] as? Int
        #expect(dirMode == 0o700)
        #expect(keyMode == 0o600)
        for file in ["myolog.sqlite", "myolog.sqlite-wal", "myolog.sqlite-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: store.directory.appendingPathComponent(file).path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        let events = try store.read { reader in try reader.events(types: nil) }
        #expect(events.count == 1)
        #expect(events[0].type == "NodeEnrolled")
        #expect(events[0].sequence == 1 && events[0].prevHash == nil && events[0].patient == nil)
        let reopened = try EventStore.open(at: store.directory)
        #expect(reopened.identity.nodeID == store.identity.nodeID)
        #expect(reopened.identity.site == "Fitzroy")
        let journal = try store.database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    @Test("an envelope decoded by column name (any column order, signed or not) equals the one the bulk reads decode by position", arguments: 0..<5)
    func decodedByName(seed: UInt64) throws {
        let store = try makeStore()
        for index in 0..<30 {
            _ = try store.write { tx in try tx.append(note("note \(index)", patient: index % 4 == 0 ? nil : .make()), author: "alex") }
        }
        var rng = SeededGenerator(seed: seed)
        let shuffled = EventColumn.allCases.map(\.name).shuffled(using: &rng)
        try store.read { reader in
            var positional: [EventEnvelope] = []
            try reader.forEachEvent { positional.append($0) }
            let plain = try EventEnvelope.fetchAll(reader.database, sql: "SELECT \(shuffled.joined(separator: ", ")) FROM events ORDER BY position")
            let signed = try EventEnvelope.fetchAll(reader.database, sql: "SELECT \(EventColumn.signedSelection) FROM events ORDER BY position")
            #expect(positional.count == 31 && plain.count == 31)
            #expect(signed == positional)
            // Without the signature column the envelopes differ only in their signature.
            #expect(plain.map(\.hash) == positional.map(\.hash) && plain.allSatisfy { $0.signature == nil })
            #expect(positional.contains { $0.signature != nil })
            for (byName, byPosition) in zip(plain, positional) {
                #expect(byName.id == byPosition.id && byName.payload == byPosition.payload && byName.clock == byPosition.clock
                    && byName.patient == byPosition.patient && byName.occurredAt == byPosition.occurredAt && byName.prevHash == byPosition.prevHash)
            }
        }
    }

    @Test("init over an existing store, or a non-empty directory, is refused and changes nothing")
    func initRefusesExisting() throws {
        let store = try makeStore()
        let before = try snapshot(store)
        let key = try Data(contentsOf: store.directory.appendingPathComponent("node.key"))
        #expect(throws: EventLogError.storeExists(path: store.directory.path)) {
            try EventStore.create(at: store.directory, site: "Other")
        }
        #expect(try snapshot(store) == before)
        #expect(try Data(contentsOf: store.directory.appendingPathComponent("node.key")) == key)
    }

    @Test("opening a directory without a store says how to create one")
    func noStore() {
        let path = directory.url("nothing").path
        #expect(throws: EventLogError.noStore(path: path)) { try EventStore.open(at: URL(fileURLWithPath: path)) }
        // The library says what to do as data, in words that name no command line; the CLI
        // names the command (CLITests checks `myolog init --site` in its message).
        #expect(EventLogError.noStore(path: path).remedy == .createStore(path: path))
        #expect(!EventLogError.noStore(path: path).description.contains("myolog init"))
    }

    @Test("a node key readable by others is refused at open")
    func insecureKey() throws {
        let store = try makeStore()
        let keyPath = store.directory.appendingPathComponent("node.key").path
        chmod(keyPath, 0o644)
        #expect(throws: EventLogError.insecureKeyFile(path: keyPath, mode: 0o644)) { try EventStore.open(at: store.directory) }
    }

    @Test("a store directory open to other users is refused at open, with the chmod that fixes it")
    func insecureDirectory() throws {
        let store = try makeStore()
        #expect(try String(format: "%o", FileManager.default.attributesOfItem(atPath: store.directory.path)[.posixPermissions] as! Int) == "700")
        chmod(store.directory.path, 0o755)
        let error = EventLogError.insecureStoreDirectory(path: store.directory.path, mode: 0o755)
        #expect(throws: error) { try EventStore.open(at: store.directory) }
        #expect(error.description.contains("chmod 700"))
        chmod(store.directory.path, 0o700)
        _ = try EventStore.open(at: store.directory)
    }

    @Test("a key that belongs to another node is refused at open")
    func swappedKey() throws {
        let store = try makeStore()
        let other = try EventStore.create(at: directory.url("other"), site: "Other")
        let keyPath = store.directory.appendingPathComponent("node.key")
        try FileManager.default.removeItem(at: keyPath)
        try FileManager.default.copyItem(at: other.directory.appendingPathComponent("node.key"), to: keyPath)
        #expect(throws: EventLogError.self) { try EventStore.open(at: store.directory) }
    }

    @Test("appends are numbered 1, 2, 3…, hash-chained, clocked, and verify")
    func chain() throws {
        let store = try makeStore()
        let patient = PatientID.make()
        let appended = try store.append((0..<20).map { note("n\($0)", patient: patient) }, author: "alex")
        #expect(appended.map(\.sequence) == Array(2...21))
        for (previous, event) in zip(appended.dropLast(), appended.dropFirst()) {
            #expect(event.prevHash == previous.hash)
            #expect(event.lamport == previous.lamport + 1)
            #expect(event.clock[store.identity.nodeID] == event.sequence)
            #expect(event.id > previous.id)
        }
        let stored = try store.read { try $0.events(patient: patient) }
        #expect(stored == appended)
        for event in stored { #expect(event.computedHash == event.hash) }
        let check = try store.read { try ChainCheck.run($0) }
        #expect(check.totalEvents == 21)
        #expect(try store.read { try $0.clock() } == VectorClock([store.identity.nodeID: 21]))
    }

    @Test("the hash input is the canonical JSON of the envelope without its hash and signature")
    func hashInput() throws {
        let store = try makeStore()
        let event = try store.append([note("line\nbreak \"quoted\" é")], author: "Zoë")[0]
        let withHash = try JSONParser.parse(event.canonicalBytes(includingHash: true))
        guard case .object(var members) = withHash else { Issue.record("not an object"); return }
        #expect(members["hash"] == .string(event.hash.rawValue))
        #expect(members["signature"] != nil, "the last event of a commit is signed")
        members["hash"] = nil
        members["signature"] = nil
        // The hand-ordered writer and the generic canonical writer agree byte for byte.
        #expect(JSONValue.object(members).canonicalBytes == event.canonicalBytes(includingHash: false))
        #expect(withHash.canonicalBytes == event.canonicalBytes(includingHash: true))
    }

    @Test("a throwing write appends nothing and does not advance the chain")
    func atomicity() throws {
        struct Stop: Error {}
        let store = try makeStore()
        let before = try snapshot(store)
        #expect(throws: Stop.self) {
            try store.write { tx in
                try tx.append(note("a"), author: "alex")
                try tx.append(note("b"), author: "alex")
                throw Stop()
            }
        }
        #expect(try snapshot(store) == before)
        let next = try store.append([note("c")], author: "alex")[0]
        #expect(next.sequence == 2)
    }

    @Test("a missing or control-character author, or a future occurredAt, is refused with nothing written",
          arguments: ["", "  ", "bad\u{07}name", String(repeating: "x", count: 101)])
    func badAuthor(author: String) throws {
        let store = try makeStore()
        let before = try snapshot(store)
        #expect(throws: EventLogError.self) { try store.append([note("x")], author: author) }
        let future = Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch + 60_000)
        #expect(throws: EventLogError.self) { try store.append([note("x", occurredAt: future)], author: "alex") }
        #expect(try snapshot(store) == before)
    }

    @Test("UPDATE, DELETE and INSERT OR REPLACE on events are refused by the database itself")
    func appendOnly() throws {
        let store = try makeStore()
        try store.append([note("keep me")], author: "alex")
        let before = try snapshot(store)
        // A separate, plain connection: no Myolog code in the way.
        let raw = try DatabaseQueue(path: store.directory.appendingPathComponent("myolog.sqlite").path)
        for sql in [
            "UPDATE events SET author = 'mallory'",
            "DELETE FROM events",
            "INSERT OR REPLACE INTO events SELECT * FROM events WHERE position = 2",
            "REPLACE INTO events (position, id, origin, sequence, clock, lamport, recordedAt, occurredAt, author, patient, type, schemaVersion, payload, prevHash, hash) SELECT position, 'x', origin, sequence, clock, lamport, recordedAt, occurredAt, 'mallory', patient, type, schemaVersion, payload, prevHash, hash FROM events WHERE position = 2",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") { try raw.write { try $0.execute(sql: sql) } }
        }
        #expect(try snapshot(store) == before)
    }

    @Test("event lookup by unique prefix; short, unknown and ambiguous prefixes are refused")
    func prefixes() throws {
        let store = try makeStore()
        let events = try store.append((0..<5).map { note("n\($0)") }, author: "alex")
        let target = events[2]
        try store.read { (reader: EventReader) throws in
            #expect(try reader.resolveEvent(try IDReference(target.id.rawValue)) == target)
            #expect(try reader.resolveEvent(try IDReference(String(target.id.rawValue.prefix(30)))) == target)
            #expect(throws: EventLogError.prefixTooShort("0194", minimum: 8)) { try IDReference("0194") }
            #expect(throws: EventLogError.unknownEvent("ffffffff")) { try reader.resolveEvent(try IDReference("ffffffff")) }
            // Ids made in the same millisecond share their first 8 characters.
            let shared = String(target.id.rawValue.prefix(8))
            if events.filter({ $0.id.rawValue.hasPrefix(shared) }).count > 1 {
                let ambiguous = #expect(throws: EventLogError.self) { try reader.resolveEvent(try IDReference(shared)) }
                #expect(ambiguous?.code == .ambiguousEvent, "\(ambiguous.map { "\($0)" } ?? "resolved")")
            }
        }
    }

    @Test("a store with a migration this build does not know refuses to open")
    func newerStore() throws {
        let store = try makeStore()
        try store.database.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 from the future')")
        }
        #expect(throws: EventLogError.unknownMigration("v99 from the future")) { try EventStore.open(at: store.directory) }
    }

    @Test("upcasters chain from any stored version to the current one")
    func upcasting() throws {
        var registry = UpcasterRegistry()
        registry.setCurrentVersion(3, of: "T")
        registry.register(type: "T", from: 1) { value in
            guard case .object(var m) = value else { return value }
            m["b"] = 2
            return .object(m)
        }
        registry.register(type: "T", from: 2) { value in
            guard case .object(var m) = value else { return value }
            m["c"] = 3
            return .object(m)
        }
        #expect(try registry.upcast(type: "T", version: 1, payload: ["a": 1]) == ["a": 1, "b": 2, "c": 3])
        #expect(try registry.upcast(type: "T", version: 3, payload: ["a": 1]) == ["a": 1])
        let newer = #expect(throws: UpcastFailure.self) { try registry.upcast(type: "T", version: 4, payload: [:]) }
        #expect(newer?.code == .newerVersion)
        let unknownType = #expect(throws: UpcastFailure.self) { try registry.upcast(type: "U", version: 2, payload: [:]) }
        #expect(unknownType?.code == .newerVersion)
        registry.setCurrentVersion(2, of: "V")
        let gap = #expect(throws: UpcastFailure.self) { try registry.upcast(type: "V", version: 1, payload: [:]) }
        #expect(gap?.code == .missingUpcaster)
    }

    @Test("ChainCheck finds an event altered behind the triggers' back")
    func tamperDetected() throws {
        let store = try makeStore()
        try store.append((0..<5).map { note("n\($0)") }, author: "alex")
        let raw = try DatabaseQueue(path: store.directory.appendingPathComponent("myolog.sqlite").path)
        try raw.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: "UPDATE events SET payload = '{\"text\":\"forged\"}' WHERE sequence = 4")
        }
        let problem = #expect(throws: ChainCheck.Problem.self) { try store.read { try ChainCheck.run($0) } }
        #expect(problem?.code == .hashMismatch && problem?.sequence == 4, "\(problem.map { "\($0)" } ?? "passed")")
    }
}

extension EventReader {
    /// Every event in log order.
    func events(types: Set<String>?) throws -> [EventEnvelope] {
        var all: [EventEnvelope] = []
        try forEachEvent(types: types) { all.append($0) }
        return all
    }
}
