@testable import EventLog
@testable import EventModel
@testable import EventCrypto
@testable import EventSync
import Foundation
import Testing
import MyologTestSupport

/// 50 clinic machines, no network: each writes on its own, then random pairs sync until every
/// node holds every event. Reports the rounds it took and the bytes moved against the minimum.
@Suite("Gossip simulation: 50 nodes, random pairwise syncs")
struct GossipSimulationTests {
    /// A store as a peer across a wire: counts the bytes each answer and offer would take in
    /// the HTTP carrier (summary JSON, canonical envelope lines, receipt JSON).
    final class MeteredPeer: LogPeer, @unchecked Sendable {
        let store: EventStore
        private let lock = NSLock()
        private var _eventBytes = 0
        private var _overheadBytes = 0
        var eventBytes: Int { lock.withLock { _eventBytes } }
        var overheadBytes: Int { lock.withLock { _overheadBytes } }

        init(_ store: EventStore) { self.store = store }

        private func count(events: Int = 0, overhead: Int = 0) {
            lock.withLock {
                _eventBytes += events
                _overheadBytes += overhead
            }
        }

        func summary() async throws -> PeerSummary {
            let summary = try await store.summary()
            count(overhead: summary.json.canonicalString.utf8.count)
            return summary
        }

        func events(origin: NodeID, after sequence: Int, limit: Int) async throws -> [EventEnvelope] {
            let batch = try await store.events(origin: origin, after: sequence, limit: limit)
            count(events: batch.reduce(0) { $0 + $1.canonicalBytes(includingHash: true).count + 1 }, overhead: 80)  // 80: the request line
            return batch
        }

        func receive(_ batch: [EventEnvelope]) async throws -> ReceiveSummary {
            let receipt = try store.receiveBatch(batch)
            count(events: batch.reduce(0) { $0 + $1.canonicalBytes(includingHash: true).count + 1 }, overhead: receipt.json.canonicalString.utf8.count)
            return receipt
        }

        func patientsWithoutKeys() async throws -> [PatientID] {
            let patients = try await store.patientsWithoutKeys()
            count(overhead: 40 + 39 * patients.count)
            return patients
        }

        func keys(for patients: [PatientID], to recipient: NodeID) async throws -> [SealedPatientKey] {
            let keys = try await store.keys(for: patients, to: recipient)
            count(overhead: 80 + 39 * patients.count + keys.reduce(0) { $0 + $1.json.canonicalString.utf8.count })
            return keys
        }

        func receiveKeys(_ keys: [SealedPatientKey]) async throws -> KeyReceipt {
            count(overhead: 80 + keys.reduce(0) { $0 + $1.json.canonicalString.utf8.count })
            return try store.receiveSealedKeys(keys)
        }
    }

    @Test("every node ends with every event; rounds and bytes moved against the minimum are reported", arguments: [UInt64(1), 2])
    func gossip(seed: UInt64) async throws {
        let directory = TemporaryDirectory()
        // Small events and few of them: what is measured (rounds, bytes against the minimum) does
        // not depend on volume, and a debug build hashes every byte moved more than once.
        let nodes = 50, writesPerNode = 3
        var rng = SeededGenerator(seed: seed)
        var stores: [EventStore] = []
        for index in 0..<nodes {
            let store = try EventStore.create(at: directory.url("node\(index)"), site: "Site \(index)")
            // Each writes on its own, offline, a random number of events about its own patients.
            let count = 1 + Int(rng.next() % UInt64(2 * writesPerNode))
            try store.append((0..<count).map { n in NewEvent(type: "Note", schemaVersion: 1, patient: PatientID.make(), payload: ["n": .int(n)]) }, author: "user\(index)")
            stores.append(store)
        }
        // One clinic: every node trusts every other (one transaction per node).
        for store in stores {
            try store.write { tx in
                for other in stores where other !== store { try tx.trustPeer(other.identity.nodeID, name: other.identity.site, author: "test") }
            }
        }
        // The minimum: each event reaches each of the other 49 nodes exactly once.
        var eventBytesPerOrigin = 0
        for store in stores {
            eventBytesPerOrigin += try store.read { try $0.events(origin: store.identity.nodeID, after: 0, limit: 1000) }
                .reduce(0) { $0 + $1.canonicalBytes(includingHash: true).count + 1 }
        }
        let minimum = eventBytesPerOrigin * (nodes - 1)
        let everything = try stores.reduce(0) { total, store in try total + store.read { try $0.eventCount() } }
        var eventBytes = 0, overhead = 0, rounds = 0, syncs = 0
        func converged() throws -> Bool {
            try stores.allSatisfy { try $0.read { try $0.eventCount() } == everything }
        }
        while try !converged() {
            rounds += 1
            // A round: the nodes pair up at random and each pair syncs once.
            var order = Array(0..<nodes)
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            for pair in stride(from: 0, to: nodes - 1, by: 2) {
                let peer = MeteredPeer(stores[order[pair + 1]])
                _ = try await LogExchange.sync(stores[order[pair]], with: peer, batchSize: 100)
                eventBytes += peer.eventBytes
                overhead += peer.overheadBytes
                syncs += 1
            }
            #expect(rounds <= 30, "seed \(seed): no convergence after 30 rounds")
            if rounds > 30 { return }
        }
        let clocks = try Set(stores.map { store in try store.read { try $0.clock() } })
        #expect(clocks.count == 1)
        for store in stores { _ = try store.read { try ChainCheck.run($0) } }
        // Sync sends exactly what the other side lacks: not one event twice.
        #expect(eventBytes == minimum, "seed \(seed): \(eventBytes) event bytes moved, minimum \(minimum)")
        let ratio = Double(eventBytes + overhead) / Double(minimum)
        print(String(format: "gossip seed %llu: %d nodes, %d events, converged in %d rounds (%d pairwise syncs); moved %d event bytes (minimum %d, ×%.3f with %d bytes of summaries and receipts)",
                     seed, nodes, everything, rounds, syncs, eventBytes, minimum, ratio, overhead))
        #expect(rounds <= 15, "random pairwise gossip spreads in O(log n) rounds; \(rounds) is far off")
        #expect(ratio < 1.5)
    }
}
