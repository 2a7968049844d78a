import Crypto
import Foundation
import EventModel
import EventCrypto

/// What the receive rules remember within one transaction: heads as they advance, trust as read.
public struct ReceiveState {
    /// Each origin's head as this transaction has left it: a batch of a thousand events of one
    /// origin looks its head up once, not a thousand times.
    package var knownHeads: [NodeID: ChainHead?] = [:]
    /// The last event received and stored by this transaction, per origin.
    var receivedHeads: [NodeID: EventEnvelope] = [:]
    var trustByOrigin: [NodeID: PeerTrust] = [:]
    /// What waits of each untrusted origin, as this transaction leaves it.
    var waitingForTrust: [NodeID: (events: Int, bytes: Int)] = [:]
    /// The store's people as this transaction leaves them (loaded at the first person's event).
    var directory: UserDirectory?
    /// Whether held events are being offered again (`finishAuthorRuns()`).
    var retryingHeld = false
    /// Per origin, the run of one author's events received and not yet covered by their signature.
    var pendingRuns: [NodeID: (author: String, first: Int, clock: VectorClock)] = [:]
    /// Per origin, the first sequence carrying an author's signature (nil: none yet), as read once.
    var authorSigningStart: [NodeID: Int?] = [:]
    /// The events this transaction stored, in order (held-back ones it released included).
    public internal(set) var stored: [EventEnvelope] = []

    public init() {}
}
