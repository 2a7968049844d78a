import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation
import GRDB
import Logging
import EventModel
import EventSync

import ClinicalFold
@testable import Projections
import SyncHTTP
import Testing
import MyologTestSupport

/// Real stores writing offline and exchanging events in random orders (per-origin sequence
/// order kept, as sync delivers them): after a full exchange every store's views are the same bytes.
@Suite("Views converge across stores")
struct ConvergenceTests {
    final class Network {
        let directory = TemporaryDirectory("net")
        var stores: [EventStore] = []
        var rng: SplitMix64

        init(nodes: Int, seed: UInt64) throws {
            rng = SplitMix64(seed: seed)
            for index in 0..<nodes {
                stores.append(try EventStore.create(at: directory.url("node\(index)"), site: "Site \(index)", projections: [PatientProjection()]))
            }
            // One clinic: every store trusts every other.
            for store in stores {
                try store.write { tx in
                    for other in stores where other !== store { try tx.trustPeer(other.identity.nodeID, name: other.identity.site, author: "test") }
                }
            }
        }

        func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }

        /// Sends `target` what it lacks from `source`, interleaving origins at random. The unit
        /// of delivery is a signed run (an origin's events up to and including a signed one),
        /// because a receiver accepts a batch only if it ends each origin on a signed event.
        func transfer(from source: EventStore, to target: EventStore) throws {
            let have = try target.read { try $0.clock() }
            var queues: [NodeID: [[EventEnvelope]]] = [:]
            var open: [NodeID: [EventEnvelope]] = [:]
            try source.read { reader in
                try reader.forEachEvent { event in
                    guard event.sequence > have[event.origin] else { return }
                    open[event.origin, default: []].append(event)
                    if event.signature != nil { queues[event.origin, default: []].append(open.removeValue(forKey: event.origin)!) }
                }
            }
            #expect(open.isEmpty, "every store's chains end on a signed event")
            for key in queues.keys { queues[key]!.sort { $0[0].sequence < $1[0].sequence } }
            var order: [[EventEnvelope]] = []
            while !queues.isEmpty {
                let origin = pick(queues.keys.sorted())
                order.append(queues[origin]!.removeFirst())
                if queues[origin]!.isEmpty { queues[origin] = nil }
            }
            // Arrives in a few batches, as a resumable sync would commit them.
            var start = 0
            while start < order.count {
                let end = min(order.count, start + 1 + Int(rng.next() % 4))
                _ = try target.receiveBatch(Array(order[start..<end].joined()))
                start = end
            }
        }

        /// One exchange between two stores over a carrier picked at random: events delivered
        /// one way in a random interleaving of origins, `sync DIR`, a bundle file, or HTTP.
        func exchange(_ i: Int, _ j: Int) async throws -> String {
            let (a, b) = (stores[i], stores[j])
            switch rng.next() % 4 {
            case 0:
                try transfer(from: a, to: b)
                return "interleaved"
            case 1:
                _ = try await LogExchange.sync(a, with: b, batchSize: 1 + Int(rng.next() % 9))
                return "path"
            case 2:
                let file = directory.url("bundle-\(UUID().uuidString).myolog")
                let clock = rng.next() % 2 == 0 ? try b.read { try $0.clock() } : nil
                try EventBundle.export(a, beyond: clock, to: file, batchSize: 1 + Int(rng.next() % 9))
                _ = try await EventBundle.import(file, into: b, batchSize: 1 + Int(rng.next() % 9))
                return "bundle"
            default:
                let batch = 1 + Int(rng.next() % 9)
                _ = try await SyncServer(store: b, logger: Logger(label: "test")).whileRunning { url in
                    try await HTTPLogPeer.withConnection(to: url, as: NodeCertificate(identity: a.identity), trusting: { _ in true }) { peer in
                        try await LogExchange.sync(a, with: peer, batchSize: batch)
                    }
                }
                return "http"
            }
        }

