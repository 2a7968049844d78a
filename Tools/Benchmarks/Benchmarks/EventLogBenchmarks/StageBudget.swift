import Benchmark
import ClinicalEvents
import ClinicalLog
import Crypto
@_spi(Benchmarks) import EventCrypto
@_spi(Benchmarks) import EventLog
@_spi(Benchmarks) import EventModel
import EventSync
import Foundation
import Projections

/// The stage budget (issue 32): what one event costs in each stage of the clinical write and of
/// the bulk receive, beside each path's end-to-end figure, so the stages' sum can be held against
/// the whole. Every stage calls the functions the paths call (`*+Stages.swift` in the libraries
/// where a stage had no public entry point); none re-implements one.
///
/// Names: `budget <path> · <stage> ×N`, where N is the events one iteration carries: the figure
/// per event is the iteration's time ÷ N. Tools/stage-budget.sh runs them and prints the table.
func stageBudgetBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput], timeUnits: .nanoseconds, warmupIterations: 2, maxDuration: .seconds(4), maxIterations: 400)
    let slow = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .throughput], timeUnits: .nanoseconds, warmupIterations: 0,
                                       maxDuration: .seconds(60), maxIterations: 3)

    // MARK: End to end

    // The clinical write as `myolog demo generate` makes it: one patient of 50 events through
    // every ClinicalSession check, sealed, hashed, chained, signed, inserted, views in place,
    // one synchronous=FULL commit.
    Benchmark("budget write · end to end: clinical write with views ×50", configuration: configuration) { benchmark in
        let store = try StageFixtures.fresh("e2e-write", projections: [PatientProjection()])
        defer { BenchmarkStores.remove(store) }
        let record = ClinicalRecord(store: store)
        var seed: UInt64 = 1000
        for _ in benchmark.scaledIterations {
            seed += 1
            let clinic = SyntheticClinic(patients: 1, eventsPerPatient: 50, seed: seed)
            benchmark.startMeasurement()
            try clinic.generate(into: record)
            benchmark.stopMeasurement()
        }
        try BenchmarkStores.verify(store, "budget write · end to end")
    }

    // The same patients' events (as the clinic fixture stored them) appended by
    // `EventStore.append`: the write path without ClinicalSession. The clinical checks are the
    // difference between the two end-to-end figures.
    Benchmark("budget write · append without the clinical session ×50", configuration: configuration) { benchmark in
        let fixture = try StageFixtures.clinic()
        let store = try StageFixtures.fresh("append-same", projections: [PatientProjection()])
        defer { BenchmarkStores.remove(store) }
        var next = 0
        for _ in benchmark.scaledIterations {
            let events = fixture.newEvents[next % fixture.newEvents.count]
            next += 1
            benchmark.startMeasurement()
            try store.append(events, author: "generator@myolog")
            benchmark.stopMeasurement()
        }
        try BenchmarkStores.verify(store, "budget write · append without the session")
    }

    // The initial path sync of the 100,000-event store into an empty store with the views, in
    // commits of 1,000 events, as `myolog sync DIR --batch-size 1000` (compare-peers) does.
    Benchmark("budget path sync · end to end: initial sync ×100000", configuration: slow) { benchmark in
        let source = try BenchmarkStores.hundredThousand()
        for _ in benchmark.scaledIterations {
            let target = try StageFixtures.fresh("e2e-sync", projections: [PatientProjection()])
            defer { BenchmarkStores.remove(target) }
            try BenchmarkStores.trustEachOther(source, target)
            benchmark.startMeasurement()
            _ = try await LogExchange.sync(target, with: source, batchSize: 1000)
            benchmark.stopMeasurement()
            try BenchmarkStores.verify(target, holdsEveryEventOf: source, "budget path sync")
        }
    }

    // `bundle import` of the 100,000-event store's bundle (made for the receiver: the patients'
    // keys at its end) into an empty store with the views, 1,000 events per commit.
    Benchmark("budget bundle import · end to end: import ×100000", configuration: slow) { benchmark in
        let bundle = try StageFixtures.bundle()
        for _ in benchmark.scaledIterations {
            let target = try bundle.freshRecipient()
            defer { BenchmarkStores.remove(target) }
            benchmark.startMeasurement()
            let summary = try await EventBundle.import(bundle.file, into: target, batchSize: 1000)
            benchmark.stopMeasurement()
            let stored = summary.stored.values.reduce(0, +)
            try check(stored >= 100_000 && summary.keys.stored == 2_000, "budget bundle import: \(stored) events and \(summary.keys.stored) keys stored")
            try BenchmarkStores.verify(target, holdsEveryEventOf: bundle.source, "budget bundle import")
        }
    }

    // MARK: Stages that parse, encode, hash, sign and seal (no database)

    // A received line read into an envelope (bundle import, HTTP batches): the canonical scan.
    Benchmark("budget stage · scan a received line ×1000", configuration: configuration) { benchmark in
        let lines = try StageFixtures.received().lines
        var next = 0
        for _ in benchmark.scaledIterations {
            let window = StageFixtures.window(lines, at: &next, count: 1000)
            benchmark.startMeasurement()
            for line in window { blackHole(try EventEnvelope(canonicalLine: line)) }
            benchmark.stopMeasurement()
        }
    }

    // A new event's payload (typed → JSON value) written as canonical JSON, as append does.
    Benchmark("budget stage · canonical encode of a payload ×1000", configuration: configuration) { benchmark in
        let payloads = try StageFixtures.clinic().newEvents.joined().map(\.payload)
        var next = 0
        for _ in benchmark.scaledIterations {
            let window = StageFixtures.window(payloads, at: &next, count: 1000)
            benchmark.startMeasurement()
            for payload in window { blackHole(payload.canonicalString) }
            benchmark.stopMeasurement()
        }
    }

    // A received payload checked canonical (parsed and written again), as every receive does.
    Benchmark("budget stage · payload canonical check ×1000", configuration: configuration) { benchmark in
        let payloads = try StageFixtures.received().sealed.map { Array($0.payload.utf8) }
        var next = 0
        for _ in benchmark.scaledIterations {
            let window = StageFixtures.window(payloads, at: &next, count: 1000)
            benchmark.startMeasurement()
            for payload in window where !CanonicalJSON.isCanonical(payload) { throw WrongResult(description: "a stored payload is not canonical") }
            benchmark.stopMeasurement()
        }
    }

    // An envelope written as the canonical bytes its hash covers.
    Benchmark("budget stage · canonical encode of an envelope ×1000", configuration: configuration) { benchmark in
        let events = try StageFixtures.received().sealed
        var next = 0
        for _ in benchmark.scaledIterations {
            let window = StageFixtures.window(events, at: &next, count: 1000)
            benchmark.startMeasurement()
            for event in window { blackHole(event.canonicalBytes(includingHash: false)) }
            benchmark.stopMeasurement()
        }
    }

    // SHA-256 of those bytes, as hex: the event hash.
    Benchmark("budget stage · hash ×1000", configuration: configuration) { benchmark in
        let fixture = try StageFixtures.received()
        let encoded = fixture.sealed.prefix(20_000).map { $0.canonicalBytes(includingHash: false) }
        var next = 0
        for _ in benchmark.scaledIterations {
            let window = StageFixtures.window(encoded, at: &next, count: 1000)
            benchmark.startMeasurement()
            for bytes in window { blackHole(EventEnvelope.stageHash(bytes)) }
            benchmark.stopMeasurement()
            let first = window.startIndex
            try check(EventEnvelope.stageHash(encoded[first]) == fixture.sealed[first].hash, "budget hash: a hash does not recompute")
        }
    }

    // One Ed25519 signature over a head, as every commit of the write path signs its head: one
    // per 50-event commit, so its cost per event is this ÷ 50 (the table divides).
    Benchmark("budget stage · sign a commit's head ×1", configuration: configuration) { benchmark in
        let fixture = try StageFixtures.clinic()
        let hashes = fixture.sealed.map(\.hash)
        var next = 0
        for _ in benchmark.scaledIterations {
            let hash = hashes[next % hashes.count]
            next += 1
            benchmark.startMeasurement()
            blackHole(try ChainSignature.stageSign(hash, by: fixture.source.identity))
            benchmark.stopMeasurement()
        }
    }

    // One received signature checked against its origin's key: the fixture's source signed every
    // 50-event commit, so a receive verifies one per 50 events.
    Benchmark("budget stage · verify a signature ×1", configuration: configuration) { benchmark in
        let fixture = try StageFixtures.received()
        let signed = fixture.sealed.filter { $0.signature != nil }
        let key = fixture.source.identity.publicKey.rawRepresentation
        var next = 0
        for _ in benchmark.scaledIterations {
            let event = signed[next % signed.count]
            next += 1
            benchmark.startMeasurement()
            let valid = event.signature!.isValid(for: event.hash, publicKey: key)
            benchmark.stopMeasurement()
            try check(valid, "budget verify: a stored signature does not verify")
        }
    }

    // A payload sealed under its patient's key (AES-GCM with the event's associated data).
    Benchmark("budget stage · seal a payload ×1000", configuration: configuration) { benchmark in
        let fixture = try StageFixtures.clinic()
        let events = fixture.opened.filter(\.isSealed)
        let key = SymmetricKey(size: .bits256)
        var next = 0
        for _ in benchmark.scaledIterations {
            let window = StageFixtures.window(events, at: &next, count: 1000)
            benchmark.startMeasurement()
            for event in window {
                blackHole(try SealedPayload.stageSeal(event.openedPayload!, key: key, id: event.id, origin: event.origin, sequence: event.sequence,
                                                      patient: event.patient!, type: event.type, schemaVersion: event.schemaVersion))
            }
            benchmark.stopMeasurement()
        }
    }

    // A stored sealed payload opened for the views: the patient's key (unwrapped once per
    // transaction), then AES-GCM, in one read transaction of the store that holds the keys.
    Benchmark("budget stage · open a payload ×1000", configuration: configuration) { benchmark in
        let fixture = try StageFixtures.received()
        var next = 0
        for _ in benchmark.scaledIterations {
            let window = StageFixtures.window(fixture.sealed, at: &next, count: 1000)
            let opened = try fixture.source.read { reader in
                benchmark.startMeasurement()
                let opened = try window.map { try reader.stageOpened($0) }
                benchmark.stopMeasurement()
                return opened
            }
            try check(opened.allSatisfy { !$0.isSealed || $0.openedPayload != nil }, "budget open: a payload did not open")
        }
    }

    // MARK: Stages in the database

    // Storing a checked event: the INSERT into `events` with its unique indexes, the patient and
    // causal-order indexes and the REPLACE guard trigger (what append and receive both call).
    // 50 per write transaction, whose opening and commit are measured apart, below.
    Benchmark("budget stage · insert an event ×50", configuration: configuration) { benchmark in
        try StageFixtures.receiving(benchmark, from: StageFixtures.received(), per: 50, measure: .inserts)
    }
    Benchmark("budget stage · open a write transaction ×50", configuration: configuration) { benchmark in
        try StageFixtures.receiving(benchmark, from: StageFixtures.received(), per: 50, measure: .opening)
    }
    // Every per-event step of `AppendTransaction.append` for one patient's 50 events (ids, the
    // clock, the patient's key made and wrapped, the payload encoded and sealed, the envelope
    // encoded and hashed, the insert, the chain's bookkeeping), rolled back: what the write path
    // spends between opening its transaction and folding its views. The table shows what this
    // costs beyond the stages above that it runs.
    Benchmark("budget stage · append ×50", configuration: configuration) { benchmark in
        let fixture = try StageFixtures.clinic()
        let target = try StageFixtures.fresh("append", projections: [])
        defer { BenchmarkStores.remove(target) }
        var next = 0, appended = 0
        for _ in benchmark.scaledIterations {
            let events = fixture.newEvents[next % fixture.newEvents.count]
            next += 1
            do {
                try target.write { (transaction: AppendTransaction) -> Void in
                    benchmark.startMeasurement()
                    for event in events { try transaction.append(event, author: "generator@myolog") }
                    benchmark.stopMeasurement()
                    appended = transaction.written.count
                    throw StageFixtures.RolledBack()
                }
            } catch is StageFixtures.RolledBack {}
            try check(appended == 50, "budget append: \(appended) of 50 events appended")
        }
    }
    // The receive rules over a 1,000-event batch as a bulk receive runs them
    // (`ReceiveLedger.receiveAll`: each event's canonical check, hash, chain link, signature,
    // trust and enrolment, then its insert), without the views. The table shows what this costs
    // beyond the stages above that it runs.
    Benchmark("budget stage · receive rules and insert ×1000", configuration: .init(metrics: configuration.metrics, timeUnits: .nanoseconds, warmupIterations: 1,
                                                                                    maxDuration: .seconds(10), maxIterations: 60)) { benchmark in
        try StageFixtures.receiving(benchmark, from: StageFixtures.received(), per: 1000, measure: .rules)
    }
    // The commit at synchronous=FULL (and what EventStore.write does after its body) of a
    // 50-event transaction — the write path's — and of a 1,000-event one — a bulk receive's.
    Benchmark("budget stage · commit ×50", configuration: configuration) { benchmark in
        try StageFixtures.receiving(benchmark, from: StageFixtures.received(), per: 50, measure: .commit)
    }
    Benchmark("budget stage · commit ×1000", configuration: .init(metrics: configuration.metrics, timeUnits: .nanoseconds, warmupIterations: 1,
                                                                  maxDuration: .seconds(10), maxIterations: 60)) { benchmark in
        try StageFixtures.receiving(benchmark, from: StageFixtures.received(), per: 1000, measure: .commit)
    }

    // The patient views of one patient's 50 events (a new patient: folded once and written), in
    // the transaction that stored them. Clinic events (visits, corrections) and the received
    // fixture's simpler ones.
    Benchmark("budget stage · view rows, clinic events ×50", configuration: configuration) { benchmark in
        try StageFixtures.viewRows(benchmark, from: StageFixtures.clinic())
    }
    Benchmark("budget stage · view rows, received events ×50", configuration: configuration) { benchmark in
        try StageFixtures.viewRows(benchmark, from: StageFixtures.received())
    }

    // The source's side of a path sync: a page of 1,000 events read from its log.
    Benchmark("budget stage · read a page at the source ×1000", configuration: configuration) { benchmark in
        let fixture = try StageFixtures.received()
        let origin = fixture.source.identity.nodeID
        var after = 0
        for _ in benchmark.scaledIterations {
            if after + 1000 > fixture.sealed.count { after = 0 }
            benchmark.startMeasurement()
            let page = try fixture.source.read { try $0.events(origin: origin, after: after, limit: 1000) }
            benchmark.stopMeasurement()
            try check(page.count == 1000, "budget read: \(page.count) events in a page of 1,000")
            after += 1000
        }
    }

    // The patients' keys of a 1,000-event batch (20 patients) sealed to the receiver by the
    // source and taken by the receiver (opened, checked against the patient's events stored in
    // the same transaction, wrapped under its store key), as a path sync's batch carries them.
    Benchmark("budget stage · patient keys sent and taken ×1000", configuration: configuration) { benchmark in
        let bundle = try StageFixtures.bundle()
        let chain = try StageFixtures.chain("bundle-source") { bundle.source }
        let target = try bundle.freshRecipient()
        defer { BenchmarkStores.remove(target) }
        _ = try target.receiveBatch([chain.sealed[0]])
        var next = 0
        for _ in benchmark.scaledIterations {
            let patients = StageFixtures.window(chain.patients, at: &next, count: 20)
            var stored = 0
            do {
                try target.write { (transaction: AppendTransaction) -> Void in
                    for event in patients.joined() { try transaction.storeReceived(chain.sealed[event.sequence - 1]) }
                    benchmark.startMeasurement()
                    let sealed = try bundle.source.read { try $0.sealedKeys(for: patients.map { $0[0].patient! }, to: target.identity.nodeID) }
                    stored = try transaction.receiveKeys(sealed).stored
                    benchmark.stopMeasurement()
                    throw StageFixtures.RolledBack()
                }
            } catch is StageFixtures.RolledBack {}
            try check(stored == 20, "budget keys: \(stored) of 20 keys taken")
        }
    }

    // A bundle's whole-file check before its import: every line read, hashed and parsed once.
    Benchmark("budget stage · bundle check ×100000", configuration: slow) { benchmark in
        let bundle = try StageFixtures.bundle()
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            let contents = try EventBundle.check(bundle.file)
            benchmark.stopMeasurement()
            try check(contents.events >= 100_000, "budget bundle check: \(contents.events) events")
        }
    }
}

