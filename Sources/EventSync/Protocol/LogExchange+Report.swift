import EventCrypto
import EventModel

extension LogExchange {
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

        /// Either side holding less of its own chain than the other held of it when the sync
        /// began (its store put back to an older copy): the sync returned its events to it.
        public var rollbacks: [PeerRollback] = []

        /// Patient keys received from and sent to the peer.
        public var keysReceived = 0, keysSent = 0

        /// The patients whose sealed events or keys this sync moved each way: what each side
        /// disclosed to the other, for the access log.
        public var patientsReceived = Set<PatientID>(), patientsSent = Set<PatientID>()

        public var movedNothing: Bool { received.values.reduce(0, +) + sent.values.reduce(0, +) == 0 }
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
