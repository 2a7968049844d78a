import EventModel

/// A node applied another node's erasure of the patient (``PatientErased``) and says so in its
/// own signed chain, so that stores trusting it — but not the node that erased — apply the
/// erasure too (``SystemEventType/erasureAcknowledged``; EventStore+ErasureRelay.swift). Written by
/// the store itself, never typed by a person; plaintext, like the erasure, and naming nothing
/// but identifiers.
public struct ErasureAcknowledged: ClinicalPayload {
    public static let eventType = SystemEventType.erasureAcknowledged

    /// The original erasure and the node that wrote it.
    public var erasure: EventID
    public var origin: NodeID

    public init(erasure: EventID, origin: NodeID) {
        (self.erasure, self.origin) = (erasure, origin)
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["erasure", "origin"])
        let erasureText = try fields.string("erasure"), originText = try fields.string("origin")
        guard let erasure = EventID(erasureText) else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "erasure", reason: "\"\(erasureText)\" is not an event id")
        }
        guard let origin = NodeID(originText) else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "origin", reason: "\"\(originText)\" is not a node id")
        }
        (self.erasure, self.origin) = (erasure, origin)
    }
}
