import EventModel
import EventCrypto

/// The sync protocol: two stores exchange their chain heads, look for forks, then each sends the
/// other exactly what it lacks — per origin, in sequence order, in bounded batches that each
/// commit in their own transaction with the receiver's views.
///
/// Cost is O(delta + origins) requests and index ranges, never a scan of the log. A sync killed
/// at any instant leaves whole batches, and the next one resumes from the stored heads; a
/// finished sync run again moves nothing. Events relay: a third site's events held by the peer
/// move like its own.
///
/// Forks (different events at the same place of one origin's chain — a cloned store, a restored
/// backup, an altered copy) are found before anything of that origin moves: heads are compared,
/// and where they disagree a binary search over the hash chain finds the first differing
/// sequence in O(log n) lookups. Each side's event there goes into the other's quarantine, that
/// origin is left alone, the rest of the sync goes on, and the report names the fork.
public enum LogExchange {
    /// Events moved, per origin node.
    public typealias Moved = [NodeID: Int]

    /// Syncs `local` with `peer` in `directions` (both by default): afterwards each holds every
    /// event either held, except along forked chains. The local side is a store directory or a
    /// hub (``LocalLog``); the peer any carrier.
    ///
    /// - Parameters:
    ///   - local: The near side: a store directory or the hub.
    ///   - peer: The other side, over any carrier.
    ///   - batchSize: About how many events each commit carries (more, up to a signed event).
    ///   - directions: Which way events and keys move.
    ///   - disclosures: Who records what each side discloses, before it leaves.
    ///   - witness: Told of each rollback (``PeerRollback``) as soon as it is seen: the peer behind
    ///     its own chain at the start, this side behind its own as its events come back.
    /// - Returns: What moved each way, forks found, events held back or waiting for trust.
    /// - Throws: ``TrustRefusal`` when `local` does not trust the peer; `EventProblem` for an event refused, or a peer whose chain has a gap; the carrier's and the stores' errors. What earlier batches committed stays.
    public static func sync(_ local: some LocalLog, with peer: some LogPeer, batchSize: Int = 1000, directions: Directions = .both,
                            disclosures: Disclosures = .none, witness: @escaping @Sendable (PeerRollback) async -> Void = { _ in }) async throws -> Report {
        let session = try await SyncSession(local: local, peer: peer, batchSize: batchSize, directions: directions, disclosures: disclosures, witness: witness)
        try await session.searchForks()
        try await session.introduce()
        try await session.pull()
        try await session.endPull()
        try await session.push()
        try await session.exchangeKeys()
        return session.end()
    }

    /// How many leading events of a page are exactly the next events of the origin asked for. A
    /// peer whose chain skips a sequence (an event deleted from its file) or that answers
    /// another origin is refused there, whatever the carrier.
    static func contiguousPrefix(_ page: [EventEnvelope], origin: NodeID, after: Int) -> Int {
        page.indices.first { page[$0].origin != origin || page[$0].sequence != after + 1 + $0 } ?? page.count
    }

    static func gap(_ event: EventEnvelope, expected: Int, origin: NodeID) -> EventProblem {
        EventProblem(.sequenceGap, eventID: event.id.rawValue, origin: event.origin.rawValue, sequence: event.sequence,
                           reason: "the peer sent origin \(event.origin) sequence \(event.sequence) where origin \(origin) sequence \(expected) was due: its chain has a gap (an event deleted?) or it is not the protocol")
    }

    /// How many events to ask for next: enough to fill the batch; or, when the batch is full but
    /// has no signed event to end on yet, one signature interval, which brings one.
    static func pageLimit(gathered: Int, batchSize: Int, left: Int) -> Int {
        let room = batchSize - gathered
        return min(room > 0 ? room : ChainSignature.interval, left)
    }

    /// The first sequence at which the two chains of `origin` hold different events, or nil if
    /// one is a prefix of the other. Chains are hash-linked: equal hashes at one sequence mean
    /// equal chains up to it, which is what makes the binary search sound.
    static func firstDifference(origin: NodeID, mine: ChainHead, theirs: ChainHead, local: some LocalLog, peer: some LogPeer) async throws -> ChainPlace? {
        func myHash(_ sequence: Int) async throws -> EventHash? {
            if sequence == mine.sequence { return mine.hash }
            return try await local.events(origin: origin, after: sequence - 1, limit: 1).first.map(\.hash)
        }
        func theirHash(_ sequence: Int) async throws -> EventHash? {
            if sequence == theirs.sequence { return theirs.hash }
            return try await peer.events(origin: origin, after: sequence - 1, limit: 1).first.map(\.hash)
        }
        let shared = min(mine.sequence, theirs.sequence)
        guard try await myHash(shared) != (try await theirHash(shared)) else { return nil }
        var low = 1, high = shared  // the first differing sequence is in low...high
        while low < high {
            let middle = (low + high) / 2
            if try await myHash(middle) == (try await theirHash(middle)) { low = middle + 1 } else { high = middle }
        }
        return ChainPlace(origin: origin, sequence: low)
    }
}
