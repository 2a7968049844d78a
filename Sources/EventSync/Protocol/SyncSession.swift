import EventCrypto
import EventModel

/// One run of the sync protocol (``LogExchange/sync(_:with:batchSize:directions:disclosures:witness:)``),
/// stage by stage: ``meet()`` (both summaries, the trust check), ``searchForks()``,
/// ``introduce()``, ``pull()``, ``push()``, ``exchangeKeys()`` and ``end()``.
///
/// The state one sync carries between its stages — the two summaries, the forked origins, what
/// was disclosed each way, the events gathered to commit, the batch in flight — lives here, so
/// each stage is a method that reads as the protocol does. Used by one task at a time.
final class SyncSession<Local: LocalLog, Peer: LogPeer> {
    let local: Local
    let peer: Peer
    let batchSize: Int
    let directions: LogExchange.Directions
    let disclosures: LogExchange.Disclosures
    /// Told of each rollback as soon as it is seen, before anything more moves (a sync stopped or
    /// failing later still names it).
    let witness: @Sendable (PeerRollback) async -> Void

    /// The peer's summary and this side's heads, as they were when the sync began.
    private(set) var theirs: PeerSummary
    private var mine: [NodeID: ChainHead] = [:]
    private(set) var report: LogExchange.Report
    /// Origins whose chains fork: nothing of them moves.
    private var forked: Set<NodeID> = []
    /// Patients recorded as disclosed, each way, so each is recorded once per sync.
    private var disclosedToPeer = Set<PatientID>(), disclosedByPeer = Set<PatientID>()
    /// Whether the peer took this node's enrolment in ``introduce()`` (pushing starts after it).
    private var introduced = false
    /// Pulled events gathered to commit, and pushed ones gathered to offer.
    private var pending: [EventEnvelope] = [], outgoing: [EventEnvelope] = []
    /// Patients whose keys went with a pushed batch already.
    private var keysOffered: Set<PatientID> = []
    /// The pushed batch the peer is committing while the next is read here.
    private var inFlight: Task<(ReceiveSummary, [EventEnvelope]), any Error>?

    private var me: NodeID { local.identity.nodeID }

    /// Stage 1, the summary: the peer's heads, whether this log exchanges records with it at all
    /// (`.local` too: a copy of this very store is let through to be named as a fork), this log's heads.
    init(local: Local, peer: Peer, batchSize: Int, directions: LogExchange.Directions, disclosures: LogExchange.Disclosures,
         witness: @escaping @Sendable (PeerRollback) async -> Void) async throws {
        precondition(batchSize > 0)
        (self.local, self.peer, self.batchSize, self.directions, self.disclosures, self.witness) = (local, peer, batchSize, directions, disclosures, witness)
        // This side's heads first: a peer's events reaching this side while its summary is on
        // the way (another sync) must not make the peer look behind its own chain.
        let heads = try await local.summary().heads
        theirs = try await peer.summary()
        report = LogExchange.Report(peer: theirs)
        guard try local.accepts(theirs.node) else {
            throw TrustRefusal.untrustedPeer(node: theirs.node, site: theirs.site, store: local.directory.path)
        }
        mine = heads
        peerBehind = PeerRollback.peerBehind(theirs, held: mine, me: me)
    }

    /// The peer behind its own chain, as the summaries show it; named once the fork search has
    /// run (``searchForks()``), before anything else moves.
    private var peerBehind: PeerRollback?

