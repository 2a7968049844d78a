import ClinicalEvents
import EventLog

/// One patient's record as `myolog show` presents it (Schemas/views/show.schema.json): typed
/// values, encoded to JSON only at the edge (`--json`, through ``CanonicalEncoder``).
///
/// Made two ways that tests hold equal: from the fold (``PatientRecord/view``, for time travel)
/// and from the stored rows (``PatientViews/show(_:_:)``, the present).
public struct PatientView: Sendable, Equatable, Encodable {
    public var patientId: PatientID
    public var details: PatientDetails
    /// Fields set concurrently at two sites, in ``PatientDetails/fields`` order.
    public var conflicts: [FieldConflict]
    /// Every history kind (``Vocabularies/historyKinds``), each in the order recorded.
    public var history: [String: [EntryView<HistoryEntryRecorded>]]
    /// Present (not resolved) active trigger points, by muscle, side, then when found.
    public var activeTriggerPoints: [EntryView<TriggerPointFound>]
    /// Present latent trigger points, in the same order: never counted with the active ones.
    public var latentTriggerPoints: [EntryView<TriggerPointFound>]
    /// Most recent first.
    public var techniques: [EntryView<TechniqueApplied>]
    /// Oldest first.
    public var visits: [EntryView<VisitStarted>]
    /// Oldest first, by when they were taken.
    public var painScores: [EntryView<PainScoreRecorded>]
    public var eventCount: Int

    public var lastVisit: Timestamp? { visits.last?.occurredAt }
    public var painTrend: PainTrend? { PainTrend(scores: painScores.map(\.payload.score)) }

    public init(patientId: PatientID, details: PatientDetails, conflicts: [FieldConflict], history: [String: [EntryView<HistoryEntryRecorded>]],
                activeTriggerPoints: [EntryView<TriggerPointFound>], latentTriggerPoints: [EntryView<TriggerPointFound>],
                techniques: [EntryView<TechniqueApplied>], visits: [EntryView<VisitStarted>], painScores: [EntryView<PainScoreRecorded>], eventCount: Int) {
        (self.patientId, self.details, self.conflicts, self.history) = (patientId, details, conflicts, history)
        (self.activeTriggerPoints, self.latentTriggerPoints, self.techniques) = (activeTriggerPoints, latentTriggerPoints, techniques)
        (self.visits, self.painScores, self.eventCount) = (visits, painScores, eventCount)
    }

    /// History entries of one kind.
    public func history(_ kind: String) -> [EntryView<HistoryEntryRecorded>] { history[kind] ?? [] }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(patientId, forKey: .patientId)
        try container.encode(details, forKey: .details)
        try container.encode(conflicts, forKey: .conflicts)
        try container.encode(history, forKey: .history)
        try container.encode(activeTriggerPoints, forKey: .activeTriggerPoints)
        try container.encode(latentTriggerPoints, forKey: .latentTriggerPoints)
        try container.encode(techniques, forKey: .techniques)
        try container.encode(visits, forKey: .visits)
        try container.encode(lastVisit, forKey: .lastVisit)  // null when none, as the schema says
        try container.encode(painScores, forKey: .painScores)
        try container.encode(painTrend, forKey: .painTrend)
        try container.encode(eventCount, forKey: .eventCount)
    }

    enum CodingKeys: String, CodingKey {
        case patientId, details, conflicts, history, activeTriggerPoints, latentTriggerPoints, techniques, visits, lastVisit, painScores, painTrend, eventCount
    }
}

/// A patient's details as shown: each field's last write; a removed field is absent.
public struct PatientDetails: Sendable, Equatable, Encodable {
    public var name: String?
    public var dateOfBirth: String?
    public var phone: String?
    public var email: String?
    public var address: String?

    public init() {}

    /// The fields, in the order they are shown (``PatientDetailsChanged/fields``).
    public static let fields = PatientDetailsChanged.fields

