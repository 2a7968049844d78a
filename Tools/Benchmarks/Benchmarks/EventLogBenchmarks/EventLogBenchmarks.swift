import Benchmark
import ClinicalEvents
import ClinicalFold
import ClinicalLog
import EventLog
import EventModel
import EventSync
import Foundation
import GRDB
import Logging
import Projections
import SyncHTTP

/// Release-mode figures for the event log (issue: the event log). Each benchmark says what one
/// iteration is; events/s = iterations/s × events per iteration.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(10),
        maxIterations: 100_000)

    // One iteration = one transaction of 50 events for one patient (a first consultation and
    // visits), every hash computed, synchronous=FULL commit.
    Benchmark("bulk append: 1 transaction × 50 events") { benchmark in
        try BenchmarkStores.bulkAppend(benchmark, into: BenchmarkStores.fresh("bulk"))
    }

    // The floor: the same rows (copied from a Myolog store) inserted with one cached GRDB
    // statement into the same schema, 50 rows per transaction, synchronous=FULL. No hashing, no
    // envelope building: what SQLite itself costs. One iteration = one 50-row transaction.
    Benchmark("floor: raw SQLite insert of the same rows, 1 transaction × 50") { benchmark in
        let source = try BenchmarkStores.fresh("floor-source")
        let envelopes = try (0..<benchmark.scaledIterations.count).flatMap { _ in try source.append(BenchmarkStores.patientBatch(events: 50), author: "bench") }
        let target = try BenchmarkStores.fresh("floor-target")
        defer { BenchmarkStores.remove(source); BenchmarkStores.remove(target) }
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let database = try DatabaseQueue(path: target.directory.appendingPathComponent(EventStore.databaseFileName).path, configuration: configuration)
        let origin = target.identity.nodeID.rawValue
        let rows: [StatementArguments] = envelopes.enumerated().map { index, e in
            [e.id.rawValue, origin, index + 2, e.clock.description, e.lamport + 1, e.recordedAt.description, e.occurredAt.description,
             e.author, e.patient?.rawValue, e.type, e.schemaVersion, e.payload, e.prevHash?.rawValue, e.hash.rawValue]
        }
        benchmark.startMeasurement()
        for start in stride(from: 0, to: rows.count, by: 50) {
            try database.inTransaction(.immediate) { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO events (id, origin, sequence, clock, lamport, recordedAt, occurredAt, author, patient, type, schemaVersion, payload, prevHash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in rows[start..<min(start + 50, rows.count)] { try insert.execute(arguments: row) }
                return .commit
            }
        }
        benchmark.stopMeasurement()
        let inserted = try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events WHERE origin = ? AND sequence > 1", arguments: [origin]) }
        try check(inserted == rows.count, "floor: \(inserted ?? 0) rows in the table, \(rows.count) inserted")
    }

    // As "bulk append", with the patient views folded in the same transaction (what the CLI does).
    Benchmark("bulk append with patient views: 1 transaction × 50 events") { benchmark in
        try BenchmarkStores.bulkAppend(benchmark, into: BenchmarkStores.fresh("bulk-views", projections: [PatientProjection()]))
    }

    // One iteration = one pain score appended in its own durable transaction (fsync).
    Benchmark("single durable append") { benchmark in
        let store = try BenchmarkStores.fresh("single")
        defer { BenchmarkStores.remove(store) }
        let patient = PatientID.make()
        let event = ClinicalSession.event(PainScoreRecorded(score: 4, region: "neck", context: "pre"), patient: patient)
        let before = try store.read { try $0.eventCount() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try store.append([event], author: "bench")
        }
        benchmark.stopMeasurement()
        try BenchmarkStores.verify(store, holds: before + benchmark.scaledIterations.count, "single durable append")
    }

    // One iteration = one clinical write through every check (patient lookup, open visit,
    // vocabulary) in a 50-event patient transaction, as `myolog demo generate` writes.
    Benchmark("clinical write path: 1 patient × 50 events", configuration: .init(maxDuration: .seconds(10), maxIterations: 2000)) { benchmark in
        let store = try BenchmarkStores.fresh("clinical")
        defer { BenchmarkStores.remove(store) }
        let record = ClinicalRecord(store: store)
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            try SyntheticClinic(patients: 1, eventsPerPatient: 50, seed: UInt64(iteration)).generate(into: record)
        }
        benchmark.stopMeasurement()
        let patients = try store.read { try $0.patients(withEventsOf: [PatientRegistered.eventType]).count }
        try check(patients == benchmark.scaledIterations.count, "clinical write path: \(patients) patients registered, \(benchmark.scaledIterations.count) written")
        try BenchmarkStores.verify(store, "clinical write path")
    }

    // One iteration = every event of one random patient (≈50) read and decoded from a
    // 1,000,000-event store, through the patient index.
    Benchmark("patient's events on a 1,000,000-event store", configuration: .init(maxDuration: .seconds(5))) { benchmark in
        let store = try BenchmarkStores.million()
        let patients = try store.read { reader -> [PatientID] in
            var ids: [PatientID] = []
            try reader.forEachEvent(types: [PatientRegistered.eventType]) { if ids.count < 5000, let p = $0.patient { ids.append(p) } }
            return ids
        }
        var rng = SplitMix64(seed: 7)
        var read = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let patient = patients[Int(rng.next() % UInt64(patients.count))]
            let events = try store.read { try $0.events(patient: patient) }
            for event in events { blackHole(try ClinicalEvent.decode(event)) }
            read += events.count
        }
        benchmark.stopMeasurement()
        // Every patient of the cached store has 50 events.
        try check(read == 50 * benchmark.scaledIterations.count, "patient's events: \(read) events read for \(benchmark.scaledIterations.count) patients of 50")
    }

    // One iteration = drop the patient views and fold all 1,000,000 events again (one transaction).
    Benchmark("rebuild: 1,000,000 events", configuration: .init(warmupIterations: 0, maxDuration: .seconds(120), maxIterations: 3)) { benchmark in
        let store = try BenchmarkStores.million()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try store.rebuildProjections() }
        benchmark.stopMeasurement()
        let listed = try store.read { try PatientViews($0).patients().count }
        try check(listed == 20_000, "rebuild: \(listed) patients in the rebuilt views, 20,000 in the log")
    }

    // One iteration = fold one patient's 500 events (decode, causal sort, corrections) into a record.
    Benchmark("re-fold one patient of 500 events") { benchmark in
        let store = try BenchmarkStores.fresh("refold")
        defer { BenchmarkStores.remove(store) }
        let batch = BenchmarkStores.patientBatch(events: 500)
        let patient = batch[0].patient!
        try store.append(batch, author: "bench")
        let events = try store.read { try $0.events(patient: patient) }
        try check(events.count == 500, "re-fold: \(events.count) events stored for the patient, 500 appended")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try CanonicalEncoder().string(PatientFold.fold(patient, events: events).view)) }
        benchmark.stopMeasurement()
        let folded = try CanonicalEncoder().string(PatientFold.fold(patient, events: events).view)
        try check(folded.contains("Bench Patient"), "re-fold: the folded view does not hold the patient's name: \(folded.prefix(200))")
    }

    // One iteration = `show` of a random patient from the stored view, 1,000,000-event store.
    Benchmark("show (stored view), 1,000,000-event store", configuration: .init(maxDuration: .seconds(5))) { benchmark in
        let store = try BenchmarkStores.million()
        let patients = try BenchmarkStores.somePatients(store)
        var rng = SplitMix64(seed: 9)
        var missing = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let patient = patients[Int(rng.next() % UInt64(patients.count))]
            let view = try store.read { try PatientViews($0).show(patient) }
            if view == nil { missing += 1 }
            blackHole(view)
        }
        benchmark.stopMeasurement()
        try check(missing == 0, "show: \(missing) of \(benchmark.scaledIterations.count) patients had no view")
    }

    // One iteration = `show --as-of` (folded on the fly) of a random patient, 1,000,000-event store.
    Benchmark("show --as-of, 1,000,000-event store", configuration: .init(maxDuration: .seconds(5))) { benchmark in
        let store = try BenchmarkStores.million()
        let patients = try BenchmarkStores.somePatients(store)
        var rng = SplitMix64(seed: 10)
        let asOf = TimeTravel.asOf(Timestamp.now())
        var missing = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let patient = patients[Int(rng.next() % UInt64(patients.count))]
            let view = try store.read { try PatientViews($0).show(patient, asOf) }
            if view == nil { missing += 1 }
            blackHole(view)
        }
        benchmark.stopMeasurement()
        try check(missing == 0, "show --as-of: \(missing) of \(benchmark.scaledIterations.count) patients had no view")
    }

    // Sync. One iteration = a whole initial sync of a 100,000-event store (2,000 patients) into
    // an empty store with the patient views, both ways, every event checked: events/s = 100,000
    // × iterations/s.
    Benchmark("path sync, initial: 100,000 events", configuration: .init(warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 3)) { benchmark in
        let source = try BenchmarkStores.hundredThousand()
        for _ in benchmark.scaledIterations {
            let target = try BenchmarkStores.fresh("path-target", projections: [PatientProjection()])
            try BenchmarkStores.trustEachOther(source, target)
            benchmark.startMeasurement()
            _ = try await LogExchange.sync(target, with: source, batchSize: 5000)
            benchmark.stopMeasurement()
            try BenchmarkStores.verify(target, holdsEveryEventOf: source, "path sync")
            BenchmarkStores.remove(target)
        }
    }

    Benchmark("HTTP sync, initial: 100,000 events", configuration: .init(warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 3)) { benchmark in
        let source = try BenchmarkStores.hundredThousand()
        let server = try SyncServer(store: source, logger: Logger(label: "bench"))
        for _ in benchmark.scaledIterations {
            let target = try BenchmarkStores.fresh("http-target", projections: [PatientProjection()])
            try BenchmarkStores.trustEachOther(source, target)
            try await server.whileRunning { url in
                benchmark.startMeasurement()
                _ = try await HTTPLogPeer.withConnection(to: url, as: NodeCertificate(identity: target.identity), trusting: { _ in true }) { remote in
                    try await LogExchange.sync(target, with: remote, batchSize: 5000)
                }
                benchmark.stopMeasurement()
            }
            try BenchmarkStores.verify(target, holdsEveryEventOf: source, "HTTP sync")
            BenchmarkStores.remove(target)
        }
    }

    // One iteration = 10 new events written at a peer holding the same 100,000 events, then
    // one HTTP sync that moves exactly them (summary, fork check, transfer, commit with views).
    Benchmark("HTTP sync, incremental: 10 events between two 100,000-event stores", configuration: .init(warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 200)) { benchmark in
        // Two fresh copies of the cached store's events, so the cached store stays as it is.
        let source = try BenchmarkStores.hundredThousand()
        let peer = try BenchmarkStores.fresh("incremental-peer", projections: [PatientProjection()])
        let served = try BenchmarkStores.fresh("incremental-served", projections: [PatientProjection()])
        defer { BenchmarkStores.remove(peer); BenchmarkStores.remove(served) }
        try BenchmarkStores.trustEachOther(source, peer)
        try BenchmarkStores.trustEachOther(source, served)
        try BenchmarkStores.trustEachOther(peer, served)
        _ = try await LogExchange.sync(peer, with: source, batchSize: 5000)
        _ = try await LogExchange.sync(served, with: peer, batchSize: 5000)
        let server = try SyncServer(store: served, logger: Logger(label: "bench"))
        try await server.whileRunning { url in
            try await HTTPLogPeer.withConnection(to: url, as: NodeCertificate(identity: peer.identity), trusting: { _ in true }) { remote in
                for _ in benchmark.scaledIterations {
                    try peer.append(BenchmarkStores.patientBatch(events: 10), author: "bench")
                    benchmark.startMeasurement()
                    let report = try await LogExchange.sync(peer, with: remote)
                    benchmark.stopMeasurement()
                    let sent = report.sent.values.reduce(0, +)
                    try check(sent == 10, "HTTP sync, incremental: \(sent) events sent, 10 written")
                }
            }
        }
    }

    // One iteration = `verify`'s chain check of the whole 1,000,000-event store: every hash
    // recomputed from the stored bytes, every link and sequence followed.
    Benchmark("verify: chain check of 1,000,000 events", configuration: .init(warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 3)) { benchmark in
        let store = try BenchmarkStores.million()
        benchmark.startMeasurement()
        var checked = 0
        for _ in benchmark.scaledIterations { checked = try store.read { try ChainCheck.run($0) }.totalEvents }
        benchmark.stopMeasurement()
        let count = try store.read { try $0.eventCount() }
        try check(checked == count && count >= 1_000_000, "verify: \(checked) events checked of \(count)")
    }

    stageBudgetBenchmarks()
}

