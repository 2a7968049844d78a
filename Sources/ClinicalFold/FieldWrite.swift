import ClinicalEvents
import EventModel

/// One write of one patient field, and where it came from.
public struct FieldWrite: Sendable, Equatable, Encodable {
    /// The value written; nil where the field was removed.
    public var value: String?
    public var author: String
    public var eventId: EventID
    public var origin: NodeID
    public var lamport: Int
    public var recordedAt: Timestamp

    public init(value: String?, event: EventEnvelope) {
        self.value = value
        (author, eventId, origin, lamport, recordedAt) = (event.author, event.id, event.origin, event.lamport, event.recordedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)  // a removal shows as null
        try container.encode(author, forKey: .author)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(origin, forKey: .origin)
        try container.encode(lamport, forKey: .lamport)
        try container.encode(recordedAt, forKey: .recordedAt)
    }

    enum CodingKeys: String, CodingKey { case value, author, eventId, origin, lamport, recordedAt }

    /// Reads back the writes a conflict row stores (written by ``CanonicalEncoder`` from this
    /// type); nil for anything else.
    package static func stored(_ text: String) -> [FieldWrite]? {
        guard case .array(let elements)? = try? JSONParser.parse(text) else { return nil }
        var writes: [FieldWrite] = []
        for element in elements {
            guard case .object(let m) = element, case .string(let author)? = m["author"], let eventId = m["eventId"]?.stringValue.flatMap(EventID.init),
                  let origin = m["origin"]?.stringValue.flatMap(NodeID.init), case .int(let lamport)? = m["lamport"],
                  let recordedAt = m["recordedAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
            else { return nil }
            let value: String?
            switch m["value"] {
            case .string(let text)?: value = text
            case .null?: value = nil
            default: return nil
            }
            writes.append(FieldWrite(value: value, author: author, eventId: eventId, origin: origin, lamport: lamport, recordedAt: recordedAt))
        }
        return writes
    }

    private init(value: String?, author: String, eventId: EventID, origin: NodeID, lamport: Int, recordedAt: Timestamp) {
        (self.value, self.author, self.eventId, self.origin, self.lamport, self.recordedAt) = (value, author, eventId, origin, lamport, recordedAt)
    }
}
