import Foundation
import EventModel

/// A token bucket per peer node: a sync's burst of requests is served at once, a peer that
/// keeps hammering is answered 429 until its bucket refills. A sync of a million events at the
/// default batch size is a few thousand requests spread over minutes — far below the limit;
/// what it stops is a trusted machine gone wrong starving the others.
public actor PeerRateLimit {
    public nonisolated let burst: Int
    public nonisolated let perSecond: Double
    private var buckets: [NodeID: (tokens: Double, at: ContinuousClock.Instant)] = [:]

    public init(burst: Int = 200, perSecond: Double = 100) {
        self.burst = burst
        self.perSecond = perSecond
    }

    /// Takes one token from `node`'s bucket; false when it is empty.
    public func admit(_ node: NodeID) -> Bool {
        let now = ContinuousClock.now
        var bucket = buckets[node] ?? (Double(burst), now)
        let elapsed = now - bucket.at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(Double(burst), bucket.tokens + seconds * perSecond)
        bucket.at = now
        guard bucket.tokens >= 1 else {
            buckets[node] = bucket
            return false
        }
        bucket.tokens -= 1
        buckets[node] = bucket
        return true
    }
}
