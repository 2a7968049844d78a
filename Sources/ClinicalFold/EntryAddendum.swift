import ClinicalEvents
import EventModel

/// A correction or a retraction written after its entry was signed off: kept beside the signed
/// text as an addendum, never applied to it.
///
/// Shows both times a reader of a signed record needs: when the addendum was written
/// (`recordedAt`) and when the care it amends happened (the entry's `occurredAt`, beside it).
public struct EntryAddendum: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Equatable, Encodable {
        /// An ``ClinicalEvents/EntryCorrected`` of a signed entry: the values it gives are shown,
        /// the signed ones stay.
        case correction
        /// An ``ClinicalEvents/EntryRetracted`` of a signed entry: the entry stays shown, marked.
        case retraction
    }

    /// The correction or retraction event.
    public var eventId: EventID
    public var kind: Kind
    public var author: String
    public var authorRole: String?
    /// When the addendum was written.
    public var recordedAt: Timestamp
    /// Why, as its author wrote it.
    public var reason: String
    /// A correction's members and the values it gives them (`null` removes one); nil (left out)
    /// for a retraction.
    public var fields: [String: JSONValue]?

    /// The addendum `event` makes; nil when it is neither a readable correction nor a retraction.
    ///
    /// - Parameter event: A stored correction or retraction of a signed entry.
    public init?(_ event: EventEnvelope) {
        switch try? ClinicalEvent.decode(event) {
        case .entryCorrected(let correction)?:
            (kind, reason, fields) = (.correction, correction.reason, correction.fields)
        case .entryRetracted(let retraction)?:
            (kind, reason, fields) = (.retraction, retraction.reason, nil)
        default:
            return nil
        }
        (eventId, author, authorRole, recordedAt) = (event.id, event.author, event.authorRole, event.recordedAt)
    }
}
