import EventModel

/// Something that went wrong after treatment — bruising, a pain flare, fainting, a suspected
/// pneumothorax — of a severity, following one technique entry (`after`, a ``TechniqueApplied``
/// event of the same patient, checked when it is written).
public struct AdverseEventRecorded: ClinicalPayload {
    public static let eventType = "AdverseEventRecorded"
    /// A ``Vocabularies/adverseEventKinds`` term.
    public var kind: String
    /// A ``Vocabularies/severities`` term.
    public var severity: String
    /// The ``TechniqueApplied`` entry it followed.
    public var after: EventID
    public var note: String?
    public var visit: EventID?

    public init(kind: String, severity: String, after: EventID, note: String? = nil, visit: EventID? = nil) {
        (self.kind, self.severity, self.after, self.note, self.visit) = (kind, severity, after, note, visit)
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["kind", "severity", "after", "note", "visit"])
        kind = try fields.term("kind", of: Vocabularies.adverseEventKinds)
        severity = try fields.term("severity", of: Vocabularies.severities)
        after = try fields.eventID("after")
        note = try fields.optionalString("note")
        visit = try fields.optionalEventID("visit")
    }
}
