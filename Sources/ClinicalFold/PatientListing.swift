import ClinicalEvents
import EventModel

/// One row of the `patients` list (Schemas/views/patients.schema.json).
public struct PatientListing: Sendable, Equatable, Encodable {
    public var patientId: PatientID
    public var name: String
    public var dateOfBirth: String
    public var lastVisit: Timestamp?
    public var latestPainScore: Int?
    public var activeTriggerPoints: Int
    public var latentTriggerPoints: Int
    /// Adverse events recorded (not retracted): flagged in the list.
    public var adverseEvents: Int
    /// Entries written in the student role and not co-signed yet: a column of the list.
    public var awaitingCoSignature: Int
    /// When the earliest outcome-measure reassessment falls due (``OutcomeCourse/reassessmentDue``);
    /// nil without an open course.
    public var reassessmentDue: Timestamp?

    public init(patientId: PatientID, name: String, dateOfBirth: String, lastVisit: Timestamp?, latestPainScore: Int?, activeTriggerPoints: Int, latentTriggerPoints: Int,
                adverseEvents: Int = 0, awaitingCoSignature: Int = 0, reassessmentDue: Timestamp? = nil) {
        self.patientId = patientId
        self.name = name
        self.dateOfBirth = dateOfBirth
        self.lastVisit = lastVisit
        self.latestPainScore = latestPainScore
        self.activeTriggerPoints = activeTriggerPoints
        self.latentTriggerPoints = latentTriggerPoints
        self.adverseEvents = adverseEvents
        self.awaitingCoSignature = awaitingCoSignature
        self.reassessmentDue = reassessmentDue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(patientId, forKey: .patientId)
        try container.encode(name, forKey: .name)
        try container.encode(dateOfBirth, forKey: .dateOfBirth)
        try container.encode(lastVisit, forKey: .lastVisit)
        try container.encode(latestPainScore, forKey: .latestPainScore)
        try container.encode(activeTriggerPoints, forKey: .activeTriggerPoints)
        try container.encode(latentTriggerPoints, forKey: .latentTriggerPoints)
        try container.encode(adverseEvents, forKey: .adverseEvents)
        try container.encode(awaitingCoSignature, forKey: .awaitingCoSignature)
        try container.encode(reassessmentDue, forKey: .reassessmentDue)
    }

    enum CodingKeys: String, CodingKey {
        case patientId, name, dateOfBirth, lastVisit, latestPainScore, activeTriggerPoints, latentTriggerPoints, adverseEvents, awaitingCoSignature, reassessmentDue
    }
}

extension PatientListing {
    /// The listing of a folded record (registered).
    public init(record: PatientRecord) {
        self.init(patientId: record.patient, name: record.details.name ?? "", dateOfBirth: record.details.dateOfBirth ?? "",
                  lastVisit: record.lastVisit, latestPainScore: record.painScores.last?.view(as: PainScoreRecorded.self)?.payload.score,
                  activeTriggerPoints: record.activeTriggerPoints.count, latentTriggerPoints: record.latentTriggerPoints.count,
                  adverseEvents: record.adverseEvents.count, awaitingCoSignature: record.awaitingCoSignature.count,
                  reassessmentDue: OutcomeCourse.courses(of: record.outcomes.compactMap { $0.view(as: OutcomeRecorded.self).map(OutcomeView.init) })
                    .compactMap(\.reassessmentDue).min())
    }
}