/// A benchmark whose work came out wrong fails the run: `swift package benchmark` reports a
/// thrown error as that benchmark's failure and exits non-zero (and a run of the executable
/// alone, which reports nothing, still prints it). A fast wrong answer is no figure.
struct WrongResult: Error, CustomStringConvertible {
    let description: String
}

func check(_ condition: Bool, _ what: @autoclosure () -> String) throws {
    guard condition else {
        let failure = WrongResult(description: "wrong result: " + what())
        FileHandle.standardError.write(Data("\(failure)\n".utf8))
        throw failure
    }
}

enum BenchmarkStores {
    /// One clinic: `a` and `b` accept each other's records.
    static func trustEachOther(_ a: EventStore, _ b: EventStore) throws {
        for (x, y) in [(a, b), (b, a)] where try x.read({ try $0.trust(of: y.identity.nodeID) }) == .unknown {
            try x.trustPeer(y.identity.nodeID, name: y.identity.site, author: "bench")
        }
    }

    static func somePatients(_ store: EventStore) throws -> [PatientID] {
        try store.read { reader in
            Array(try reader.patients(withEventsOf: nil).prefix(5000))
        }
    }

    static let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("myolog-benchmarks")

    static func fresh(_ name: String, projections: [any LogProjection] = []) throws -> EventStore {
        let directory = root.appendingPathComponent("\(name)-\(UUID().uuidString)")
        return try EventStore.create(at: directory, site: "Benchmark", projections: projections)
    }

