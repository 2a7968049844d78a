import EventModel

/// A patient's informed-consent decision about one technique: given, or withdrawn.
///
/// One type for both decisions, not a `ConsentWithdrawn` beside it: a withdrawal is a decision
/// about the same technique, by the same patient, in the same words (verbal or written), and the
/// consent that stands is simply the latest decision per technique. One type keeps every decision
/// in one list (one table, one FHIR `Consent` each, permit or deny), and a withdrawal needs no
/// event id of the consent it withdraws — nor can it dangle when that consent is retracted.
///
/// A given consent has a form (verbal or written) and may say which risks were explained; a
/// withdrawal may say how it was made and why (`note`), never which risks.
public struct ConsentRecorded: ClinicalPayload {
    public static let eventType = "ConsentRecorded"
    /// A ``Vocabularies/techniques`` term.
    public var technique: String
    /// A ``Vocabularies/consentDecisions`` term: `given` or `withdrawn`.
    public var decision: String
    /// A ``Vocabularies/consentForms`` term; always present when given.
    public var form: String?
    /// The risks explained to the patient, in the clinician's words.
    public var risks: String?
    public var note: String?
    public var visit: EventID?

    public var isGiven: Bool { decision == "given" }

    public init(technique: String, decision: String, form: String? = nil, risks: String? = nil, note: String? = nil, visit: EventID? = nil) {
        (self.technique, self.decision, self.form, self.risks, self.note, self.visit) = (technique, decision, form, risks, note, visit)
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["technique", "decision", "form", "risks", "note", "visit"])
        technique = try fields.term("technique", of: Vocabularies.techniques)
        decision = try fields.term("decision", of: Vocabularies.consentDecisions)
        form = try fields.optionalTerm("form", of: Vocabularies.consentForms)
        risks = try fields.optionalString("risks")
        note = try fields.optionalString("note")
        visit = try fields.optionalEventID("visit")
        if decision == "given", form == nil {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "form", reason: "missing (a consent given is verbal or written)")
        }
        try fields.refuse("risks", unless: decision == "given", "risks are explained when consent is given, not when it is withdrawn")
    }
}
