import EventModel

/// A trigger point was found: a knotted, tender spot in a named muscle, active (spontaneously
/// painful, refers pain) or latent (painful only when pressed).
public struct TriggerPointFound: ClinicalPayload {
    public static let eventType = "TriggerPointFound"
    /// A ``Vocabularies/muscles`` term.
    public var muscle: String
    /// A ``Vocabularies/sides`` term.
    public var side: String
    /// A ``Vocabularies/triggerPointStatuses`` term.
    public var status: String
    /// Where it refers pain: a ``Vocabularies/bodyRegions`` term.
    public var referral: String?
    public var note: String?
    public var visit: EventID?

    /// Present but painful only when pressed: views show latent points apart from active ones.
    public var isLatent: Bool { status == "latent" }

    public init(muscle: String, side: String, status: String, referral: String? = nil, note: String? = nil, visit: EventID? = nil) {
        self.muscle = muscle
        self.side = side
        self.status = status
        self.referral = referral
        self.note = note
        self.visit = visit
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["muscle", "side", "status", "referral", "note", "visit"])
        muscle = try fields.term("muscle", of: Vocabularies.muscles)
        side = try fields.term("side", of: Vocabularies.sides)
        status = try fields.term("status", of: Vocabularies.triggerPointStatuses)
        referral = try fields.optionalTerm("referral", of: Vocabularies.bodyRegions)
        note = try fields.optionalString("note")
        visit = try fields.optionalEventID("visit")
    }
}

/// A trigger point found earlier no longer presents; `finding` is its ``TriggerPointFound`` event.
public struct TriggerPointResolved: ClinicalPayload {
    public static let eventType = "TriggerPointResolved"
    public var finding: EventID
    public var note: String?
    public var visit: EventID?

    public init(finding: EventID, note: String? = nil, visit: EventID? = nil) {
        self.finding = finding
        self.note = note
        self.visit = visit
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["finding", "note", "visit"])
        finding = try fields.eventID("finding")
        note = try fields.optionalString("note")
        visit = try fields.optionalEventID("visit")
    }
}