    /// Stage 2, the fork search: for every origin both hold, where the chains first differ. Each
    /// side keeps the other's event there as evidence, and that origin moves no further.
    func searchForks() async throws {
        for origin in theirs.heads.keys.sorted() {
            guard let their = theirs.heads[origin], let my = mine[origin] else { continue }
            guard let place = try await LogExchange.firstDifference(origin: origin, mine: my, theirs: their, local: local, peer: peer) else { continue }
            forked.insert(origin)
            report.forks.append(place)
            if let theirEvent = try await peer.events(origin: origin, after: place.sequence - 1, limit: 1).first {
                try await disclose([theirEvent], to: me, recorded: &disclosedByPeer, through: disclosures.byPeer)
                _ = try await local.receive([theirEvent])
            }
            if let myEvent = try await local.events(origin: origin, after: place.sequence - 1, limit: 1).first {
                try await disclose([myEvent], to: theirs.node, recorded: &disclosedToPeer, through: disclosures.byLocal)
                _ = try await peer.receive([myEvent])
            }
        }
        // A shorter chain that is not a prefix of the longer one is a fork (a copy that wrote on
        // its own, or a restored copy that wrote before it synced), named as one: only a chain
        // cut back along the same events is a rollback. Named now, before anything else moves,
        // so a sync stopped or failing later still leaves it recorded.
        if let rollback = peerBehind, !forked.contains(rollback.node) {
            report.rollbacks.append(rollback)
            await witness(rollback)
        }
    }

    /// Stage 3, the introductions. A peer that has never heard of this node is first sent its
    /// enrolment (self-signed, so a batch of its own), which carries the key-agreement key the
    /// peer seals patient keys to: then every pulled batch can come with its keys. Best effort —
    /// a peer that refuses it (say, one whose own chain was altered) still serves what it holds;
    /// the keys then come at the end.
    ///
    /// Pushing only, to a peer never heard of: its enrolment is taken all the same (one event,
    /// its public keys and no record), so that the pushed batches can carry their patients' keys
    /// sealed to it.
    func introduce() async throws {
        if theirs.heads[me] == nil, let enrolment = try await local.events(origin: me, after: 0, limit: 1).first,
           let receipt = try? await peer.receive([enrolment]) {
            report.add(receipt, to: \.sent)
            introduced = receipt.stored[me] == 1
        }
        if !directions.contains(.pull), mine[theirs.node] == nil,
           let enrolment = try await peer.events(origin: theirs.node, after: 0, limit: 1).first {
            report.add(try await local.receive([enrolment]), to: \.received)
        }
    }

    /// Stage 4, the pull: what the peer holds beyond this log's heads. Pages are per origin (the
    /// index range), but commits gather pages of several origins up to `batchSize` events: after
    /// a long time apart a sync touches many origins, each with a few events, and one
    /// transaction per origin would spend the sync on fsyncs. A commit ends on a signed event of
    /// each origin (the receiver refuses anything else): the unsigned tail of a page waits for
    /// the next page, which brings its signature.
    ///
    /// The next page is asked for before the gathered events commit, so reading the peer (its
    /// rows decoded on its own queue, or the network) overlaps with checking and writing here;
    /// the page is used only once the commit before it succeeded.
    func pull() async throws {
        var next: Task<[EventEnvelope], any Error>?
        do {
            for origin in theirs.heads.keys.sorted() where directions.contains(.pull) && !forked.contains(origin) {
                let target = theirs.heads[origin]!.sequence
                var after = mine[origin]?.sequence ?? 0
                while after < target {
                    // A cancelled sync (a round over its time, a service stopping) ends here,
                    // between whole batches: what committed stays, the next sync resumes.
                    try Task.checkCancellation()
                    let page: [EventEnvelope]
                    if let asked = next.take() {
                        page = try await asked.value
                    } else {
                        page = try await peer.events(origin: origin, after: after, limit: LogExchange.pageLimit(gathered: pending.count, batchSize: batchSize, left: target - after))
                    }
                    let intact = LogExchange.contiguousPrefix(page, origin: origin, after: after)
                    if intact < page.count {
                        // Keep what came before, as far as signatures cover it; then stop.
                        pending += page[..<intact]
                        try await commitPulled(atLeast: 1)
                        throw LogExchange.gap(page[intact], expected: after + 1 + intact, origin: origin)
                    }
                    guard let last = page.last else { break }
                    pending += page
                    after = last.sequence
                    if pending.count >= batchSize {
                        if after < target {
                            let (peer, from, limit) = (self.peer, after, min(batchSize, target - after))
                            next = Task { try await peer.events(origin: origin, after: from, limit: limit) }
                        }
                        try await commitPulled(atLeast: batchSize)
                    }
                }
            }
            try await commitPulled(atLeast: batchSize, everything: true)
        } catch {
            // Nothing left running behind the caller's back: the page being read ends first.
            _ = await next?.result
            throw error
        }
    }