    /// One 50-event patient transaction per iteration into `store`, which is removed afterwards.
    static func bulkAppend(_ benchmark: Benchmark, into store: EventStore) throws {
        defer { remove(store) }
        let batches = (0..<benchmark.scaledIterations.count).map { _ in patientBatch(events: 50) }
        let before = try store.read { try $0.eventCount() }
        benchmark.startMeasurement()
        for batch in batches { try store.append(batch, author: "bench") }
        benchmark.stopMeasurement()
        try verify(store, holds: before + 50 * batches.count, "bulk append")
    }

    /// The store holds `count` events (when given), every chain verifies, and `verify` checked
    /// them all: what a benchmark measured was real work, done right.
    static func verify(_ store: EventStore, holds count: Int? = nil, _ benchmark: String) throws {
        let (stored, checked) = try store.read { (try $0.eventCount(), try ChainCheck.run($0).totalEvents) }
        if let count { try check(stored == count, "\(benchmark): \(stored) events in the store, \(count) expected") }
        try check(checked == stored, "\(benchmark): verify checked \(checked) of \(stored) events")
    }

    /// After a sync: `target` holds every event `source` made, and verifies.
    static func verify(_ target: EventStore, holdsEveryEventOf source: EventStore, _ benchmark: String) throws {
        let origin = source.identity.nodeID.rawValue
        let made = try source.read { try ChainCheck.run($0).eventsPerOrigin[origin] ?? 0 }
        let received = try target.read { try ChainCheck.run($0).eventsPerOrigin[origin] ?? 0 }
        try check(made >= 100_000 && received == made, "\(benchmark): \(received) of the source's \(made) events arrived")
        try verify(target, benchmark)
    }

