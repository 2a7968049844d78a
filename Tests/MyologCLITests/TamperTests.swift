import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// Someone with the store file and plain `sqlite3` (triggers dropped) alters history: every kind
/// of alteration is found by `myolog verify`, naming the first bad event, and refused by a
/// trusted peer, which keeps everything before it.
@Suite("Tampering with a store file")
struct TamperTests {
    let scratch = TemporaryDirectory("cli")

    enum Tamper: String, CaseIterable, CustomTestStringConvertible {
        case flipPayloadByte, rehashEditedScore, swapTwoEvents, deleteFromTheMiddle, replayUnderNewSequence
        var testDescription: String { rawValue }
    }

    /// A clinic store (several commits, so several signatures) and a fresh peer that trusts it.
    func clinic(in scratch: TemporaryDirectory? = nil) throws -> (store: String, node: String, peer: String) {
        let scratch = scratch ?? self.scratch
        let store = scratch.path("clinic"), peer = scratch.path("peer")
        #expect(try MyologProcess.run(["demo", "tour", "--store", store]).status == 0)
        let patients = try MyologProcess.run(["--store", store, "patients", "--json"]).stdout
        let patient = try #require(JSONParser.parse(patients.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest.first?.objectValue?["patientId"]?.stringValue)
        for score in 1...4 {
            #expect(try MyologProcess.run(["--store", store, "--as", "alex", "record", "pain", patient, "--score", "\(score)", "--region", "neck"]).status == 0)
        }
        #expect(try MyologProcess.run(["--store", peer, "init", "--site", "Peer"]).status == 0)
        try MyologProcess.trustEachOther(store, peer)
        let id = try MyologProcess.run(["--store", store, "--json", "id"]).stdout
        let node = try #require(JSONParser.parse(id.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["nodeId"]?.stringValue)
        return (store, node, peer)
    }

    /// The store's own chain, as envelopes.
    func chain(_ db: Database, _ node: String) throws -> [EventEnvelope] {
        try String.fetchAll(db, sql: "SELECT id FROM events WHERE origin = ? ORDER BY sequence", arguments: [node]).map { id in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM events WHERE id = ?", arguments: [id]))
            return EventEnvelope(
                id: EventID(row["id"])!, origin: NodeID(row["origin"])!, sequence: row["sequence"],
                clock: VectorClock(json: try JSONParser.parse(row["clock"] as String))!, lamport: row["lamport"],
                recordedAt: Timestamp(rfc3339: row["recordedAt"])!, occurredAt: Timestamp(rfc3339: row["occurredAt"])!,
                author: row["author"], patient: (row["patient"] as String?).flatMap(PatientID.init), type: row["type"],
                schemaVersion: row["schemaVersion"], payload: row["payload"], prevHash: (row["prevHash"] as String?).flatMap(EventHash.init),
                hash: EventHash(row["hash"])!)
        }
    }

