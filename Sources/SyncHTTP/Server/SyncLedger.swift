import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import EventModel
import EventCrypto
import EventSync

/// Per-sync tallies, so the server writes one line per sync rather than one per request.
actor SyncLedger {
    struct Tally {
        var node: String
        var started = ContinuousClock.now
        var served = 0
        /// The patients whose sealed events or keys were served.
        var patients = Set<PatientID>()
        var received: [NodeID: Int] = [:]
        var quarantined = 0
        var heldBack = 0
        /// The longest any one request of this sync took to answer: what a peer waited at most.
        var slowest = Duration.zero

        static func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }

        func line(syncID: String) -> String {
            let total = received.values.reduce(0, +)
            let perOrigin = received.keys.sorted().map { "\($0): \(received[$0]!)" }.joined(separator: ", ")
            let elapsed = ContinuousClock.now - started
            let milliseconds = Self.milliseconds(elapsed)
            return "sync \(syncID) with node \(node): sent \(served) events, received \(total)\(perOrigin.isEmpty ? "" : " (\(perOrigin))")"
                + (quarantined > 0 ? ", \(quarantined) quarantined as forks" : "") + (heldBack > 0 ? ", \(heldBack) held back" : "")
                + String(format: ", %.0f ms (slowest request %.0f ms)", milliseconds, Self.milliseconds(slowest))
        }
    }

    func took(_ duration: Duration, syncID id: String) {
        if let slowest = open[id]?.slowest, duration > slowest { open[id]?.slowest = duration }
    }

    /// Syncs whose client never said they ended are forgotten beyond this many.
    static let capacity = 1000
    private var open: [String: Tally] = [:]
    private var order: [String] = []

    func begin(_ id: String, node: String) {
        if open[id] == nil {
            order.append(id)
            if order.count > Self.capacity { open[order.removeFirst()] = nil }
        }
        open[id] = Tally(node: String(node.prefix(64)))
    }

    /// Whether `id` is a sync under way here (its client asked for the summary).
    func isOpen(_ id: String) -> Bool { open[id] != nil }

    func served(_ id: String, _ events: [EventEnvelope]) {
        open[id]?.served += events.count
        open[id]?.patients.formUnion(events.lazy.filter(\.isSealed).compactMap(\.patient))
    }

    func disclosed(_ id: String, _ patients: [PatientID]) { open[id]?.patients.formUnion(patients) }

    /// Patients already recorded as disclosed, per node and sync id, and since when (bounded like
    /// `open`: a forgotten sync only means a patient is recorded again — over-reporting, never under).
    private var recordedDisclosures: [String: (since: ContinuousClock.Instant, patients: Set<PatientID>)] = [:]
    private var recordedOrder: [String] = []

    /// How long one sync id's disclosures are remembered: a client that reuses its id (or never
    /// ends its syncs) is recorded again after this, whatever it sends.
    static let disclosureMemory = Duration.seconds(600)

    private func forgetDisclosures(_ keys: [String]) {
        for key in keys { recordedDisclosures[key] = nil }
        recordedOrder.removeAll { keys.contains($0) }
    }

    /// Those of `patients` not yet recorded as disclosed to `node` in sync `id`.
    func unrecorded(_ id: String, node: NodeID, _ patients: Set<PatientID>) -> [PatientID] {
        let key = node.rawValue + " " + id
        if let since = recordedDisclosures[key]?.since, ContinuousClock.now - since > Self.disclosureMemory { forgetDisclosures([key]) }
        return patients.subtracting(recordedDisclosures[key]?.patients ?? []).sorted()
    }

    func recorded(_ id: String, node: NodeID, _ patients: [PatientID]) {
        // A client that names no sync is recorded on every response: nothing to tell its syncs apart by.
        guard id != "-" else { return }
        let key = node.rawValue + " " + id
        if recordedDisclosures[key] == nil {
            recordedOrder.append(key)
            recordedDisclosures[key] = (ContinuousClock.now, [])
            if recordedOrder.count > Self.capacity { forgetDisclosures([recordedOrder[0]]) }
        }
        recordedDisclosures[key]?.patients.formUnion(patients)
    }

    func received(_ id: String, _ receipt: ReceiveSummary) {
        for (origin, count) in receipt.stored { open[id]?.received[origin, default: 0] += count }
        open[id]?.quarantined += receipt.quarantined.count
        open[id]?.heldBack += receipt.heldBack
    }

    func end(_ id: String) -> Tally? {
        order.removeAll { $0 == id }
        // The sync's disclosures are forgotten with it: a client that names its next sync alike
        // is recorded again.
        forgetDisclosures(recordedOrder.filter { $0.hasSuffix(" " + id) })
        return open.removeValue(forKey: id)
    }
}
