import ClinicalEvents
import EventLog
import EventModel

/// The site's own settings: its time zone.
extension ClinicalSession {
    /// Records `zone` as this site's time zone: from this transaction on, today and day-only dates
    /// are read in it, and every screen shows times in it. Synced like any event, but it sets
    /// only the zone of the node that writes it.
    ///
    /// - Parameters:
    ///   - zone: An IANA name (`Australia/Melbourne`).
    ///   - author: Who set it.
    /// - Returns: The ``ClinicalEvents/SiteTimeZoneSet`` event.
    /// - Throws: ``ClinicalEvents/ClinicalError/invalidField(field:value:accepted:)`` naming
    ///   `time-zone` for anything else.
    @discardableResult
    public func setSiteTimeZone(_ zone: String, author: String) throws -> EventEnvelope {
        let payload = try SiteTimeZoneSet(zone: zone)
        let envelope = try transaction.append(
            NewEvent(type: SiteTimeZoneSet.eventType, schemaVersion: SiteTimeZoneSet.schemaVersion, patient: nil, payload: payload.json), author: author)
        input.timeZone = payload.clock.zone
        return envelope
    }
}
