import EventModel

/// A structured treatment note in SOAP form: what the patient reports (subjective), what the
/// clinician found (objective), the assessment or working diagnosis, and the plan. Each section
/// is optional, multi-line text, but a note has at least one.
public struct TreatmentNoteRecorded: ClinicalPayload {
    public static let eventType = "TreatmentNoteRecorded"
    /// The sections, in the order a note is read.
    public static let sections = ["subjective", "objective", "assessment", "plan"]

    public var subjective: String?
    public var objective: String?
    /// The assessment or working diagnosis.
    public var assessment: String?
    public var plan: String?
    public var visit: EventID?

    public init(subjective: String? = nil, objective: String? = nil, assessment: String? = nil, plan: String? = nil, visit: EventID? = nil) {
        (self.subjective, self.objective, self.assessment, self.plan, self.visit) = (subjective, objective, assessment, plan, visit)
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: Self.sections + ["visit"])
        subjective = try fields.optionalString("subjective")
        objective = try fields.optionalString("objective")
        assessment = try fields.optionalString("assessment")
        plan = try fields.optionalString("plan")
        visit = try fields.optionalEventID("visit")
        guard !sectionTexts.isEmpty else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "subjective", reason: "a note with no section (give at least one of \(Self.sections.joined(separator: ", ")))")
        }
    }

    /// The sections written, in order, with their names.
    public var sectionTexts: [(section: String, text: String)] {
        [("subjective", subjective), ("objective", objective), ("assessment", assessment), ("plan", plan)].compactMap { section, text in
            text.map { (section, $0) }
        }
    }
}