/// The inputs of the stage budget, built once per run (or kept under the benchmarks' directory).
enum StageFixtures {
    /// Thrown out of a write body to roll its transaction back.
    struct RolledBack: Error {}

    /// A source store and its own chain: sealed as stored (with signatures), opened, as new events.
    final class Chain: @unchecked Sendable {
        let source: EventStore
        /// The source's own events in chain order, as stored (sealed, signed every commit).
        let sealed: [EventEnvelope]
        /// The same, opened with the source's keys.
        let opened: [EventEnvelope]
        /// The patients' events, 50 per patient, as the new events that wrote them.
        let newEvents: [[NewEvent]]
        /// The canonical lines a bundle or an HTTP batch carries.
        let lines: [[UInt8]]
        /// The opened events of each patient, in chain order.
        let patients: [[EventEnvelope]]

        init(_ source: EventStore) throws {
            self.source = source
            let origin = source.identity.nodeID
            let sealed = try source.read { try $0.events(origin: origin, after: 0, limit: Int.max) }
            let opened = try source.read { reader in try sealed.map { try reader.stageOpened($0) } }
            self.sealed = sealed
            self.opened = opened
            lines = sealed.map { $0.canonicalBytes(includingHash: true) }
            var byPatient: [PatientID: [EventEnvelope]] = [:]
            var order: [PatientID] = []
            for event in opened {
                guard let patient = event.patient else { continue }
                if byPatient[patient] == nil { order.append(patient) }
                byPatient[patient, default: []].append(event)
            }
            let patients = order.map { byPatient[$0]! }
            self.patients = patients
            newEvents = try patients.map { events in
                try events.map { event in
                    guard let text = event.readablePayload else { throw WrongResult(description: "fixture: a payload did not open") }
                    return NewEvent(type: event.type, schemaVersion: event.schemaVersion, patient: event.patient, occurredAt: event.occurredAt,
                                    payload: try JSONParser.parse(text))
                }
            }
            try check(patients.allSatisfy { $0.count == 50 }, "fixture: a patient without 50 events")
        }
    }

