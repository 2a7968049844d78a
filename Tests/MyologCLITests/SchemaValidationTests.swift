import ClinicalEvents
import EventLog
import Foundation
import Testing
import MyologTestSupport
import EventModel

/// `log --json` checked by an independent implementation: Python's `jsonschema` against
/// `Schemas/`, and hashes and chain links recomputed with Python's `hashlib` (Tools/check-log.py).
@Suite("Schemas, checked independently")
struct SchemaValidationTests {
    let scratch = TemporaryDirectory("cli")
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = URL(fileURLWithPath: "/usr/bin/env")

    func checkLog(_ file: String) throws -> MyologProcess.Result {
        try MyologProcess.run(["python3", Self.root.appendingPathComponent("Tools/check-log.py").path, file], executable: Self.python)
    }

    /// The demo store plus a version-1 pain score: every event type and schema version.
    func storeWithEveryEventType() throws -> (store: String, log: String) {
        let store = scratch.path("demo")
        let demo = try MyologProcess.run(["demo", "tour", "--store", store])
        #expect(demo.status == 0, "\(demo.stderr)")
        let opened = try EventStore.open(at: URL(fileURLWithPath: store))
        let anyPatient = try opened.read { reader -> PatientID in
            var found: PatientID?
            try reader.forEachEvent(types: [PatientRegistered.eventType]) { found = found ?? $0.patient }
            return found!
        }
        try opened.append([NewEvent(type: "PainScoreRecorded", schemaVersion: 1, patient: anyPatient, payload: ["score": 5, "region": "neck"])], author: "old build")
        // Retention and erasure: a policy, a hold placed and released, and another patient erased.
        let other = try opened.read { reader -> PatientID in
            var found: [PatientID] = []
            try reader.forEachEvent(types: [PatientRegistered.eventType]) { if let patient = $0.patient { found.append(patient) } }
            return found.first { $0 != anyPatient }!
        }
        var hold = ""
        // Sign-off and co-signature (issue 33): the patient's first ended visit signed off with
        // `visit sign`; a co-signature as a store writes one (the CLI co-signs only a student's
        // entry); the store's late-entry rule.
        let (visit, entry) = try opened.read { reader -> (EventID, EventID) in
            let events = try reader.events(patient: anyPatient)
            let ended = events.compactMap { (try? $0.payloadValue())?.objectValue?["visit"]?.stringValue }.first { id in events.contains { $0.id.rawValue == id } }
            return (EventID(ended!)!, events.first { $0.type == PainScoreRecorded.eventType }!.id)
        }
        try opened.append([NewEvent(type: EntryCoSigned.eventType, schemaVersion: 1, patient: anyPatient, payload: ["events": .array([.string(entry.rawValue)])])], author: "supervisor")
        for arguments in [["visit", "sign", visit.rawValue], ["site", "late-entry", "24h"]] {
            let result = try MyologProcess.run(["--store", store, "--as", "sam"] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        for arguments in [["retention", "policy", "--years", "8"], ["retention", "hold", anyPatient.rawValue, "--reason", "Claim pending"],
                          ["retention", "release", "HOLD", "--reason", "Settled"],
                          ["erase", "--yes", other.rawValue, "--basis", "request", "--reason", "Asked in writing"]] {
            let result = try MyologProcess.run(["--store", store, "--as", "po"] + arguments.map { $0 == "HOLD" ? hold : $0 })
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            if arguments[1] == "hold" { hold = result.lastWord }
        }
        // Another store applies the erasure and acknowledges it (ErasureAcknowledged); a second
        // sync brings the acknowledgement back.
        let relay = scratch.path("relay")
        #expect(try MyologProcess.run(["--store", relay, "init", "--site", "Relay"]).status == 0)
        try MyologProcess.trustEachOther(store, relay)
        for _ in 0..<2 { #expect(try MyologProcess.run(["--store", store, "sync", relay]).status == 0) }
        let log = try MyologProcess.run(["--store", store, "log", "--json"])
        #expect(log.status == 0, "\(log.stderr)")
        let file = scratch.path("log.json")
        try log.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        return (store, file)
    }

    @Test("log --json of a store holding every event type validates, is canonical and hash-chained")
    func validates() throws {
        let (_, file) = try storeWithEveryEventType()
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let types = Set(text.matches(of: /"type":"([A-Za-z]+)"/).map { String($0.1) })
        #expect(types == Set(ClinicalEvent.payloadTypes.map { $0.eventType } + [SystemEventType.nodeEnrolled, RecordAccessed.eventType]))
        #expect(text.contains(#""schemaVersion":1,"sequence":"#) && text.contains(#""schemaVersion":2,"#))
        let result = try checkLog(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("ok: "))
    }

    @Test("the independent check is not a rubber stamp: altered logs fail it", arguments: [
        (#""sealed":""#, #""sealed":"AAAA"#, "hash does not match"),  // a sealed payload's bytes, altered (still base64)
        (#""sealed":""#, #""sealed":"A"#, "schema"),  // no longer canonical base64
        (#""author":"frontdesk.jo""#, #""author":"frontdesk.j0""#, "hash does not match"),
        (#""score":7"#, #""score":11"#, "schema"),
        (#""muscle":"upper-trapezius""#, #""muscle":"heart""#, "schema"),
    ])
    func tamperFails(find: String, replace: String, expected: String) throws {
        let (_, file) = try storeWithEveryEventType()
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let range = try #require(text.range(of: find))
        try text.replacingCharacters(in: range, with: replace).write(toFile: file, atomically: true, encoding: .utf8)
        let result = try checkLog(file)
        #expect(result.status != 0)
        #expect(result.stdout.contains(expected), "\(result.stdout)\(result.stderr)")
    }

    @Test("a dropped event breaks the chain for the independent check")
    func droppedEvent() throws {
        let (_, file) = try storeWithEveryEventType()
        var lines = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
        lines.remove(at: 5)
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try checkLog(file)
        #expect(result.status != 0)
        #expect(result.stdout.contains("sequence"), "\(result.stdout)")
    }
}
