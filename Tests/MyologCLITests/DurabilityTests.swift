import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventSync

/// A writer killed with SIGKILL mid-write, at a seeded point, leaves whole transactions only.
@Suite("Durability")
struct DurabilityTests {
    let scratch = TemporaryDirectory("cli")

    @Test("kill -9 during bulk appends: integrity ok, gap-free, every hash and link recomputes, whole patients only",
          arguments: [11, 22, 33] as [UInt64])
    func killedWriter(seed: UInt64) throws {
        let store = scratch.path("store-\(seed)")
        let created = try MyologProcess.run(["--store", store, "init", "--site", "Kill test"])
        #expect(created.status == 0)
        // Killed without warning once a seeded number of patients (2 to 21) has committed: the
        // writer is then seen mid-stream, whatever the machine's speed.
        let patients = 2 + Int(seed * 7919 % 20)
        let killed = try MyologProcess.killed(
            ["--store", store, "demo", "generate", "--patients", "1000000", "--events-per-patient", "50", "--seed", String(seed)],
            once: { try MyologProcess.count(store, "SELECT count(*) FROM events") >= 2 + 50 * patients })
        #expect(killed, "the writer ended before it was killed")

        let raw = try DatabaseQueue(path: store + "/myolog.sqlite")
        #expect(try raw.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        let opened = try EventStore.open(at: URL(fileURLWithPath: store))
        let check = try opened.read { try ChainCheck.run($0) }
        let count = try opened.read { try $0.eventCount() }
        #expect(check.totalEvents == count)
        #expect(count >= 2 + 50 * patients, "\(count) events: fewer than were seen committed before the kill")
        // Beside init's two (the enrolment, the site's time zone), one transaction per patient of
        // 50 events: anything but whole patients is a torn write.
        #expect((count - 2) % 50 == 0, "\(count - 2) events is not a whole number of patients")
        // The store goes on: the next append continues the chain.
        let next = try MyologProcess.run(["--store", store, "demo", "generate", "--patients", "1", "--events-per-patient", "5", "--seed", "99"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try opened.read { try ChainCheck.run($0).totalEvents } == count + 5)
    }

    @Test("kill -9 during a sync: the next sync completes, nothing lost or duplicated, integrity ok")
    func killedSync() throws {
        let source = scratch.path("source"), target = scratch.path("target")
        let generated = try MyologProcess.run(["--store", source, "demo", "generate", "--patients", "120", "--events-per-patient", "50", "--seed", "5"])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(try MyologProcess.run(["--store", target, "init", "--site", "Target"]).status == 0)
        try MyologProcess.trustEachOther(source, target)
        // Killed once the target holds a sixth of the source's events: mid-sync, on any machine.
        let killed = try MyologProcess.killed(["--store", target, "sync", source, "--batch-size", "25"],
                                              once: { try MyologProcess.count(target, "SELECT count(*) FROM events") >= 1_000 })
        #expect(killed, "the sync ended before it was killed")
        // Access records (the sync's disclosures) are written after the events moved: left out here.
        func ids(_ store: String) throws -> [String] {
            try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT id FROM events WHERE type <> 'RecordAccessed' ORDER BY id") }
        }
        let partial = try ids(target)
        #expect(partial.count > 1 && partial.count < 6002, "\(partial.count) events: the sync was not killed mid-way")
        #expect(try DatabaseQueue(path: target + "/myolog.sqlite").read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        let resumed = try MyologProcess.run(["--store", target, "sync", source])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let all = try ids(target)
        #expect(Set(all).count == all.count)
        #expect(Set(try ids(source)).isSubset(of: Set(all)))
        #expect(all.count == 6001 + 2, "\(partial.count) events before the kill (and the target's enrolment and time zone)")
        let opened = try EventStore.open(at: URL(fileURLWithPath: target))
        // verify checks every event: the resumed sync also carried access records the source wrote during the killed one.
        #expect(try opened.read { try ChainCheck.run($0).totalEvents == $0.eventCount() })
        // One more sync carries the source's record of what it disclosed; then nothing is left to move.
        _ = try MyologProcess.run(["--store", target, "sync", source])
        let again = try MyologProcess.run(["--store", target, "sync", source])
        #expect(again.stdout.contains("nothing to move"), "\(again.stdout)")
    }
}
