import Crypto
import Foundation
import EventModel
import EventCrypto

/// What became of an event offered by another node.
public enum EventReceipt: Sendable, Equatable {
    /// Stored in the log (and folded into the views with its transaction).
    case stored
    /// Already held, byte for byte: nothing to do.
    case duplicate
    /// Ahead of a gap in its origin's chain: kept aside, and stored — in order — by the
    /// transaction that stores the event it follows.
    case heldBack
    /// A fork: a validly hashed event where this store holds a different one. Kept in
    /// quarantine as evidence, never merged.
    case quarantined
    /// Its origin is not in this store's trust list: kept aside, unapplied, until an operator
    /// adds the origin (`myolog peer add`).
    case awaitingTrust
    /// Its origin was removed from the trust list, and the event was not stored before: refused.
    case originRemoved
}
