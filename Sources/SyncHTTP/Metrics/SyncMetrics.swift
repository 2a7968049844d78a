import Metrics
import EventModel
import EventSync

/// What `serve` counts, through the swift-metrics API: whatever metrics backend the process
/// bootstrapped receives them (`serve --metrics` bootstraps Prometheus, ``MetricsEndpoint``);
/// without one they cost nothing.
///
/// Names follow Prometheus conventions (`_total` counters, `_seconds` durations); origins are
/// node ids, a bounded set (the trust list), so labelling by origin cannot explode.
enum SyncMetrics {
    /// A sync ended (its client said so).
    static func syncEnded() {
        Counter(label: "myolog_syncs_total").increment()
    }

    /// A peer was seen put back to an older copy of its store (``PeerRollback``).
    static func rollbackSeen() {
        Counter(label: "myolog_rollbacks_seen_total").increment()
    }

    /// A batch a peer offered was received and committed.
    static func received(_ receipt: ReceiveSummary) {
        for (origin, count) in receipt.stored {
            Counter(label: "myolog_events_received_total", dimensions: [("origin", origin.rawValue)]).increment(by: count)
        }
        if receipt.heldBack > 0 { Counter(label: "myolog_events_held_back_total").increment(by: receipt.heldBack) }
        if !receipt.quarantined.isEmpty { Counter(label: "myolog_events_quarantined_total").increment(by: receipt.quarantined.count) }
        if receipt.duplicates > 0 { Counter(label: "myolog_events_duplicate_total").increment(by: receipt.duplicates) }
    }

    /// A page of `origin`'s events was sent to a peer.
    static func sent(origin: NodeID, count: Int) {
        Counter(label: "myolog_events_sent_total", dimensions: [("origin", origin.rawValue)]).increment(by: count)
    }

    /// A batch was refused (nothing of it written) because of an event of `origin`.
    static func refused(origin: String, count: Int) {
        Counter(label: "myolog_batches_refused_total", dimensions: [("origin", origin)]).increment()
        Counter(label: "myolog_events_refused_total", dimensions: [("origin", origin)]).increment(by: count)
    }

    /// A request to `route` was answered after `duration`.
    static func answered(route: String, status: Int, after duration: Duration) {
        Metrics.Timer(label: "myolog_request_duration_seconds", dimensions: [("route", route), ("status", String(status))]).recordInterval(duration)
    }
}

extension Metrics.Timer {
    func recordInterval(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