        func dump(_ store: EventStore) throws -> [String] {
            try store.read { reader in
                try PatientProjection.tables.flatMap { table in
                    try Row.fetchAll(reader.database, sql: "SELECT * FROM \(table) ORDER BY 1, 2").map { "\(table) \($0)" }
                }
            }
        }
    }

    @Test("3–5 stores write offline (concurrent edits of the same fields included) and sync in random pairs over random carriers: identical events, show --json, conflicts, and incremental == rebuild (seeded)",
          arguments: 0..<10)
    func converge(seed: UInt64) async throws {
        let count = 3 + Int(seed % 3)
        let net = try Network(nodes: count, seed: seed)
        for _ in 0..<80 {
            let index = Int(net.rng.next() % UInt64(count))
            let store = net.stores[index]
            let record = ClinicalRecord(store: store)
            let patients = try store.read { reader in try Row.fetchAll(reader.database, sql: "SELECT patient FROM patient_summary ORDER BY patient").map { $0["patient"] as String } }
            let author = "user\(index)"
            switch patients.isEmpty ? 0 : net.rng.next() % 10 {
            case 0:
                // Names and birthdays repeat on purpose (concurrent registrations): each is a new person.
                _ = try record.write {
                    try $0.register(.init(name: net.pick(["Mia", "Liam", "Ruth"]), dateOfBirth: "1980-01-0\(1 + net.rng.next() % 9)", phone: "0400 000 000"), newPatient: true,
                                    author: author)
                }
            case 1: _ = try record.write { try $0.updatePatient(IDReference(net.pick(patients)), changes: ["phone": "04\(10 + net.rng.next() % 80) 000 000"], author: author) }
            case 2: _ = try record.write { try $0.recordPain(IDReference(net.pick(patients)), score: PainScore(Int(net.rng.next() % 11))!, region: "neck", context: "pre", author: author) }
            case 3: _ = try record.write { try $0.recordTriggerPoint(IDReference(net.pick(patients)), muscle: "QL", side: net.pick(["left", "right"]), author: author) }
            case 4:
                let scores = try store.read { reader in try Row.fetchAll(reader.database, sql: "SELECT event FROM pain_scores").map { $0["event"] as String } }
                if let target = scores.first {
                    let score = Int(net.rng.next() % 11)
                    let correct = { try record.write { try $0.correct(IDReference(target), fields: ["score": String(score)], reason: "re-rated", author: author) } }
                    // The one refusal expected: re-rating to the score the entry already has. Anything else fails the test.
                    let current = try store.read { reader in try reader.event(EventID(target)!).flatMap { try ClinicalQueries(reader).currentEntry(of: $0) } }
                    if case .painScoreRecorded(let entry)? = current, entry.score == score {
                        #expect(throws: ClinicalError.nothingToChange("correction (the entry already says that)")) { try correct() }
                    } else {
                        _ = try correct()
                    }
                }
            case 5:
                // A point in the view is not retracted yet: its retraction is never refused.
                let points = try store.read { reader in try Row.fetchAll(reader.database, sql: "SELECT event FROM trigger_points").map { $0["event"] as String } }
                if let target = points.last { _ = try record.write { try $0.retract(IDReference(target), reason: "wrong side", author: author) } }
            case 7:
                // The records of care: a note, a measurement, a precaution, a consent decision.
                let patient = try IDReference(net.pick(patients))
                let choice = net.rng.next() % 5
                let value = MeasuredValue(whole: 30 + Int(net.rng.next() % 50))
                _ = try record.write { s -> EventEnvelope in
                    switch choice {
                    case 0: return try s.recordNote(patient, .init(subjective: "sore", plan: "review"), author: author)
                    case 1: return try s.recordMeasurement(patient, test: "cervical-rotation", side: "left", reading: .value(value, unit: nil), author: author)
                    case 2: return try s.recordPrecaution(patient, kind: net.pick(["anticoagulant", "pregnancy"]), author: author)
                    case 3: return try s.recordMeasurement(patient, test: "slump", reading: .result("negative"), author: author)
                    default: return try s.recordConsent(patient, technique: "dry-needling", form: "verbal", risks: "bruising", author: author)
                    }
                }
            case 8:
                // Dry needling (consented first if need be, precautions acknowledged), an adverse
                // event after it, a precaution resolved.
                let patient = try IDReference(net.pick(patients))
                let precautions = try store.read { reader in try Row.fetchAll(reader.database, sql: "SELECT event FROM precautions WHERE active").map { $0["event"] as String } }
                let resolve = net.rng.next() % 3 == 0
                _ = try record.write { s in
                    let id = try s.patient(patient)
                    if resolve, let precaution = precautions.first {
                        _ = try s.resolve(IDReference(precaution), author: author)
                        return
                    }
                    try s.recordConsent(patient, technique: "dry-needling", form: "written", author: author)
                    let acknowledge = try !s.alerts(for: "dry-needling", of: id).isEmpty
                    let needled = try s.recordTechnique(patient, technique: "dry-needling", region: "neck", needling: .init(needles: 2, twitch: true),
                                                        acknowledgePrecautions: acknowledge, author: author)
                    try s.recordAdverseEvent(patient, kind: "bruising", severity: "mild", after: IDReference(needled.id), author: author)
                }
            case 9 where net.rng.next() % 2 == 0:
                // Issue 33: the store-wide late-entry rule (set concurrently at several stores,
                // the latest in causal order stands everywhere), a late pain score, a visit with
                // an entry ended and signed off, and a correction that may become an addendum.
                let patient = try IDReference(net.pick(patients))
                let choice = net.rng.next() % 4
                let rule = net.pick(["end-of-day", "24h", "2h", "72h"]), value = Int(net.rng.next() % 11), score = PainScore(value)!
                let daysAgo = Int64(1 + net.rng.next() % 3)
                _ = try record.write { s -> EventEnvelope in
                    switch choice {
                    case 0: return try s.setLateEntryRule(rule, author: author)
                    case 1:
                        let when = Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - daysAgo * 86_400_000)
                        return try s.recordPain(patient, score: score, region: "neck", context: "pre", date: EntryDate(when), author: author)
                    case 2:
                        let id = try s.patient(patient)
                        if try s.openVisit(of: id) == nil { try s.startVisit(patient, reason: "review", author: author) }
                        try s.recordPain(patient, score: score, region: "neck", context: "post", author: author)
                        let ended = try s.endVisit(patient, author: author)
                        guard case .visitEnded(let end)? = try ClinicalEvent.decode(ended) else { return ended }
                        return try s.signOff(end.visit, of: id, author: author)
                    default:
                        let signed = try Row.fetchAll(s.transaction.database, sql: "SELECT event FROM pain_scores WHERE signedOffBy IS NOT NULL").map { $0["event"] as String }
                        guard let target = signed.first else { return try s.setLateEntryRule(rule, author: author) }
                        // The one refusal expected: the entry (with its addenda) already says that.
                        do { return try s.correct(IDReference(target), fields: ["score": String(value)], reason: "addendum", author: author) } catch ClinicalError.nothingToChange {
                            return try s.setLateEntryRule(rule, author: author)
                        }
                    }
                }
            case 6 where net.rng.next() % 4 == 0:
                // Now and then a patient is erased, while other sites may still write for them.
                _ = try record.write { try $0.erase(IDReference(net.pick(patients)), basis: .request, reason: "asked", author: author) }
            default:
                let other = Int(net.rng.next() % UInt64(count))
                if other != index { _ = try await net.exchange(other, index) }
            }
        }
        // A final full mesh, so every store holds every event.
        for i in 0..<count { for j in 0..<count where i != j { _ = try await LogExchange.sync(net.stores[i], with: net.stores[j]) } }
        let clocks = try net.stores.map { store in try store.read { try $0.clock() } }
        #expect(Set(clocks).count == 1)
        let events = try net.stores.map { store in Set(try store.read { reader in try String.fetchAll(reader.database, sql: "SELECT hash FROM events") }) }
        #expect(events.allSatisfy { $0 == events[0] }, "seed \(seed)")
        #expect(try net.stores.allSatisfy { try $0.read { try $0.forks().isEmpty && $0.heldBack().isEmpty } })
        let reference = try net.dump(net.stores[0])
        #expect(reference.contains { $0.hasPrefix("patient_summary") })
        // Issue 33's events are part of the workload (seeded: the same ones every run).
        let types = try net.stores[0].read { try Set(String.fetchAll($0.database, sql: "SELECT DISTINCT type FROM events")) }
        #expect(!types.isDisjoint(with: [LateEntryRuleSet.eventType, VisitSignedOff.eventType]), "seed \(seed): \(types.sorted())")
        for store in net.stores.dropFirst() { #expect(try net.dump(store) == reference, "seed \(seed)") }
        // What `show --json` and `conflicts --json` print, byte for byte.
        func shown(_ store: EventStore) throws -> [String] {
            try store.read { reader in
                let views = PatientViews(reader)
                return try String.fetchAll(reader.database, sql: "SELECT patient FROM patient_summary ORDER BY patient")
                    .map { try views.show(PatientID($0)!).map(CanonicalEncoder().string) ?? "missing" }
            }
        }
        let shows = try net.stores.map(shown)
        #expect(!shows[0].isEmpty && shows.allSatisfy { $0 == shows[0] }, "seed \(seed)")
        // Erased patients: no view row and no key anywhere, whoever wrote for them afterwards.
        let erased = try net.stores[0].read { reader in try String.fetchAll(reader.database, sql: "SELECT patient FROM events WHERE type = 'PatientErased'") }
        for store in net.stores {
            let (rows, keys) = try store.read { reader in
                (try Int.fetchOne(reader.database, sql: "SELECT count(*) FROM patient_summary WHERE patient IN (SELECT patient FROM events WHERE type = 'PatientErased')") ?? -1,
                 try Int.fetchOne(reader.database, sql: "SELECT count(*) FROM patient_keys WHERE patient IN (SELECT patient FROM events WHERE type = 'PatientErased')") ?? -1)
            }
            #expect(rows == 0 && keys == 0, "seed \(seed): \(erased.count) erased, \(rows) view rows and \(keys) keys left")
        }
        let conflicts = try net.stores.map { store in try store.read { try CanonicalEncoder().string(PatientViews($0).conflicts()) } }
        #expect(conflicts.allSatisfy { $0 == conflicts[0] })
        for store in net.stores {
            try store.rebuildProjections()
            #expect(try net.dump(store) == reference, "rebuild differs, seed \(seed)")
            _ = try store.read { try ChainCheck.run($0) }
        }
    }

    @Test("across the seeds, every carrier is used")
    func carriersCovered() async throws {
        let net = try Network(nodes: 2, seed: 99)
        var carriers: Set<String> = []
        for _ in 0..<40 { carriers.insert(try await net.exchange(0, 1)) }
        #expect(carriers == ["interleaved", "path", "bundle", "http"])
    }
}
