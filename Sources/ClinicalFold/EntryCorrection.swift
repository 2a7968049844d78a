import ClinicalEvents
import EventModel

/// A correction applied to an entry, as views show it beside the corrected value: who corrected
/// it, when, why, and which members it changed (their new values are the entry's own).
///
/// Made only from an ``EntryCorrected`` event the fold applied, so it never names a correction
/// that changed nothing.
public struct EntryCorrection: Sendable, Equatable, Encodable {
    /// The ``EntryCorrected`` event.
    public var eventId: EventID
    public var author: String
    /// When the correction was written (the moment it is accountable for).
    public var recordedAt: Timestamp
    /// Why the entry was wrong, as the corrector wrote it.
    public var reason: String
    /// The members it changed, by name, sorted.
    public var fields: [String]

    public init(eventId: EventID, author: String, recordedAt: Timestamp, reason: String, fields: [String]) {
        (self.eventId, self.author, self.recordedAt, self.reason, self.fields) = (eventId, author, recordedAt, reason, fields.sorted())
    }

    /// The correction `event` makes; nil when it is not a readable ``EntryCorrected``.
    ///
    /// - Parameter event: A stored correction event.
    public init?(_ event: EventEnvelope) {
        guard case .entryCorrected(let correction)?? = try? ClinicalEvent.decode(event) else { return nil }
        self.init(eventId: event.id, author: event.author, recordedAt: event.recordedAt, reason: correction.reason, fields: Array(correction.fields.keys))
    }
}
