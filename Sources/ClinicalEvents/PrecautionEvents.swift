import EventModel

/// A precaution the clinician keeps in mind before treating: a condition, medicine or device
/// (``Vocabularies/precautionKinds``) that makes some techniques a caution or a contraindication
/// (``PrecautionRules``). Active until resolved.
public struct PrecautionRecorded: ClinicalPayload {
    public static let eventType = "PrecautionRecorded"
    /// A ``Vocabularies/precautionKinds`` term.
    public var kind: String
    public var note: String?
    public var visit: EventID?

    public init(kind: String, note: String? = nil, visit: EventID? = nil) {
        (self.kind, self.note, self.visit) = (kind, note, visit)
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["kind", "note", "visit"])
        kind = try fields.term("kind", of: Vocabularies.precautionKinds)
        note = try fields.optionalString("note")
        visit = try fields.optionalEventID("visit")
    }
}

/// A precaution recorded earlier no longer applies (the pregnancy ended, the anticoagulant was
/// stopped); `precaution` is its ``PrecautionRecorded`` event. Resolved as a trigger point is.
public struct PrecautionResolved: ClinicalPayload {
    public static let eventType = "PrecautionResolved"
    public var precaution: EventID
    public var note: String?
    public var visit: EventID?

    public init(precaution: EventID, note: String? = nil, visit: EventID? = nil) {
        (self.precaution, self.note, self.visit) = (precaution, note, visit)
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["precaution", "note", "visit"])
        precaution = try fields.eventID("precaution")
        note = try fields.optionalString("note")
        visit = try fields.optionalEventID("visit")
    }
}
