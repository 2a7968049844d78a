import EventLog
import Foundation
import GRDB
import Testing

/// Someone with the store file and plain `sqlite3` (triggers dropped) alters history: every kind
/// of alteration is found by `myolog verify`, naming the first bad event, and refused by a
/// trusted peer, which keeps everything before it.
@Suite("Tampering with a store file")
struct TamperTests {
    let scratch = Scratch()

    enum Tamper: String, CaseIterable, CustomTestStringConvertible {
        case flipPayloadByte, rehashEditedScore, swapTwoEvents, deleteFromTheMiddle, replayUnderNewSequence
        var testDescription: String { rawValue }
    }

    /// A clinic store (several commits, so several signatures) and a fresh peer that trusts it.
    func clinic() throws -> (store: String, node: String, peer: String) {
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
                try db.execute(sql: "UPDATE events SET payload = replace(payload, '\"score\":', '\"score\":1') WHERE id = ?", arguments: [target.id.rawValue])
                return target.sequence
            case .rehashEditedScore:
                // The forger edits a score and recomputes every hash after it — without the key.
                var previous: EventHash?
                for index in pain..<events.count {
                    var event = events[index]
                    if index == pain { event.payload = event.payload.replacingOccurrences(of: "\"score\":", with: "\"score\":9") }
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
        #expect(sync.stderr.contains("refused") || sync.stderr.contains("gap"), "\(tamper): \(sync.stderr)")
        let received = try hashes(peer, node)
        #expect(received == Array(genuine.prefix(received.count)), "\(tamper): the peer holds something that is not the genuine chain")
        #expect(received.count < sequence, "\(tamper): the peer holds the altered place")
        #expect(received.count >= 5, "\(tamper): the peer kept nothing from before the alteration")
        #expect(try MyologProcess.run(["--store", peer, "verify"]).status == 0)
    }
}
