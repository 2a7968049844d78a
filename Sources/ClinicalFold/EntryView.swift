import ClinicalEvents
import EventModel

/// One clinical entry as views show it: its payload's members as they stand now (corrections
/// applied), beside where the entry came from and every correction that made it so.
public struct EntryView<Payload: ClinicalPayload>: Sendable, Equatable, Encodable {
    public var payload: Payload
    public var eventId: EventID
    /// When it happened (clinical time).
    public var occurredAt: Timestamp
    public var author: String
    /// The corrections applied, in causal order: a view marks each corrected member and says who
    /// corrected it, when and why.
    public var corrections: [EntryCorrection]
    /// The role its author wrote it in (nil on events from before roles).
    public var authorRole: String?
    /// The visit's sign-off covering it: from then on it changes only by ``addenda``.
    public var signOff: Attestation?
    /// Corrections and retractions written after the sign-off, in causal order: shown beside
    /// the signed text, never applied to it.
    public var addenda: [EntryAddendum] = []
    /// The co-signature of an entry written in the student role.
    public var coSignature: Attestation?
    /// Set when it was recorded later than the store's late-entry rule allows.
    public var lateEntry: LateEntryMark?

    /// Written in the student role and not co-signed yet.
    public var isAwaitingCoSignature: Bool { authorRole == EntryCoSigned.studentRole && coSignature == nil }

    /// The ids of the corrections applied, in causal order.
    public var correctedBy: [EventID] { corrections.map(\.eventId) }

    public init(payload: Payload, eventId: EventID, occurredAt: Timestamp, author: String, corrections: [EntryCorrection]) {
        (self.payload, self.eventId, self.occurredAt, self.author, self.corrections) = (payload, eventId, occurredAt, author, corrections)
    }

    /// Whether a correction changed `field`.
    public func isCorrected(_ field: String) -> Bool { corrections.contains { $0.fields.contains(field) } }

    /// The payload's members and the entry's own in one object; `correctedBy` and `corrections`
    /// only when corrected, and each mark (`signedOff`, `addenda`, `lateEntry`, `coSigned`,
    /// `awaitingCoSignature`) only when it applies, so an entry without any reads as before.
    public func encode(to encoder: any Encoder) throws {
        try payload.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(author, forKey: .author)
        if !corrections.isEmpty {
            try container.encode(correctedBy, forKey: .correctedBy)
            try container.encode(corrections, forKey: .corrections)
        }
        try container.encodeIfPresent(authorRole, forKey: .authorRole)
        try container.encodeIfPresent(signOff, forKey: .signedOff)
        if !addenda.isEmpty { try container.encode(addenda, forKey: .addenda) }
        try container.encodeIfPresent(lateEntry, forKey: .lateEntry)
        try container.encodeIfPresent(coSignature, forKey: .coSigned)
        if isAwaitingCoSignature { try container.encode(true, forKey: .awaitingCoSignature) }
    }

    enum CodingKeys: String, CodingKey {
        case eventId, occurredAt, author, correctedBy, corrections, authorRole, signedOff, addenda, lateEntry, coSigned, awaitingCoSignature
    }
}

extension EntryView where Payload == TriggerPointFound {
    /// The order trigger points are listed in: by muscle, side, when found, then event id.
    package static func byMuscle(_ a: Self, _ b: Self) -> Bool {
        (a.payload.muscle, a.payload.side, a.occurredAt, a.eventId) < (b.payload.muscle, b.payload.side, b.occurredAt, b.eventId)
    }
}
