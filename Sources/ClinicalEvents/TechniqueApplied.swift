import EventModel

/// A treatment technique was applied to a body region.
public struct TechniqueApplied: ClinicalPayload {
    public static let eventType = "TechniqueApplied"
    /// A ``Vocabularies/techniques`` term.
    public var technique: String
    /// A ``Vocabularies/bodyRegions`` term.
    public var region: String
    public var minutes: Int?
    public var note: String?
    public var visit: EventID?

    public init(technique: String, region: String, minutes: Int? = nil, note: String? = nil, visit: EventID? = nil) {
        self.technique = technique
        self.region = region
        self.minutes = minutes
        self.note = note
        self.visit = visit
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["technique", "region", "minutes", "note", "visit"])
        technique = try fields.term("technique", of: Vocabularies.techniques)
        region = try fields.term("region", of: Vocabularies.bodyRegions)
        minutes = try fields.optionalInt("minutes", in: 1...240)
        note = try fields.optionalString("note")
        visit = try fields.optionalEventID("visit")
    }
}
