import ClinicalEvents
import EventLog

/// A store's clinical record: the entry point for clinical writes.
///
/// ``write(_:)`` runs one transaction in which a ``ClinicalSession`` checks and appends; a
/// refused write appends nothing, and several writes in one session commit together.
public struct ClinicalRecord: Sendable {
    public let store: EventStore
    public var input: ClinicalInput

    public init(store: EventStore, input: ClinicalInput = ClinicalInput()) {
        self.store = store
        self.input = input
    }

    /// Runs `body` in one write transaction; everything it records commits together or not at all.
    @discardableResult
    public func write<T>(_ body: (ClinicalSession) throws -> T) throws -> T {
        try store.write { tx in try body(ClinicalSession(transaction: tx, input: input)) }
    }
}