    nonisolated(unsafe) static var cache: [String: Chain] = [:]
    static let lock = NSLock()

    static func chain(_ name: String, _ make: () throws -> EventStore) throws -> Chain {
        try lock.withLock {
            if let chain = cache[name] { return chain }
            let chain = try Chain(make())
            cache[name] = chain
            return chain
        }
    }

    /// 400 patients × 50 events written by the synthetic clinic (ClinicalSession), with the views.
    static func clinic() throws -> Chain {
        try chain("clinic") {
            let directory = BenchmarkStores.root.appendingPathComponent("budget-clinic")
            if let store = try? EventStore.open(at: directory, projections: [PatientProjection()]), (try? store.read({ try $0.eventCount() })) ?? 0 >= 20_000 {
                return store
            }
            try? FileManager.default.removeItem(at: directory)
            let store = try EventStore.create(at: directory, site: "Benchmark", projections: [PatientProjection()])
            try SyntheticClinic(patients: 400, eventsPerPatient: 50, seed: 7).generate(into: ClinicalRecord(store: store))
            return store
        }
    }

    /// The 100,000-event store the sync benchmarks use (2,000 patients × 50 events).
    static func received() throws -> Chain {
        try chain("received") { try BenchmarkStores.hundredThousand() }
    }

    static func fresh(_ name: String, projections: [any LogProjection]) throws -> EventStore {
        try BenchmarkStores.fresh("budget-\(name)", projections: projections)
    }

