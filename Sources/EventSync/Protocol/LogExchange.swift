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

    /// What one sync did.
    public struct Report: Sendable {
        public var peer: PeerSummary
        public var received: Moved = [:]
        public var sent: Moved = [:]
        /// Forks found by this sync, by place in the chain.
        public var forks: [ChainPlace] = []
        /// Events held back (ahead of a gap) on either side.
        public var heldBack = 0
        /// Events, per origin, that a side keeps aside because it does not trust their origin.
        public var awaitingTrust: Moved = [:]
        /// Events, per origin, that a side refused because it removed their origin from its trust list.
        public var originRemoved: Moved = [:]

        /// Patient keys received from and sent to the peer.
        public var keysReceived = 0, keysSent = 0

        /// The patients whose sealed events or keys this sync moved each way: what each side
        /// disclosed to the other, for the access log.
        public var patientsReceived = Set<PatientID>(), patientsSent = Set<PatientID>()

        public var movedNothing: Bool { received.values.reduce(0, +) + sent.values.reduce(0, +) == 0 }
    }

    /// Who records a disclosure, and when: before what makes a patient readable at the other side
    /// — their key, or their sealed events — is handed over, batch by batch. A sync killed at any
    /// instant, or a peer that never says it is done, has then recorded at least every patient
    /// the other side can read (a batch recorded but not delivered over-reports; nothing
    /// under-reports). Each patient is recorded once per sync and direction.
    public struct Disclosures: Sendable {
        /// Records, in the local log, that the local side is about to make these patients
        /// readable at the peer.
        public var byLocal: (@Sendable (_ recipient: NodeID, _ patients: [PatientID]) async throws -> Void)?
        /// Records, in the peer's own log, that the peer is about to make these patients readable
        /// here — for a peer this process writes to (a store directory, a hub); nil for a server,
        /// which records its own before it answers.
        public var byPeer: (@Sendable (_ recipient: NodeID, _ patients: [PatientID]) async throws -> Void)?

        public init(byLocal: (@Sendable (_ recipient: NodeID, _ patients: [PatientID]) async throws -> Void)?, byPeer: (@Sendable (_ recipient: NodeID, _ patients: [PatientID]) async throws -> Void)?) {
            (self.byLocal, self.byPeer) = (byLocal, byPeer)
        }

        /// Nothing recorded (tests and benchmarks of the exchange alone).
        public static let none = Disclosures(byLocal: nil, byPeer: nil)
    }

    /// The patients of `events` and `keys` a receiver can read once it holds them, not yet
    /// recorded in `recorded`; recorded through `record` first, then added to `recorded`.
    static func disclose(_ events: some Sequence<EventEnvelope>, keys: [SealedPatientKey] = [], to recipient: NodeID, recorded: inout Set<PatientID>,
                         through record: (@Sendable (_ recipient: NodeID, _ patients: [PatientID]) async throws -> Void)?) async throws {
        guard let record else { return }
        var fresh = Set<PatientID>()
        for event in events where event.isSealed { if let patient = event.patient, !recorded.contains(patient) { fresh.insert(patient) } }
        for key in keys where !recorded.contains(key.patient) { fresh.insert(key.patient) }
        guard !fresh.isEmpty else { return }
        try await record(recipient, fresh.sorted())
        recorded.formUnion(fresh)
    }

    /// Which way events and keys move: both (a sync), or one (head office collecting from a
    /// site that should not be sent the chain's other records).
    public struct Directions: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// From the peer into the local log.
        public static let pull = Directions(rawValue: 1)
        /// From the local log to the peer.
        public static let push = Directions(rawValue: 2)
        public static let both: Directions = [.pull, .push]
    }

    /// Syncs `local` with `peer` in `directions` (both by default): afterwards each holds every
    /// event either held, except along forked chains. The local side is a store directory or a
    /// hub (``LocalLog``); the peer any carrier.
    public static func sync(_ local: some LocalLog, with peer: some LogPeer, batchSize: Int = 1000, directions: Directions = .both,
                            disclosures: Disclosures = .none) async throws -> Report {
        precondition(batchSize > 0)
        var disclosedToPeer = Set<PatientID>(), disclosedByPeer = Set<PatientID>()
        let theirs = try await peer.summary()
        // `.local` too: a copy of this very store is let through to be named as a fork.
        guard try local.accepts(theirs.node) else {
            throw TrustRefusal.untrustedPeer(node: theirs.node, site: theirs.site, store: local.directory.path)
        }
        let mine = try await local.summary().heads
        var report = Report(peer: theirs)
        var forked: Set<NodeID> = []
        for origin in theirs.heads.keys.sorted() {
            guard let their = theirs.heads[origin], let my = mine[origin] else { continue }
            guard let place = try await firstDifference(origin: origin, mine: my, theirs: their, local: local, peer: peer) else { continue }
            forked.insert(origin)
            report.forks.append(place)
            // Each side keeps the other's event at the fork as evidence.
            if let theirEvent = try await peer.events(origin: origin, after: place.sequence - 1, limit: 1).first {
                try await disclose([theirEvent], to: local.identity.nodeID, recorded: &disclosedByPeer, through: disclosures.byPeer)
                _ = try await local.receive([theirEvent])
            }
            if let myEvent = try await local.events(origin: origin, after: place.sequence - 1, limit: 1).first {
                try await disclose([myEvent], to: theirs.node, recorded: &disclosedToPeer, through: disclosures.byLocal)
                _ = try await peer.receive([myEvent])
            }
        }
        // A peer that has never heard of this node is first sent its enrolment (self-signed, so a
        // batch of its own), which carries the key-agreement key the peer seals patient keys to:
        // then every pulled batch can come with its keys. Best effort — a peer that refuses it
        // (say, one whose own chain was altered) still serves what it holds; the keys then come
        // at the end.
        let me = local.identity.nodeID
        var introduced = false
        if theirs.heads[me] == nil, let enrolment = try await local.events(origin: me, after: 0, limit: 1).first,
           let receipt = try? await peer.receive([enrolment]) {
            report.add(receipt, to: \.sent)
            introduced = receipt.stored[me] == 1
        }
        // Pushing only, to a peer never heard of: its enrolment is taken all the same (one event,
        // its public keys and no record), so that the pushed batches can carry their patients'
        // keys sealed to it.
        if !directions.contains(.pull), mine[theirs.node] == nil,
           let enrolment = try await peer.events(origin: theirs.node, after: 0, limit: 1).first {
            report.add(try await local.receive([enrolment]), to: \.received)
        }
        // Pull what the peer holds beyond this store's heads. Pages are per origin (the index
        // range), but commits gather pages of several origins up to `batchSize` events: after a
        // long time apart a sync touches many origins, each with a few events, and one
        // transaction per origin would spend the sync on fsyncs.
        // A commit ends on a signed event of each origin (the receiver refuses anything else):
        // the unsigned tail of a page waits for the next page, which brings its signature.
        var pending: [EventEnvelope] = []
        // Each batch comes with the keys of its patients this store lacks, sealed to it by the
        // peer, and commits with them: the events are folded readable the first time.
        func commitPulled(atLeast limit: Int = batchSize, everything: Bool = false) async throws {
            try await pending.commitSigned(limit: limit, everything: everything) { batch in
                let lacking = try await local.patientsLackingKeys(in: batch)
                let keys = lacking.isEmpty ? [] : try await peer.keys(for: lacking, to: local.identity.nodeID)
                try await disclose(batch, keys: keys, to: local.identity.nodeID, recorded: &disclosedByPeer, through: disclosures.byPeer)
                let receipt = try await local.receive(batch, keys: keys)
                report.add(receipt, to: \.received)
                report.patientsReceived.formUnion(batch.lazy.filter(\.isSealed).compactMap(\.patient))
                report.keysReceived += receipt.keys.stored
            }
        }
        for origin in theirs.heads.keys.sorted() where directions.contains(.pull) && !forked.contains(origin) {
            let target = theirs.heads[origin]!.sequence
            var after = mine[origin]?.sequence ?? 0
            while after < target {
                let page = try await peer.events(origin: origin, after: after, limit: pageLimit(gathered: pending.count, batchSize: batchSize, left: target - after))
                let intact = contiguousPrefix(page, origin: origin, after: after)
                if intact < page.count {
                    // Keep what came before, as far as signatures cover it; then stop.
                    pending += page[..<intact]
                    try await commitPulled(atLeast: 1)
                    throw gap(page[intact], expected: after + 1 + intact, origin: origin)
                }
                guard let last = page.last else { break }
                pending += page
                after = last.sequence
                if pending.count >= batchSize { try await commitPulled() }
            }
        }
        try await commitPulled(everything: true)
        // Push what this store held beyond the peer's heads when the sync began, gathered the
        // same way: one request (and one transaction at the peer) per `batchSize` events.
        // Each batch carries the keys of its patients (once per sync, sealed to the peer, if this
        // store trusts it): a peer that stores both together folds each patient readable once,
        // instead of unreadable now and again when `exchangeKeys` sends the keys at the end.
        // One batch is in flight while the next is read and gathered here (the peer's work and
        // this store's reading overlap); a batch is offered only once the one before it was
        // taken, since it links to it.
        var outgoing: [EventEnvelope] = []
        var keysOffered: Set<PatientID> = []
        var inFlight: Task<(ReceiveSummary, [EventEnvelope]), any Error>?
        func settle() async throws {
            guard let offered = inFlight else { return }
            inFlight = nil
            let (receipt, batch) = try await offered.value
            report.add(receipt, to: \.sent)
            report.keysSent += receipt.keys.stored
            report.patientsSent.formUnion(batch.lazy.filter(\.isSealed).compactMap(\.patient))
        }
        func offer(everything: Bool = false) async throws {
            try await outgoing.commitSigned(limit: batchSize, everything: everything) { batch in
                var patients: [PatientID] = []
                for event in batch where event.isSealed {
                    if let patient = event.patient, keysOffered.insert(patient).inserted { patients.append(patient) }
                }
                let keys = patients.isEmpty ? [] : try await local.keys(for: patients, to: theirs.node)
                try await settle()
                try await disclose(batch, keys: keys, to: theirs.node, recorded: &disclosedToPeer, through: disclosures.byLocal)
                inFlight = Task { (try await peer.receive(batch, keys: keys), batch) }
            }
        }
        do {
            for origin in mine.keys.sorted() where directions.contains(.push) && !forked.contains(origin) {
                let target = mine[origin]!.sequence
                var after = theirs.heads[origin]?.sequence ?? (origin == me && introduced ? 1 : 0)
                while after < target {
                    let page = try await local.events(origin: origin, after: after, limit: pageLimit(gathered: outgoing.count, batchSize: batchSize, left: target - after))
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
        try await exchangeKeys(local, with: theirs.node, peer: peer, directions: directions, report: &report, disclosures: disclosures,
                               disclosedToPeer: &disclosedToPeer, disclosedByPeer: &disclosedByPeer)
        report.forks.sort()
        return report
    }

    /// After the events: each side sends the other the keys of the patients whose sealed events
    /// the other holds without them — sealed to that node alone, and only if it trusts it.
    static func exchangeKeys(_ local: some LocalLog, with node: NodeID, peer: some LogPeer, directions: Directions, report: inout Report,
                             disclosures: Disclosures, disclosedToPeer: inout Set<PatientID>, disclosedByPeer: inout Set<PatientID>) async throws {
        let mine = directions.contains(.pull) ? try await local.patientsWithoutKeys() : []
        for chunk in stride(from: 0, to: mine.count, by: keyBatchSize).map({ Array(mine[$0..<min($0 + keyBatchSize, mine.count)]) }) {
            let keys = try await peer.keys(for: chunk, to: local.identity.nodeID)
            try await disclose([], keys: keys, to: local.identity.nodeID, recorded: &disclosedByPeer, through: disclosures.byPeer)
            let receipt = try await local.receiveKeys(keys)
            report.keysReceived += receipt.stored
            report.patientsReceived.formUnion(keys.map(\.patient))
        }
        let theirs = directions.contains(.push) ? try await peer.patientsWithoutKeys() : []
        for chunk in stride(from: 0, to: theirs.count, by: keyBatchSize).map({ Array(theirs[$0..<min($0 + keyBatchSize, theirs.count)]) }) {
            let sealed = try await local.keys(for: chunk, to: node)
            guard !sealed.isEmpty else { continue }
            try await disclose([], keys: sealed, to: node, recorded: &disclosedToPeer, through: disclosures.byLocal)
            report.keysSent += try await peer.receiveKeys(sealed).stored
            // A key makes the events the peer already held readable: a disclosure too.
            report.patientsSent.formUnion(sealed.map(\.patient))
        }
    }

    /// Keys per request and per transaction.
    static let keyBatchSize = 500

    /// How many leading events of a page are exactly the next events of the origin asked for. A
    /// peer whose chain skips a sequence (an event deleted from its file) or that answers
    /// another origin is refused there, whatever the carrier.
    static func contiguousPrefix(_ page: [EventEnvelope], origin: NodeID, after: Int) -> Int {
        page.indices.first { page[$0].origin != origin || page[$0].sequence != after + 1 + $0 } ?? page.count
    }

    static func gap(_ event: EventEnvelope, expected: Int, origin: NodeID) -> EventProblem {
        EventProblem(eventID: event.id.rawValue, origin: event.origin.rawValue, sequence: event.sequence,
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

extension LogExchange.Report {
    mutating func add(_ receipt: ReceiveSummary, to direction: WritableKeyPath<Self, LogExchange.Moved>) {
        for (origin, count) in receipt.stored { self[keyPath: direction][origin, default: 0] += count }
        heldBack += receipt.heldBack
        for (origin, count) in receipt.awaitingTrust { awaitingTrust[origin, default: 0] += count }
        for (origin, count) in receipt.originRemoved { originRemoved[origin, default: 0] += count }
        for place in receipt.quarantined where !forks.contains(place) { forks.append(place) }
    }
}
