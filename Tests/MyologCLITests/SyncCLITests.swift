import ClinicalEvents
import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

@Suite("myolog sync (path)")
struct SyncCLITests {
    let scratch = TemporaryDirectory("cli")

    func events(_ store: String) throws -> Set<String> {
        Set(try eventList(store))
    }

    /// The store's events other than access records: every read and sync writes one of those at
    /// the store where it ran, so stores converge on them only after a further sync (the audit
    /// tests check that they do).
    func eventList(_ store: String) throws -> [String] {
        let db = try DatabaseQueue(path: store + "/myolog.sqlite")
        return try db.read { try String.fetchAll($0, sql: "SELECT id || ' ' || hash FROM events WHERE type <> 'RecordAccessed' ORDER BY id") }
    }

    /// How many events `demo tour` wrote (the sample patients change; the tests count them).
    func demoEvents(_ store: String) throws -> Int {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events WHERE type <> 'RecordAccessed'") ?? 0 }
    }

    func run(_ arguments: [String]) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result
    }

    @Test("two stores written offline end with the same events and byte-identical views; events relay; a second sync moves nothing")
    func converge() throws {
        let a = scratch.path("a"), b = scratch.path("b"), c = scratch.path("c")
        _ = try run(["demo", "tour", "--store", a])
        let demo = try demoEvents(a)
        _ = try run(["--store", b, "init", "--site", "Brunswick"])
        _ = try run(["--store", c, "init", "--site", "Laptop"])
        try MyologProcess.trustEachOther(a, b, c)
        let zed = try run(["--store", b, "--as", "bo", "patient", "register", "--name", "Zed Lee", "--dob", "1970-01-01"]).lastWord
        _ = try run(["--store", b, "--as", "bo", "record", "pain", zed, "--score", "4", "--region", "knee"])
        let first = try run(["--store", b, "--json", "sync", a])
        let moved = try JSONParser.parse(first.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(moved.objectValue?["received"]?.objectValue?.values.compactMap(\.intValue).reduce(0, +) == demo)
        // B's enrolment, its time zone, Zed's registration and pain score.
        #expect(moved.objectValue?["sent"]?.objectValue?.values.compactMap(\.intValue).reduce(0, +) == 4)
        // Zed's record reaches C through B: relayed, not from its origin.
        _ = try run(["--store", c, "sync", b])
        #expect(try events(b) == events(c))
        // A lacks only C's enrolment and time zone now, and B's record of what it disclosed to C.
        let last = try run(["--store", a, "sync", c])
        #expect(last.stdout.contains("received 3 events"), "\(last.stdout)")
        #expect(try events(a) == events(b))
        for store in [a, b, c] {
            #expect(try run(["--store", store, "patients", "--json"]).stdout == run(["--store", a, "patients", "--json"]).stdout)
            #expect(try run(["--store", store, "show", zed, "--json"]).stdout == run(["--store", a, "show", zed, "--json"]).stdout)
        }
        // The reads above were recorded at each store; one sync moves those access records (and
        // discloses no patient, so records nothing new); the next moves nothing.
        _ = try run(["--store", a, "sync", c])
        let again = try run(["--store", a, "sync", c])
        #expect(again.stdout.contains("nothing to move"), "\(again.stdout)")
        // The stores keep working after sync: a write on A continues A's chain with C's clock in it.
        _ = try run(["--store", c, "--as", "cy", "record", "pain", zed, "--score", "2", "--region", "knee"])
        _ = try run(["--store", a, "sync", c, "--batch-size", "1"])
        let check = try MyologProcess.run(["--store", a, "log", "--json"])
        let file = scratch.path("log.json")
        try check.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let independent = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-log.py").path, file],
                                                executable: SchemaValidationTests.python)
        #expect(independent.stdout.contains("3 origins"), "\(independent.stdout)")
    }

    @Test("a cloned store that wrote on its own is a fork: each side quarantines the other's event, sync and verify exit 3 until an operator decides, nothing merged")
    func fork() throws {
        let a = scratch.path("a"), clone = scratch.path("clone"), other = scratch.path("other")
        _ = try run(["demo", "tour", "--store", a])
        let fork = try demoEvents(a) + 1  // the sequence at which A and its copy diverge
        // A third store, trusted by A (and so by its copy, made after), for the relay check below.
        _ = try run(["--store", other, "init", "--site", "Other"])
        try MyologProcess.trustEachOther(other, a)
        try FileManager.default.copyItem(atPath: a, toPath: clone)
        // The patient's id read with SQLite: a `patients` read would be A's own next event.
        let id = try #require(try DatabaseQueue(path: a + "/myolog.sqlite").read { try String.fetchOne($0, sql: "SELECT patient FROM patient_summary ORDER BY patient") })
        _ = try run(["--store", a, "--as", "alex", "record", "pain", id, "--score", "3", "--region", "neck"])
        _ = try run(["--store", clone, "--as", "mallory", "record", "pain", id, "--score", "9", "--region", "neck"])
        _ = try run(["--store", clone, "--as", "mallory", "record", "pain", id, "--score", "8", "--region", "neck"])
        let beforeA = try events(a), beforeClone = try events(clone)
        let result = try MyologProcess.run(["--store", a, "sync", clone])
        #expect(result.status == 3)
        #expect(result.stderr.contains("fork") && result.stderr.contains("sequence \(fork)"), "\(result.stderr)")
        #expect(result.stderr.contains("copy"), "the same node id on both sides is named: \(result.stderr)")
        #expect(try events(a) == beforeA)
        #expect(try events(clone) == beforeClone)
        // Both sides hold the other's event at the fork as evidence, and keep saying so.
        for (store, author) in [(a, "mallory"), (clone, "alex")] {
            let forks = try MyologProcess.run(["--store", store, "forks", "--json"])
            #expect(forks.status == 3)
            let list = try JSONParser.parse(forks.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest
            #expect(list.count == 1)
            #expect(list.first?.objectValue?["sequence"] == .int(fork))
            #expect(list.first?.objectValue?["quarantinedEvent"]?.objectValue?["author"] == .string(author))
            #expect(try MyologProcess.run(["--store", store, "verify"]).status == 3)
        }
        let second = try MyologProcess.run(["--store", a, "sync", clone])
        #expect(second.status == 3, "a second sync still reports the fork")
        #expect(!second.stdout.contains("Already in sync") && second.stdout.contains("forked"), "a fork is not 'in sync': \(second.stdout)")
        // A third store that syncs with the clone first will not take A's diverging history either.
        _ = try run(["--store", other, "sync", clone])
        let relayed = try MyologProcess.run(["--store", other, "sync", a])
        #expect(relayed.status == 3 && relayed.stderr.contains("fork"), "\(relayed.stderr)")
        // An operator's decision stops the alarm on that store; the quarantined event stays out of the log.
        let node = try #require(try JSONParser.parse(try run(["--store", a, "id", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["nodeId"]?.stringValue)
        func decisions() throws -> Int { try DatabaseQueue(path: a + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM fork_decisions") ?? -1 } }
        let beforeRefusal = try events(a)
        let refused = try MyologProcess.run(["--store", a, "--as", "manager", "forks", "decide", node, String(fork - 1), "--note", "x"])
        #expect(refused.status != 0 && refused.stderr.contains("fork:"), "\(refused.stderr)")
        #expect(try decisions() == 0 && events(a) == beforeRefusal, "a refused decision writes nothing")
        // A note that would drive the terminal (clear the screen, print a line of its own) is refused too.
        let escaping = try MyologProcess.run(["--store", a, "--as", "manager", "forks", "decide", node, String(fork), "--note", "ok\u{1B}[2J\u{1B}[H\nNo forks."])
        #expect(escaping.status != 0 && escaping.stderr.contains("note:") && !escaping.stderr.contains("\u{1B}"), "\(escaping.stderr)")
        #expect(try decisions() == 0 && events(a) == beforeRefusal, "a refused note writes nothing")
        let decided = try run(["--store", a, "--as", "manager", "forks", "decide", node, String(fork), "--note", "clone discarded; laptop re-initialised"])
        #expect(decided.stdout.contains("never merged"), "the operator is told the copy's entries will not arrive: \(decided.stdout)")
        #expect(try MyologProcess.run(["--store", a, "verify"]).status == 0)
        #expect(try events(a).isSuperset(of: beforeA))
        #expect(try events(a).isDisjoint(with: beforeClone.subtracting(beforeA)), "none of the clone's diverging events entered A's log")
    }

    @Test("bundles: export, import, import again (no-op), and a delta for the receiver's clock")
    func bundles() throws {
        let a = scratch.path("a"), b = scratch.path("b"), file = scratch.path("all.myolog"), delta = scratch.path("delta.myolog")
        _ = try run(["demo", "tour", "--store", a])
        let demo = try demoEvents(a)
        _ = try run(["--store", b, "init", "--site", "Remote"])
        try MyologProcess.trustEachOther(a, b)
        try MyologProcess.enrol(b, into: a, via: file)
        // The demo's events and B's own enrolment and time zone, which A holds now.
        let exported = try run(["--store", a, "bundle", "export", "--out", file, "--force", "--for", MyologProcess.nodeID(b)])
        #expect(exported.stdout.contains("Exported \(demo + 2) events"), "\(exported.stdout)\(exported.stderr)")
        let first = try run(["--store", b, "bundle", "import", file]).stdout
        #expect(first.contains("Imported \(demo) events") && first.contains("Stored the keys of 4 patients"), "\(first)")
        #expect(try run(["--store", b, "bundle", "import", file]).stdout.contains("Nothing new"))
        let patients = try run(["--store", a, "patients", "--json"]).stdout
        #expect(try run(["--store", b, "patients", "--json"]).stdout == patients)
        let id = try JSONParser.parse(patients.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest[0].objectValue!["patientId"]!.stringValue!
        _ = try run(["--store", a, "--as", "alex", "record", "pain", id, "--score", "2", "--region", "neck"])
        let clock = try JSONParser.parse(try run(["--store", b, "id", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue!["clock"]!.canonicalString
        // The new pain score, and A's access records since B's clock (the export for B, the listing).
        let deltaExport = try run(["--store", a, "bundle", "export", "--out", delta, "--for-clock", clock]).stdout
        let exportedCount = try #require(deltaExport.firstMatch(of: /Exported (\d+) event/).map { String($0.1) })
        #expect(try run(["--store", b, "bundle", "import", delta]).stdout.contains("Imported \(exportedCount) event"))
        #expect(try events(a).isSubset(of: events(b)))
    }

    @Test("truncated, corrupted, foreign and gapped bundles are refused whole (seeded cuts and flips)", arguments: 0..<12)
    func badBundles(seed: Int) throws {
        let a = scratch.path("a"), b = scratch.path("b"), file = scratch.path("all.myolog"), bad = scratch.path("bad.myolog")
        _ = try run(["demo", "tour", "--store", a])
        _ = try run(["--store", b, "init", "--site", "Remote"])
        try MyologProcess.trustEachOther(a, b)
        _ = try run(["--store", a, "bundle", "export", "--out", file])
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
        var rng = SeededGenerator(seed: UInt64(seed))
        switch seed % 4 {
        case 0: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count - 1))))                 // cut anywhere
        case 1: bytes[Int(rng.next() % UInt64(bytes.count - 2))] ^= 1 << UInt8(rng.next() % 8)           // flip one bit
        case 2: bytes = Array("{\"format\":\"zip\"}\n".utf8) + bytes.drop(while: { $0 != UInt8(ascii: "\n") }).dropFirst()  // foreign header
        default:                                                                                        // drop an event line
            var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            lines.remove(at: 2 + Int(rng.next() % 50))
            bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: bad))
        let before = try events(b)
        let result = try MyologProcess.run(["--store", b, "bundle", "import", bad])
        #expect(result.status != 0, "seed \(seed) accepted")
        #expect(result.stderr.hasPrefix("myolog: error: bundle: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try events(b) == before, "seed \(seed) wrote something")
    }

    @Test("a bundle that starts beyond this store's clock is held back, then stored in order when the missing events arrive")
    func bundleGapHeldBack() throws {
        let a = scratch.path("a"), b = scratch.path("b"), late = scratch.path("late.myolog"), all = scratch.path("all.myolog")
        _ = try run(["demo", "tour", "--store", a])
        let late30 = try demoEvents(a) - 30  // A's events after the first 30
        _ = try run(["--store", b, "init", "--site", "Remote"])
        try MyologProcess.trustEachOther(a, b)
        let node = try #require(try JSONParser.parse(try run(["--store", a, "id", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["nodeId"]?.stringValue)
        try MyologProcess.enrol(b, into: a, via: all)
        #expect(try run(["--store", a, "bundle", "export", "--out", late, "--for-clock", "{\"\(node)\":30}"]).stdout.contains("Exported \(late30 + 2) events"), "\(late30) of A, B's enrolment and time zone")
        let before = try events(b)
        let held = try run(["--store", b, "bundle", "import", late])
        #expect(held.stdout.contains("\(late30) events held back"), "\(held.stdout)")
        #expect(try events(b) == before, "held-back events are not in the log")
        let verify = try MyologProcess.run(["--store", b, "verify"])
        #expect(verify.status == 0 && verify.stdout.contains("Held back: \(late30) events of origin \(node)"), "\(verify.stdout)")
        _ = try run(["--store", a, "bundle", "export", "--out", all, "--force", "--for", MyologProcess.nodeID(b)])
        let filled = try run(["--store", b, "bundle", "import", all])
        // A's demo events and A's access records (its exports for B were disclosures).
        #expect(filled.stdout.contains(/Imported [0-9]+ events/), "\(filled.stdout)")
        #expect(try events(a).isSubset(of: events(b)))
        #expect(try MyologProcess.run(["--store", b, "verify"]).stdout.contains("Held back") == false)
        #expect(try run(["--store", b, "patients", "--json"]).stdout == run(["--store", a, "patients", "--json"]).stdout)
    }

    @Test("a bundle of another format version is refused, store unchanged")
    func bundleWrongVersion() throws {
        let a = scratch.path("a"), b = scratch.path("b"), file = scratch.path("all.myolog"), bad = scratch.path("v9.myolog")
        _ = try run(["demo", "tour", "--store", a])
        _ = try run(["--store", b, "init", "--site", "Remote"])
        try MyologProcess.trustEachOther(a, b)
        _ = try run(["--store", a, "bundle", "export", "--out", file])
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let header = try #require(text.split(separator: "\n", maxSplits: 1).first)
        #expect(header.contains("\"version\":3"))
        try text.replacingOccurrences(of: String(header), with: header.replacingOccurrences(of: "\"version\":3", with: "\"version\":9")).write(toFile: bad, atomically: true, encoding: .utf8)
        let before = try eventList(b)
        let result = try MyologProcess.run(["--store", b, "bundle", "import", bad])
        #expect(result.status != 0 && result.stderr.contains("version 9 is not supported"), "\(result.stderr)")
        #expect(try eventList(b) == before)
    }

    @Test("a bundle cut at every 1 KiB boundary is refused whole, one line, store unchanged")
    func bundleCutEveryKiB() throws {
        let a = scratch.path("a"), b = scratch.path("b"), file = scratch.path("all.myolog"), cut = scratch.path("cut.myolog")
        _ = try run(["demo", "tour", "--store", a])
        _ = try run(["--store", b, "init", "--site", "Remote"])
        try MyologProcess.trustEachOther(a, b)
        _ = try run(["--store", a, "bundle", "export", "--out", file])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let before = try eventList(b)
        var cuts = 0
        for length in stride(from: 0, to: bytes.count, by: 1024) {
            try bytes.prefix(length).write(to: URL(fileURLWithPath: cut))
            let result = try MyologProcess.run(["--store", b, "bundle", "import", cut])
            #expect(result.status != 0, "cut at \(length) accepted")
            #expect(result.stderr.hasPrefix("myolog: error: bundle: ") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            cuts += 1
        }
        #expect(cuts >= 30)
        #expect(try eventList(b) == before)
    }

    @Test("syncing with nothing, or with itself, is refused and changes nothing", arguments: ["missing", "self"])
    func refusals(_ which: String) throws {
        let a = scratch.path("a")
        _ = try run(["demo", "tour", "--store", a])
        let before = try events(a)
        let result = try MyologProcess.run(["--store", a, "sync", which == "self" ? a : scratch.path("missing")])
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("peer:") && !result.stderr.contains("myolog init"), "\(result.stderr)")
        #expect(try events(a) == before)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("missing")))
    }
}

extension JSONValue {
    var arrayValueForTest: [JSONValue] {
        if case .array(let elements) = self { return elements }
        return []
    }
}
