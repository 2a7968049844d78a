import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel

extension LateEntryPolicy {
    /// The policy the log's store-wide events set, as of `travel` (``init(storeWide:)``).
    ///
    /// - Parameters:
    ///   - reader: The store's log.
    ///   - travel: Which events count (an auditor's `--as-of` or `--at-clock`).
    /// - Throws: When the log cannot be read.
    public init(_ reader: EventReader, _ travel: TimeTravel = .now) throws {
        var events: [EventEnvelope] = []
        try reader.forEachStoreWideEvent(types: Self.eventTypes) { if travel.includes($0) { events.append($0) } }
        self.init(storeWide: events)
    }
}