    /// Applies `tamper` to the store file; returns the sequence of the first event it altered.
    func apply(_ tamper: Tamper, to store: String, node: String) throws -> Int {
        let db = try DatabaseQueue(path: store + "/myolog.sqlite")
        return try db.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update; DROP TRIGGER events_refuse_delete; DROP TRIGGER events_refuse_replace")
            let events = try chain(db, node)
            // The third of the four pain scores recorded one commit each: everything before it is
            // covered by signatures of its own, so a peer can keep it.
            let pain = events.count - 2
            #expect(events[pain].type == "PainScoreRecorded")
            switch tamper {
            case .flipPayloadByte:
                let target = events[pain]
                try db.execute(sql: "UPDATE events SET payload = ? WHERE id = ?", arguments: [Self.flipped(target.payload), target.id.rawValue])
                return target.sequence
            case .rehashEditedScore:
                // The forger edits a score's (sealed) bytes and recomputes every hash after it — without the key.
                var previous: EventHash?
                for index in pain..<events.count {
                    var event = events[index]
                    if index == pain { event.payload = Self.flipped(event.payload) }
                    if let previous { event.prevHash = previous }
                    event.hash = event.computedHash
                    try db.execute(sql: "UPDATE events SET payload = ?, prevHash = ?, hash = ? WHERE id = ?",
                                   arguments: [event.payload, event.prevHash?.rawValue, event.hash.rawValue, event.id.rawValue])
                    previous = event.hash
                }
                return events[pain].sequence
            case .swapTwoEvents:
                let (a, b) = (events[pain - 1], events[pain])
                try db.execute(sql: "UPDATE events SET sequence = 1000000 WHERE id = ?", arguments: [a.id.rawValue])
                try db.execute(sql: "UPDATE events SET sequence = ? WHERE id = ?", arguments: [a.sequence, b.id.rawValue])
                try db.execute(sql: "UPDATE events SET sequence = ? WHERE id = ?", arguments: [b.sequence, a.id.rawValue])
                return a.sequence
            case .deleteFromTheMiddle:
                try db.execute(sql: "DELETE FROM events WHERE id = ?", arguments: [events[pain].id.rawValue])
                return events[pain].sequence
            case .replayUnderNewSequence:
                // An old event again, under a new id at the head, linked and hashed correctly.
                var replay = events[pain]
                let head = events.last!
                replay.id = EventID.make()
                replay.sequence = head.sequence + 1
                var clock = head.clock
                clock[replay.origin] = replay.sequence
                replay.clock = clock
                replay.lamport = head.lamport + 1
                replay.prevHash = head.hash
                replay.hash = replay.computedHash
                try db.execute(sql: """
                    INSERT INTO events (id, origin, sequence, clock, lamport, recordedAt, occurredAt, author, patient, type, schemaVersion, payload, prevHash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [replay.id.rawValue, node, replay.sequence, replay.clock.description, replay.lamport, replay.recordedAt.description,
                                     replay.occurredAt.description, replay.author, replay.patient?.rawValue, replay.type, replay.schemaVersion,
                                     replay.payload, replay.prevHash?.rawValue, replay.hash.rawValue])
                return replay.sequence
            }
        }
    }

    /// A sealed payload with one byte of its ciphertext changed: all a forger without the keys can do to it.
    static func flipped(_ payload: String) -> String {
        var bytes = Array(payload.utf8)
        let at = #"{"sealed":""#.utf8.count + 4
        bytes[at] = bytes[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        return String(decoding: bytes, as: UTF8.self)
    }

    func hashes(_ store: String, _ node: String) throws -> [String] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT hash FROM events WHERE origin = ? ORDER BY sequence", arguments: [node]) }
    }

    @Test("verify names the first bad event, and a trusted peer refuses the alteration and keeps what came before", arguments: Tamper.allCases)
    func tampered(_ tamper: Tamper) throws {
        let (store, node, peer) = try clinic()
        let genuine = try hashes(store, node)
        #expect(try MyologProcess.run(["--store", store, "verify"]).status == 0)
        let sequence = try apply(tamper, to: store, node: node)
        let verify = try MyologProcess.run(["--store", store, "verify"])
        #expect(verify.status == 1, "\(tamper): \(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("Chains: BROKEN") && verify.stdout.contains("origin \(node)"), "\(tamper): \(verify.stdout)\(verify.stderr)")
        // Pages of 5: batches before the alteration commit, the one holding it is refused whole.
        let sync = try MyologProcess.run(["--store", peer, "sync", store, "--batch-size", "5"])
        #expect(sync.status != 0, "\(tamper): the peer accepted it: \(sync.stdout)")
        // The altered store cannot write, so it cannot record the disclosure of a batch and sends
        // none (fail closed, issue 29); a store that could would have its altered batch refused.
        let unrecorded = sync.stderr.contains("could not be recorded")
        #expect(unrecorded || sync.stderr.contains("refused") || sync.stderr.contains("gap"), "\(tamper): \(sync.stderr)")
        let received = try hashes(peer, node)
        #expect(received == Array(genuine.prefix(received.count)), "\(tamper): the peer holds something that is not the genuine chain")
        #expect(received.count < sequence, "\(tamper): the peer holds the altered place")
        #expect(unrecorded || received.count >= 5, "\(tamper): the peer kept nothing from before the alteration")
        #expect(try MyologProcess.run(["--store", peer, "verify"]).status == 0)
    }
}

/// Someone with the database file but not `node.key` rewrites this node's own chain and removes
/// the signatures that would betray it, hoping the clinic's next ordinary write signs the result.
/// It must not: the write is refused with nothing written, and `verify` names what was altered.
@Suite("Signature laundering: a rewritten chain is never signed by the next write")
struct LaunderingTests {
    let scratch = TemporaryDirectory("cli")

    enum Laundering: String, CaseIterable, CustomTestStringConvertible {
        /// Mia's (sealed) registration altered, every later hash and link recomputed,
        /// every signature after the enrolment deleted.
        case middleEditRehashed
        /// The head event (a pain score) edited, its hash recomputed, its signature deleted.
        case headOnlyEdit
        /// The head's signature deleted, nothing else.
        case deletedLastSignature
        /// node.head, the record of the last signed head outside the database, deleted.
        case deletedHeadRecord
        /// The last commit (one event and its signature) deleted: an older, validly signed chain.
        case truncatedToOlderSignedHead
        var testDescription: String { rawValue }
    }

    struct Snapshot: Equatable {
        var events: [String]
        var signatures: [String]
        var headRecord: Data?
    }

    func snapshot(_ store: String) throws -> Snapshot {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            Snapshot(events: try String.fetchAll(db, sql: "SELECT id || ' ' || hash || ' ' || payload FROM events ORDER BY position"),
                     signatures: try String.fetchAll(db, sql: "SELECT origin || ' ' || sequence || ' ' || signature FROM chain_signatures ORDER BY origin, sequence"),
                     headRecord: FileManager.default.contents(atPath: store + "/node.head"))
        }
    }

    func alter(_ store: String, _ laundering: Laundering, node: String) throws {
        if laundering == .deletedHeadRecord {
            try FileManager.default.removeItem(atPath: store + "/node.head")
            return
        }
        let db = try DatabaseQueue(path: store + "/myolog.sqlite")
        try db.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update; DROP TRIGGER events_refuse_delete; DROP TRIGGER chain_signatures_refuse_delete")
            let events = try TamperTests().chain(db, node)
            let head = events.last!
            func rewrite(from start: Int, _ edit: (inout EventEnvelope) -> Void) throws {
                var previous: EventHash?
                for index in start..<events.count {
                    var event = events[index]
                    if index == start { edit(&event) }
                    if let previous { event.prevHash = previous }
                    event.hash = event.computedHash
                    try db.execute(sql: "UPDATE events SET payload = ?, prevHash = ?, hash = ? WHERE id = ?",
                                   arguments: [event.payload, event.prevHash?.rawValue, event.hash.rawValue, event.id.rawValue])
                    previous = event.hash
                }
            }
            switch laundering {
            case .middleEditRehashed:
                let registration = try #require(events.firstIndex { $0.type == "PatientRegistered" })
                try rewrite(from: registration) { $0.payload = TamperTests.flipped($0.payload) }
                try db.execute(sql: "DELETE FROM chain_signatures WHERE origin = ? AND sequence >= 2", arguments: [node])
            case .headOnlyEdit:
                try rewrite(from: events.count - 1) { $0.payload = TamperTests.flipped($0.payload) }
                try db.execute(sql: "DELETE FROM chain_signatures WHERE origin = ? AND sequence = ?", arguments: [node, head.sequence])
            case .deletedLastSignature:
                try db.execute(sql: "DELETE FROM chain_signatures WHERE origin = ? AND sequence = ?", arguments: [node, head.sequence])
            case .truncatedToOlderSignedHead:
                try db.execute(sql: "DELETE FROM chain_signatures WHERE origin = ? AND sequence = ?", arguments: [node, head.sequence])
                try db.execute(sql: "DELETE FROM events WHERE id = ?", arguments: [head.id.rawValue])
            case .deletedHeadRecord:
                break
            }
        }
    }

    @Test("the next write refuses in one line and writes nothing; verify names the alteration; a peer refuses it", arguments: Laundering.allCases)
    func laundering(_ laundering: Laundering) throws {
        let (store, node, peer) = try TamperTests().clinic(in: scratch)
        let patient = try #require(JSONParser.parse(try MyologProcess.run(["--store", store, "patients", "--json", "--search", "Mia"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest.first?.objectValue?["patientId"]?.stringValue)
        let genuine = try TamperTests().hashes(store, node)
        try alter(store, laundering, node: node)
        let before = try snapshot(store)
        let altered = try TamperTests().hashes(store, node)
        let firstAltered = genuine.indices.first { $0 >= altered.count || genuine[$0] != altered[$0] } ?? genuine.count

        let write = try MyologProcess.run(["--store", store, "--as", "alex", "record", "pain", patient, "--score", "2", "--region", "neck"])
        #expect(write.status != 0, "\(laundering): the write was accepted: \(write.stdout)")
        #expect(write.stderr.contains("the local chain was altered after its last signature") || write.stderr.contains("signed up to sequence"), "\(laundering): \(write.stderr)")
        #expect(write.stderr.split(separator: "\n").count == 1, "\(laundering): \(write.stderr)")
        #expect(try snapshot(store) == before, "\(laundering): the refused write changed the store")
        // Nor does a rebuild erase the evidence in the views.
        if laundering != .truncatedToOlderSignedHead {
            #expect(try MyologProcess.run(["--store", store, "rebuild"]).status != 0, "\(laundering)")
        }

        let verify = try MyologProcess.run(["--store", store, "verify"])
        #expect(verify.status == 1, "\(laundering): \(verify.stdout)")
        #expect(verify.stdout.contains("Local chain: ALTERED"), "\(laundering): \(verify.stdout)")
        if laundering == .middleEditRehashed {
            #expect(verify.stdout.contains("Chains: BROKEN"), "\(verify.stdout)")
            // The registration no longer opens: the replay has no Mia, the views still do.
            #expect(verify.stdout.contains("patient \(patient)"), "\(verify.stdout)")
            #expect(verify.stdout.contains("do NOT rebuild"), "\(verify.stdout)")
        }
        #expect(try snapshot(store) == before, "\(laundering): verify changed the store")

        // A trusted peer takes none of the rewritten events.
        if laundering == .middleEditRehashed || laundering == .headOnlyEdit {
            #expect(try MyologProcess.run(["--store", peer, "sync", store]).status != 0, "\(laundering)")
            let received = try TamperTests().hashes(peer, node)
            #expect(received == Array(genuine.prefix(received.count)) && received.count <= firstAltered, "\(laundering): the peer took an altered event")
            #expect(try MyologProcess.run(["--store", peer, "verify"]).status == 0)
        }
    }

    @Test("what a clinician acts on comes from signed events: a view row edited in the file is not shown; a peer's altered event makes show, timeline and history refuse in one line — issue 29", arguments: [TamperTests.Tamper.flipPayloadByte, .rehashEditedScore])
    func readsCheckTheRecord(_ tamper: TamperTests.Tamper) throws {
        let (store, node, peer) = try TamperTests().clinic(in: scratch)
        #expect(try MyologProcess.run(["--store", peer, "sync", store]).status == 0)
        let database = try DatabaseQueue(path: peer + "/myolog.sqlite")
        // The patient whose four pain scores clinic() recorded: apply(_:) alters the third.
        let listed = try MyologProcess.run(["--store", store, "patients", "--json"]).stdout
        let patient = try #require(JSONParser.parse(listed.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest.first?.objectValue?["patientId"]?.stringValue)
        let name = try #require(try database.read { try String.fetchOne($0, sql: "SELECT name FROM patient_summary WHERE patient = ?", arguments: [patient]) })
        // A view row edited with sqlite3: show, folded from the signed events, shows the truth.
        try database.write { try $0.execute(sql: "UPDATE patient_summary SET name = 'Vera FORGED' WHERE patient = ?", arguments: [patient]) }
        let shown = try MyologProcess.run(["--store", peer, "show", patient])
        #expect(shown.status == 0 && shown.stdout.contains(name) && !shown.stdout.contains("FORGED"), "\(shown.stdout)\(shown.stderr)")
        // The clinic's pain score altered inside the peer's file (the peer's own chain is intact,
        // so it can still record accesses): every read of that patient refuses.
        let sequence = try TamperTests().apply(tamper, to: peer, node: node)
        #expect(try database.read { try String.fetchOne($0, sql: "SELECT patient FROM events WHERE origin = ? AND sequence = ?", arguments: [node, sequence]) } == patient)
        let event = try #require(try database.read { try String.fetchOne($0, sql: "SELECT id FROM events WHERE patient = ? ORDER BY sequence LIMIT 1", arguments: [patient]) })
        for command in [["show", patient], ["timeline", patient], ["history", event], ["show", patient, "--as-of", "2100-01-01"]] {
            let result = try MyologProcess.run(["--store", peer] + command)
            #expect(result.status != 0 && result.stderr.contains("do not check against their signed chains") && result.stdout.isEmpty, "\(command): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(command): \(result.stderr)")
        }
    }

    @Test("views edited in the file: verify names the patient, table and column but no value; values only with --show-values to a named reader, recorded first — issue 29")
    func verifyShowsNoValues() throws {
        let (store, _, _) = try TamperTests().clinic(in: scratch)
        let (patient, name) = try #require(try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            try Row.fetchOne(db, sql: "SELECT patient, name FROM patient_summary WHERE dateOfBirth IS NOT NULL ORDER BY patient").map { ($0[0] as String, $0[1] as String) }
        })
        try DatabaseQueue(path: store + "/myolog.sqlite").write { db in
            try db.execute(sql: "UPDATE patient_summary SET name = 'Vera FORGED' WHERE patient = ?", arguments: [patient])
        }
        let accesses = { try DatabaseQueue(path: store + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events WHERE type = 'RecordAccessed'") ?? 0 } }
        let before = try accesses()
        for json in [false, true] {
            let verify = try MyologProcess.run(["--store", store] + (json ? ["--json"] : []) + ["verify"], environment: MyologProcess.environment(["MYOLOG_USER": ""]))
            #expect(verify.status == 1 && verify.stdout.contains(patient) && verify.stdout.contains("name differs"), "\(verify.stdout)")
            #expect(!verify.stdout.contains("FORGED") && !verify.stdout.contains(name) && !verify.stderr.contains(name), "\(verify.stdout)")
        }
        #expect(try accesses() == before, "verify without values shows nothing and records nothing")
        let anonymous = try MyologProcess.run(["--store", store, "verify", "--show-values"], environment: MyologProcess.environment(["MYOLOG_USER": ""]))
        #expect(anonymous.status != 0 && anonymous.stderr.contains("as:") && !anonymous.stdout.contains(name), "\(anonymous.stdout)\(anonymous.stderr)")
        let shown = try MyologProcess.run(["--store", store, "--as", "auditor", "--purpose", "audit", "verify", "--show-values"])
        #expect(shown.status == 1 && shown.stdout.contains("Vera FORGED") && shown.stdout.contains(name), "\(shown.stdout)")
        #expect(try accesses() == before + 1, "the values were shown to a named reader, recorded first")
    }

    @Test("an ordinary store keeps node.head in step with its signed head, and verify says so")
    func headRecordFollowsWrites() throws {
        let (store, node, _) = try TamperTests().clinic(in: scratch)
        let record = try #require(FileManager.default.contents(atPath: store + "/node.head"))
        let head = try #require(try TamperTests().hashes(store, node).last)
        #expect(String(decoding: record, as: UTF8.self).contains(head))
        var status = stat()
        #expect(stat(store + "/node.head", &status) == 0 && status.st_mode & 0o777 == 0o600)
        let verify = try MyologProcess.run(["--store", store, "verify"])
        #expect(verify.status == 0 && verify.stdout.contains("Local chain: ok"), "\(verify.stdout)")
    }
}

@Suite("Restoring a store from a backup")
struct RestoreTests {
    let scratch = TemporaryDirectory("cli")

    @Test("a backup older than the signed head writes nothing of its own until sync brings its own events back from a peer")
    func restoredBackupCatchesUpFromPeer() throws {
        let (store, node, peer) = try TamperTests().clinic(in: scratch)
        let backup = scratch.path("backup.sqlite")
        let copied = try MyologProcess.run(["sqlite3", store + "/myolog.sqlite", ".backup '\(backup)'"], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(copied.status == 0, "\(copied.stderr)")
        // Read with SQLite: a `patients` read would be an event of its own.
        let patient = try #require(try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchOne($0, sql: "SELECT patient FROM patient_summary ORDER BY patient") })
        for score in [5, 6] {
            #expect(try MyologProcess.run(["--store", store, "--as", "alex", "record", "pain", patient, "--score", "\(score)", "--region", "neck"]).status == 0)
        }
        // The sync records what it disclosed after moving the events; the second carries that record too.
        #expect(try MyologProcess.run(["--store", store, "sync", peer]).status == 0)
        #expect(try MyologProcess.run(["--store", store, "sync", peer]).status == 0)
        let genuine = try TamperTests().hashes(store, node)

        // The machine's disk is restored from the backup; node.key and node.head are as they were.
        for file in ["", "-wal", "-shm"].map({ store + "/myolog.sqlite" + $0 }) where FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
        try FileManager.default.copyItem(atPath: backup, toPath: store + "/myolog.sqlite")
        let refused = try MyologProcess.run(["--store", store, "--as", "alex", "record", "pain", patient, "--score", "1", "--region", "neck"])
        #expect(refused.status != 0 && refused.stderr.contains("signed up to sequence \(genuine.count)"), "\(refused.stderr)")
        #expect(try TamperTests().hashes(store, node) == Array(genuine.dropLast(3)), "the two scores and the record of their disclosure")
        #expect(try MyologProcess.run(["--store", store, "verify"]).status == 1)

        // Its own missing events come back from the peer, under its own signatures.
        let sync = try MyologProcess.run(["--store", store, "sync", peer])
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        #expect(try TamperTests().hashes(store, node) == genuine)
        #expect(try MyologProcess.run(["--store", store, "--as", "alex", "record", "pain", patient, "--score", "1", "--region", "neck"]).status == 0)
        // The sync named the restore as a rollback of this very node, and verify lists it (exit 1)
        // until an operator acknowledges it (StatusCLITests covers the whole-directory case).
        #expect(sync.stderr.contains("rollback: ") && sync.stderr.contains("(node \(node)) held its own chain only up to sequence \(genuine.count - 3)"), "\(sync.stderr)")
        let named = try MyologProcess.run(["--store", store, "verify"])
        #expect(named.status == 1 && named.stdout.contains("Rollbacks: 1 unacknowledged"), "\(named.stdout)")
        #expect(try MyologProcess.run(["--store", store, "--as", "alex", "status", "--acknowledge", node]).status == 0)
        let verify = try MyologProcess.run(["--store", store, "verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }
}
