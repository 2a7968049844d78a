import EventModel
import EventCrypto

/// Cutting a stream of events into commits that each end on a signed event of every origin they
/// carry — what every sender (path, HTTPS, bundle) does, because a receiver refuses less.
extension Array where Element == EventEnvelope {
    /// How many leading events of a batch being gathered to commit go into the next commit: up
    /// to a signed event, because a receiver refuses a batch that leaves an origin's chain on an
    /// unsigned one — the first signed event at or after `limit` events if there is one (commits
    /// stay near the batch size, so a refused batch costs little), else the last signed one.
    /// The events after it (an origin's events after its last signature so far) wait for the
    /// events that bring their covering signature, at most `ChainSignature.interval` later.
    /// With no signed event: all of them when `everything` (the end of the input — the receiver
    /// then refuses, naming the uncovered event) or once the batch has grown more than a
    /// signature interval beyond `limit`; otherwise none yet.
    ///
    /// - Parameters:
    ///   - limit: The batch size aimed at.
    ///   - everything: Whether no more events will come.
    /// - Returns: How many leading events to commit now; 0 to wait for more.
    public func committableCount(limit: Int, everything: Bool) -> Int {
        let signed = indices.dropFirst(Swift.max(limit - 1, 0)).first { self[$0].signature != nil } ?? lastIndex { $0.signature != nil }
        if let signed { return signed + 1 }
        return everything || count > limit + ChainSignature.interval ? count : 0
    }

    /// Commits the gathered batch through `commit`, a signed chunk at a time, while it holds at
    /// least `limit` events (all of it when `everything`); what cannot be committed yet stays.
    ///
    /// - Parameters:
    ///   - limit: The batch size aimed at.
    ///   - everything: Whether no more events will come.
    ///   - commit: Commits one chunk (sends it, or stores it).
    /// - Throws: Whatever `commit` throws; the chunk it threw on stays in the array.
    public mutating func commitSigned(limit: Int, everything: Bool, _ commit: ([EventEnvelope]) async throws -> Void) async rethrows {
        while !isEmpty, everything || count >= limit {
            let count = committableCount(limit: limit, everything: everything)
            guard count > 0 else { return }
            try await commit(Array(self[..<count]))
            removeFirst(count)
        }
    }
}