    /// The next `count` items of `items`, wrapping around.
    static func window<T>(_ items: [T], at next: inout Int, count: Int) -> ArraySlice<T> {
        if next + count > items.count { next = 0 }
        defer { next += count }
        return items[next..<next + count]
    }

    enum Measured { case opening, inserts, rules, commit }

    /// Stores `chain`'s events `per` a write transaction into an empty store that enrolled and
    /// trusts its source, measuring the transaction's opening, its inserts or its commit.
    static func receiving(_ benchmark: Benchmark, from chain: Chain, per count: Int, measure: Measured) throws {
        let target = try fresh("receiving", projections: [])
        defer { BenchmarkStores.remove(target) }
        try BenchmarkStores.trustEachOther(chain.source, target)
        _ = try target.receiveBatch([chain.sealed[0]])
        var next = 1
        for _ in benchmark.scaledIterations {
            if next + count > chain.sealed.count { break }
            let batch = chain.sealed[next..<next + count]
            next += count
            if measure == .opening { benchmark.startMeasurement() }
            try target.write { (transaction: AppendTransaction) -> Void in
                if measure == .opening { benchmark.stopMeasurement() }
                if measure == .inserts { benchmark.startMeasurement() }
                if measure == .rules {
                    benchmark.startMeasurement()
                    let summary = try transaction.receiveAll(Array(batch))
                    benchmark.stopMeasurement()
                    try check(summary.stored.values.reduce(0, +) == batch.count, "budget rules: \(summary.stored) stored of \(batch.count)")
                } else {
                    for event in batch { try transaction.storeReceived(event) }
                }
                if measure == .inserts { benchmark.stopMeasurement() }
                if measure == .commit { benchmark.startMeasurement() }
            }
            if measure == .commit { benchmark.stopMeasurement() }
        }
        let stored = try target.read { try $0.eventCount() }
        try check(stored == next + 1, "budget receiving: \(stored) events stored, \(next + 1) expected")
    }