    /// Tells the local log the pull has ended (`LocalLog.pullEnded(from:forked:)`): a restored
    /// store then knows whether it holds all the peer held of its own chain.
    func endPull() async throws {
        guard directions.contains(.pull) else { return }
        try await local.pullEnded(from: theirs, forked: forked)
    }

    /// Commits gathered pulled events, each batch with the keys of its patients this log lacks,
    /// sealed to it by the peer: the events are folded readable the first time.
    private func commitPulled(atLeast limit: Int, everything: Bool = false) async throws {
        try await pending.commitSigned(limit: limit, everything: everything) { batch in
            let lacking = try await local.patientsLackingKeys(in: batch)
            let keys = lacking.isEmpty ? [] : try await peer.keys(for: lacking, to: me)
            try await disclose(batch, keys: keys, to: me, recorded: &disclosedByPeer, through: disclosures.byPeer)
            let receipt = try await local.receive(batch, keys: keys)
            report.add(receipt, to: \.received)
            if receipt.stored[me] ?? 0 > 0, let last = batch.last(where: { $0.origin == me }) {
                // This node's own events, signed by it, stored only now: this store had lost them
                // — it was put back to an older copy — and gets them back.
                await witnessOwnRollback(upTo: last.sequence)
            }
            report.patientsReceived.formUnion(batch.lazy.filter(\.isSealed).compactMap(\.patient))
            report.keysReceived += receipt.keys.stored
        }
    }

    /// Records that this store held its own chain only up to where it stood when the sync began,
    /// while the peer held it (signed) up to at least `sequence`: one rollback per sync, its
    /// extent growing with each batch.
    private func witnessOwnRollback(upTo sequence: Int) async {
        let rollback = PeerRollback(node: me, site: local.identity.site, theirSequence: mine[me]?.sequence ?? 0, heldSequence: sequence)
        if let index = report.rollbacks.firstIndex(where: { $0.node == me }) {
            report.rollbacks[index].heldSequence = max(report.rollbacks[index].heldSequence, sequence)
        } else {
            report.rollbacks.append(rollback)
        }
        await witness(rollback)
    }

    /// Stage 5, the push pipeline: what this log held beyond the peer's heads when the sync
    /// began, gathered the same way — one request (and one transaction at the peer) per
    /// `batchSize` events. Each batch carries the keys of its patients (once per sync, sealed to
    /// the peer, if this log trusts it), so the peer folds each patient readable once. One batch
    /// is in flight while the next is read and gathered here; a batch is offered only once the
    /// one before it was taken, since it links to it.
    func push() async throws {
        do {
            for origin in mine.keys.sorted() where directions.contains(.push) && !forked.contains(origin) {
                let target = mine[origin]!.sequence
                var after = theirs.heads[origin]?.sequence ?? (origin == me && introduced ? 1 : 0)
                while after < target {
                    try Task.checkCancellation()
                    let page = try await local.events(origin: origin, after: after,
                                                      limit: LogExchange.pageLimit(gathered: outgoing.count, batchSize: batchSize, left: target - after))
                    guard let last = page.last else { break }
                    outgoing += page
                    after = last.sequence
                    if outgoing.count >= batchSize { try await offer() }
                }
            }
            try await offer(everything: true)
            try await settle()
        } catch {
            // Nothing left running behind the caller's back: the batch in flight ends first.
            _ = await inFlight?.result
            throw error
        }
    }

