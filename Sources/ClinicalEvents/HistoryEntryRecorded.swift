import EventModel

/// One fact of the first consultation's history: a medication, a prior illness or surgery, a
/// sport or activity, or the patient's occupation (with a note on their work ergonomics).
public struct HistoryEntryRecorded: ClinicalPayload {
    public static let eventType = "HistoryEntryRecorded"
    /// A ``Vocabularies/historyKinds`` term.
    public var kind: String
    public var text: String
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: as precisely as the patient remembers.
    public var date: String?
    /// Only for `occupation`: desk height, lifting, screen position, shifts…
    public var ergonomics: String?

    public init(kind: String, text: String, date: String? = nil, ergonomics: String? = nil) {
        self.kind = kind
        self.text = text
        self.date = date
        self.ergonomics = ergonomics
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["kind", "text", "date", "ergonomics"])
        kind = try fields.term("kind", of: Vocabularies.historyKinds)
        text = try fields.string("text")
        date = try fields.optionalString("date")
        ergonomics = try fields.optionalString("ergonomics")
        if ergonomics != nil, kind != "occupation" {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "ergonomics", reason: "only an occupation entry has an ergonomics note")
        }
    }
}