    /// Folds one new patient's 50 events into the views, in the write transaction that stored
    /// them (rolled back, so every iteration meets the same store).
    static func viewRows(_ benchmark: Benchmark, from chain: Chain) throws {
        let target = try fresh("views", projections: [PatientProjection()])
        defer { BenchmarkStores.remove(target) }
        try BenchmarkStores.trustEachOther(chain.source, target)
        _ = try target.receiveBatch([chain.sealed[0]])
        let sealed = Dictionary(uniqueKeysWithValues: chain.sealed.map { ($0.id, $0) })
        let projection = PatientProjection()
        var next = 0
        for _ in benchmark.scaledIterations {
            let events = chain.patients[next % chain.patients.count]
            next += 1
            var listed = 0
            do {
                try target.write { (transaction: AppendTransaction) -> Void in
                    for event in events { try transaction.storeReceived(sealed[event.id]!) }
                    benchmark.startMeasurement()
                    try projection.apply(events, in: ProjectionTransaction(stageOf: transaction))
                    benchmark.stopMeasurement()
                    listed = try PatientViews(transaction).patients().count
                    throw RolledBack()
                }
            } catch is RolledBack {}
            try check(listed == 1, "budget views: \(listed) patients in the views, 1 folded")
        }
    }

    /// A bundle of the 100,000-event store made for one receiver, and that receiver as it was
    /// before the import (copied afresh for every import).
    final class Bundle: @unchecked Sendable {
        let source: EventStore
        let file: URL
        let recipient: URL