    /// Offers the gathered events, a signed batch at a time, each once the one before was taken.
    private func offer(everything: Bool = false) async throws {
        try await outgoing.commitSigned(limit: batchSize, everything: everything) { batch in
            var patients: [PatientID] = []
            for event in batch where event.isSealed {
                if let patient = event.patient, keysOffered.insert(patient).inserted { patients.append(patient) }
            }
            let keys = patients.isEmpty ? [] : try await local.keys(for: patients, to: theirs.node)
            try await settle()
            try await disclose(batch, keys: keys, to: theirs.node, recorded: &disclosedToPeer, through: disclosures.byLocal)
            let peer = self.peer
            inFlight = Task { (try await peer.receive(batch, keys: keys), batch) }
        }
    }

    /// Waits for the batch in flight and counts what the peer took.
    private func settle() async throws {
        guard let offered = inFlight else { return }
        inFlight = nil
        let (receipt, batch) = try await offered.value
        report.add(receipt, to: \.sent)
        report.keysSent += receipt.keys.stored
        report.patientsSent.formUnion(batch.lazy.filter(\.isSealed).compactMap(\.patient))
    }

    /// Stage 6, the keys: each side sends the other the keys of the patients whose sealed events
    /// the other holds without them — sealed to that node alone, and only if it trusts it.
    func exchangeKeys() async throws {
        let lackedHere = directions.contains(.pull) ? try await local.patientsWithoutKeys() : []
        for chunk in Self.chunks(lackedHere) {
            let keys = try await peer.keys(for: chunk, to: me)
            try await disclose([], keys: keys, to: me, recorded: &disclosedByPeer, through: disclosures.byPeer)
            let receipt = try await local.receiveKeys(keys)
            report.keysReceived += receipt.stored
            report.patientsReceived.formUnion(keys.map(\.patient))
        }
        let lackedThere = directions.contains(.push) ? try await peer.patientsWithoutKeys() : []
        for chunk in Self.chunks(lackedThere) {
            let sealed = try await local.keys(for: chunk, to: theirs.node)
            guard !sealed.isEmpty else { continue }
            try await disclose([], keys: sealed, to: theirs.node, recorded: &disclosedToPeer, through: disclosures.byLocal)
            report.keysSent += try await peer.receiveKeys(sealed).stored
            // A key makes the events the peer already held readable: a disclosure too.
            report.patientsSent.formUnion(sealed.map(\.patient))
        }
    }

    /// Stage 7, the end: the report, its forks in chain order.
    func end() -> LogExchange.Report {
        report.forks.sort()
        return report
    }

    /// Keys per request and per transaction.
    static var keyBatchSize: Int { 500 }

    private static func chunks(_ patients: [PatientID]) -> [[PatientID]] {
        stride(from: 0, to: patients.count, by: keyBatchSize).map { Array(patients[$0..<min($0 + keyBatchSize, patients.count)]) }
    }

    /// The patients of `events` and `keys` a receiver can read once it holds them, not yet
    /// recorded in `recorded`; recorded through `record` first, then added to `recorded`.
    private func disclose(_ events: some Sequence<EventEnvelope>, keys: [SealedPatientKey] = [], to recipient: NodeID, recorded: inout Set<PatientID>,
                          through record: (@Sendable (_ recipient: NodeID, _ patients: [PatientID]) async throws -> Void)?) async throws {
        guard let record else { return }
        var fresh = Set<PatientID>()
        for event in events where event.isSealed { if let patient = event.patient, !recorded.contains(patient) { fresh.insert(patient) } }
        for key in keys where !recorded.contains(key.patient) { fresh.insert(key.patient) }
        guard !fresh.isEmpty else { return }
        try await record(recipient, fresh.sorted())
        recorded.formUnion(fresh)
    }
}
