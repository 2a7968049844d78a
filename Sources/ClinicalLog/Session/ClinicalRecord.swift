import ClinicalEvents
import EventLog
import Foundation

/// A store's clinical record: the entry point for clinical writes.
///
/// ``write(_:)`` runs one transaction in which a ``ClinicalSession`` checks and appends; a
/// refused write appends nothing, and several writes in one session commit together.
///
/// Guarantees: every session reads today and day-only dates in the store's own time zone (the
/// latest ``ClinicalEvents/SiteTimeZoneSet`` this store's node wrote), whatever the machine's;
/// only a store that never recorded a zone (made before zones were recorded) uses
/// `input.timeZone`, which defaults to the machine's.
public struct ClinicalRecord: Sendable {
    public let store: EventStore
    public var input: ClinicalInput
    /// The store's zone, read once for this record: looking it up scans the log, and a bulk
    /// write (the synthetic clinic) writes thousands of sessions. A zone this record's own
    /// session sets replaces it at once; one set by another process reaches a new record.
    private let storeZone = StoreZone()

    public init(store: EventStore, input: ClinicalInput = ClinicalInput()) {
        self.store = store
        self.input = input
    }

    /// Runs `body` in one write transaction; everything it records commits together or not at all.
    @discardableResult
    public func write<T>(_ body: (ClinicalSession) throws -> T) throws -> T {
        try store.write { transaction in
            var input = self.input
            if let zone = try storeZone.zone(or: { try ClinicalQueries(transaction).siteTimeZone(of: store.identity.nodeID)?.clock.zone }) {
                input.timeZone = zone
            }
            let session = ClinicalSession(transaction: transaction, input: input)
            let result = try body(session)
            if session.input.timeZone != input.timeZone { storeZone.set(session.input.timeZone) }
            return result
        }
    }
}

/// The zone a ``ClinicalRecord`` read from its store, remembered across its sessions.
private final class StoreZone: @unchecked Sendable {
    // NSLock, not Synchronization's Mutex: the package still builds for macOS 14.
    private let lock = NSLock()
    /// Nil until looked up; then the store's zone, or nil inside when it recorded none.
    private var known: TimeZone??

    func zone(or lookUp: () throws -> TimeZone?) throws -> TimeZone? {
        if let known = lock.withLock({ known }) { return known }
        let found = try lookUp()
        lock.withLock { known = .some(found) }
        return found
    }

    func set(_ zone: TimeZone) { lock.withLock { known = .some(zone) } }
}