    /// A field by its name in ``fields``; other names read nil and are not written.
    public subscript(field: String) -> String? {
        get {
            switch field {
            case "name": name
            case "dateOfBirth": dateOfBirth
            case "phone": phone
            case "email": email
            case "address": address
            default: nil
            }
        }
        set {
            switch field {
            case "name": name = newValue
            case "dateOfBirth": dateOfBirth = newValue
            case "phone": phone = newValue
            case "email": email = newValue
            case "address": address = newValue
            default: break
            }
        }
    }
}

/// One clinical entry as views show it: its payload's members as they stand now (corrections
/// applied), beside where the entry came from.
public struct EntryView<Payload: ClinicalPayload>: Sendable, Equatable, Encodable {
    public var payload: Payload
    public var eventId: EventID
    /// When it happened (clinical time).
    public var occurredAt: Timestamp
    public var author: String
    /// The corrections applied, in causal order.
    public var correctedBy: [EventID]

    public init(payload: Payload, eventId: EventID, occurredAt: Timestamp, author: String, correctedBy: [EventID]) {
        (self.payload, self.eventId, self.occurredAt, self.author, self.correctedBy) = (payload, eventId, occurredAt, author, correctedBy)
    }

    /// The payload's members and the entry's own in one object; `correctedBy` only when corrected.
    public func encode(to encoder: any Encoder) throws {
        try payload.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(author, forKey: .author)
        if !correctedBy.isEmpty { try container.encode(correctedBy, forKey: .correctedBy) }
    }

    enum CodingKeys: String, CodingKey { case eventId, occurredAt, author, correctedBy }
}

extension EntryView where Payload == TriggerPointFound {
    /// The order trigger points are listed in: by muscle, side, when found, then event id.
    static func byMuscle(_ a: Self, _ b: Self) -> Bool {
        (a.payload.muscle, a.payload.side, a.occurredAt, a.eventId) < (b.payload.muscle, b.payload.side, b.occurredAt, b.eventId)
    }
}

/// One row of the `patients` list (Schemas/views/patients.schema.json).
public struct PatientListing: Sendable, Equatable, Encodable {
    public var patientId: PatientID
    public var name: String
    public var dateOfBirth: String
    public var lastVisit: Timestamp?
    public var latestPainScore: Int?
    public var activeTriggerPoints: Int
    public var latentTriggerPoints: Int

    public init(patientId: PatientID, name: String, dateOfBirth: String, lastVisit: Timestamp?, latestPainScore: Int?, activeTriggerPoints: Int, latentTriggerPoints: Int) {
        self.patientId = patientId
        self.name = name
        self.dateOfBirth = dateOfBirth
        self.lastVisit = lastVisit
        self.latestPainScore = latestPainScore
        self.activeTriggerPoints = activeTriggerPoints
        self.latentTriggerPoints = latentTriggerPoints
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
    }

    enum CodingKeys: String, CodingKey { case patientId, name, dateOfBirth, lastVisit, latestPainScore, activeTriggerPoints, latentTriggerPoints }
}

extension PatientListing {
    /// The listing of a folded record (registered).
    public init(record: PatientRecord) {
        self.init(patientId: record.patient, name: record.details.name ?? "", dateOfBirth: record.details.dateOfBirth ?? "",
                  lastVisit: record.lastVisit, latestPainScore: record.painScores.last?.view(as: PainScoreRecorded.self)?.payload.score,
                  activeTriggerPoints: record.activeTriggerPoints.count, latentTriggerPoints: record.latentTriggerPoints.count)
    }
}

/// One conflicting field of one patient, for `myolog conflicts` (Schemas/views/conflicts.schema.json).
public struct ConflictListing: Sendable, Equatable, Encodable {
    public var patientId: PatientID
    public var name: String
    public var conflict: FieldConflict

    public func encode(to encoder: any Encoder) throws {
        try conflict.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(patientId, forKey: .patientId)
        try container.encode(name, forKey: .name)
    }

    enum CodingKeys: String, CodingKey { case patientId, name }
}