        init(source: EventStore, file: URL, recipient: URL) {
            self.source = source
            self.file = file
            self.recipient = recipient
        }

        func freshRecipient() throws -> EventStore {
            let copy = BenchmarkStores.root.appendingPathComponent("budget-imported-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: recipient, to: copy)
            return try EventStore.open(at: copy, projections: [PatientProjection()])
        }
    }

    nonisolated(unsafe) static var madeBundle: Bundle?

    static func bundle() throws -> Bundle {
        try lock.withLock {
            if let madeBundle { return madeBundle }
            let directory = BenchmarkStores.root.appendingPathComponent("budget-bundle")
            let file = directory.appendingPathComponent("all.myolog"), recipientDirectory = directory.appendingPathComponent("recipient")
            // Its own source, since the recipient's enrolment enters the source's log.
            let source = try BenchmarkStores.cached("budget-bundle-source", patients: 2_000)
            if !FileManager.default.fileExists(atPath: file.path) || (try? EventStore.open(at: recipientDirectory)) == nil {
                try? FileManager.default.removeItem(at: directory)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let recipient = try EventStore.create(at: recipientDirectory, site: "Recipient", projections: [PatientProjection()])
                try BenchmarkStores.trustEachOther(source, recipient)
                _ = try source.receiveBatch(try recipient.read { try $0.events(origin: recipient.identity.nodeID, after: 0, limit: 1) })
                _ = try EventBundle.export(source, beyond: nil, for: recipient.identity.nodeID, to: file)
            }
            let made = Bundle(source: source, file: file, recipient: recipientDirectory)
            madeBundle = made
            return made
        }
    }
}