    /// Benchmarks run their closures many times: each removes its store when done.
    static func remove(_ store: EventStore) {
        try? FileManager.default.removeItem(at: store.directory)
    }

    /// A 1,000,000-event store (20,000 patients × 50 events), built once and reused.
    static func million() throws -> EventStore { try cached("million", patients: 20_000) }

    /// A 100,000-event store (2,000 patients × 50 events), built once and reused.
    static func hundredThousand() throws -> EventStore { try cached("hundred-thousand", patients: 2_000) }

    /// A store of `patients` × 50 events under `name`, built on first use and kept between runs.
    static func cached(_ name: String, patients: Int) throws -> EventStore {
        let directory = root.appendingPathComponent(name)
        // Reused only if complete and writable: a store from before signatures has an unsigned
        // enrolment (no peer accepts it), one from before node.head refuses every write.
        if let store = try? EventStore.open(at: directory, projections: [PatientProjection()]), (try? store.read({ try $0.eventCount() })) ?? 0 >= patients * 50,
            (try? store.read({ try $0.events(origin: store.identity.nodeID, after: 0, limit: 1).first?.signature })) != nil,
            (try? store.localChainProblem()) == .some(nil)
        {
            return store
        }
        try? FileManager.default.removeItem(at: directory)
        let store = try EventStore.create(at: directory, site: "Benchmark", projections: [PatientProjection()])
        for _ in 0..<patients { try store.append(patientBatch(events: 50), author: "bench") }
        return store
    }

    /// One patient's events: registration, history, then visits with findings, techniques and scores.
    static func patientBatch(events count: Int) -> [NewEvent] {
        let patient = PatientID.make()
        var events = [ClinicalSession.event(PatientRegistered(name: "Bench Patient", dateOfBirth: CivilDate(year: 1980, month: 5, day: 17)!), patient: patient)]
        let history = HistoryEntryRecorded(kind: "occupation", text: "Accountant", ergonomics: "Dual monitors, chair without lumbar support")
        events.append(ClinicalSession.event(history, patient: patient))
        var index = 0
        while events.count < count {
            switch index % 4 {
            case 0: events.append(ClinicalSession.event(PainScoreRecorded(score: 7 - index % 7, region: "neck", context: "pre"), patient: patient))
            case 1: events.append(ClinicalSession.event(TriggerPointFound(muscle: "upper-trapezius", side: "right", status: "active", referral: "head"), patient: patient))
            case 2: events.append(ClinicalSession.event(TechniqueApplied(technique: "dry-needling", region: "neck", minutes: 10), patient: patient))
            default: events.append(ClinicalSession.event(PainScoreRecorded(score: 5 - index % 5, region: "neck", context: "post"), patient: patient))
            }
            index += 1
        }
        return events
    }
}
