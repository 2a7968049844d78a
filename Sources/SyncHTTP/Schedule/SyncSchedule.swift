/// When a peer's next sync round starts, and how long one may run: what `sync --every` and
/// `serve --sync-with` follow for each peer on its own.
///
/// After a success the next round is `interval` away; after `n` failures in a row, `interval × 2ⁿ`,
/// capped at `maximumBackoff` — a peer that is down is asked less and less often, never more
/// often than every `interval`. Every delay is spread by ±`jitter` of itself, so sites started
/// together (or all retrying after one outage) do not keep arriving at a peer in the same second.
public struct SyncSchedule: Sendable, Equatable {
    /// Between the end of a successful round and the start of the next.
    public var interval: Duration
    /// The longest wait between rounds after failures.
    public var maximumBackoff: Duration
    /// The longest a round may run before it is stopped between batches (what it committed
    /// stays; the next round resumes there).
    public var roundLimit: Duration
    /// The spread of each delay, as a fraction of it (0.1: ±10 %).
    public var jitter: Double

    /// The shortest interval accepted: a second.
    public static let minimumInterval = Duration.seconds(1)

    /// A schedule every `interval`, with the defaults: backoff capped at 32 intervals or 15
    /// minutes, whichever is less (never below the interval); rounds limited to 10 minutes or
    /// the cap, whichever is more; ±10 % jitter.
    public init(interval: Duration, maximumBackoff: Duration? = nil, roundLimit: Duration? = nil, jitter: Double = 0.1) {
        precondition(interval >= Self.minimumInterval && (0..<1).contains(jitter))
        self.interval = interval
        let cap = maximumBackoff ?? max(interval, min(interval * 32, .seconds(15 * 60)))
        self.maximumBackoff = max(cap, interval)
        self.roundLimit = roundLimit ?? max(.seconds(10 * 60), self.maximumBackoff)
        self.jitter = jitter
    }

    /// The wait before the next round after `failures` failed rounds in a row (0: the last one
    /// succeeded), spread by `random`.
    public func delay(afterFailures failures: Int, using random: inout some RandomNumberGenerator) -> Duration {
        var base = interval
        for _ in 0..<min(max(failures, 0), 62) where base < maximumBackoff { base = base * 2 }
        base = min(base, maximumBackoff)
        return base + base * (jitter * Double.random(in: -1...1, using: &random))
    }

    /// The wait before the first round: up to one jitter's share of the interval, so peers
    /// configured together start apart.
    public func firstDelay(using random: inout some RandomNumberGenerator) -> Duration {
        interval * (jitter * Double.random(in: 0...1, using: &random))
    }
}
