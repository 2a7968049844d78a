import ClinicalEvents
import EventModel

/// One clinical entry as views show it: its payload's members as they stand now (corrections
/// applied), beside where the entry came from.
public struct EntryView<Payload: ClinicalPayload>: Sendable, Equatable, Encodable {
    public var payload: Payload
    public var eventId: EventID
    /// When it happened (clinical time).
    public var occurredAt: Timestamp
    public var author: String
    /// The corrections applied, in causal order.
    public var correctedBy: [EventID]

    public init(payload: Payload, eventId: EventID, occurredAt: Timestamp, author: String, correctedBy: [EventID]) {
        (self.payload, self.eventId, self.occurredAt, self.author, self.correctedBy) = (payload, eventId, occurredAt, author, correctedBy)
    }

    /// The payload's members and the entry's own in one object; `correctedBy` only when corrected.
    public func encode(to encoder: any Encoder) throws {
        try payload.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(author, forKey: .author)
        if !correctedBy.isEmpty { try container.encode(correctedBy, forKey: .correctedBy) }
    }

    enum CodingKeys: String, CodingKey { case eventId, occurredAt, author, correctedBy }
}

extension EntryView where Payload == TriggerPointFound {
    /// The order trigger points are listed in: by muscle, side, when found, then event id.
    package static func byMuscle(_ a: Self, _ b: Self) -> Bool {
        (a.payload.muscle, a.payload.side, a.occurredAt, a.eventId) < (b.payload.muscle, b.payload.side, b.occurredAt, b.eventId)
    }
}
