import ClinicalEvents
import EventModel

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
    /// Every visit with what was recorded during it (``VisitSummary``), newest first.
    public var visitSummaries: [VisitSummary]
    /// Treatment notes, consents, precautions, adverse events and measurements: encoded as
    /// members of the view itself (`treatmentNotes`, `consents`…), kept together here.
    public var care: Care

    public var lastVisit: Timestamp? { visits.last?.occurredAt }
    public var painTrend: PainTrend? { PainTrend(scores: painScores.map(\.payload.score)) }

    public init(patientId: PatientID, details: PatientDetails, conflicts: [FieldConflict], history: [String: [EntryView<HistoryEntryRecorded>]],
                activeTriggerPoints: [EntryView<TriggerPointFound>], latentTriggerPoints: [EntryView<TriggerPointFound>],
                techniques: [EntryView<TechniqueApplied>], visits: [EntryView<VisitStarted>], painScores: [EntryView<PainScoreRecorded>], eventCount: Int,
                visitSummaries: [VisitSummary], care: Care = Care()) {
        (self.patientId, self.details, self.conflicts, self.history) = (patientId, details, conflicts, history)
        (self.activeTriggerPoints, self.latentTriggerPoints, self.techniques) = (activeTriggerPoints, latentTriggerPoints, techniques)
        (self.visits, self.painScores, self.eventCount) = (visits, painScores, eventCount)
        self.visitSummaries = visitSummaries
        self.care = care
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
        try container.encode(visitSummaries, forKey: .visitSummaries)
        try care.encode(to: encoder)
    }

    enum CodingKeys: String, CodingKey {
        case patientId, details, conflicts, history, activeTriggerPoints, latentTriggerPoints, techniques, visits, lastVisit, painScores, painTrend, eventCount
        case visitSummaries
    }
}

extension PatientView {
    /// The records of care beyond findings and techniques (issue 30), as `show` needs them.
    public struct Care: Sendable, Equatable, Encodable {
        /// Treatment notes (SOAP), oldest first by when they were written.
        public var treatmentNotes: [EntryView<TreatmentNoteRecorded>]
        /// The consent decision that stands for each technique a decision was recorded for (the
        /// latest not retracted, in causal order), by technique: given (with form and risks) or
        /// withdrawn.
        public var consents: [EntryView<ConsentRecorded>]
        /// Precautions recorded and not resolved, by kind, then when recorded.
        public var activePrecautions: [EntryView<PrecautionRecorded>]
        /// Oldest first, each with the technique entry it followed.
        public var adverseEvents: [AdverseEventView]
        /// Oldest first, by when they were taken.
        public var measurements: [EntryView<MeasurementRecorded>]
        /// Outcome measures' answer sets, oldest first by when they were answered, each with its
        /// scores (issue 34).
        public var outcomes: [OutcomeView]
        /// Each instrument version's course, from its baseline to its latest answer set.
        public var outcomeCourses: [OutcomeCourse] { OutcomeCourse.courses(of: outcomes) }

        public init(treatmentNotes: [EntryView<TreatmentNoteRecorded>] = [], consents: [EntryView<ConsentRecorded>] = [],
                    activePrecautions: [EntryView<PrecautionRecorded>] = [], adverseEvents: [AdverseEventView] = [],
                    measurements: [EntryView<MeasurementRecorded>] = [], outcomes: [OutcomeView] = []) {
            (self.treatmentNotes, self.consents, self.activePrecautions) = (treatmentNotes, consents, activePrecautions)
            (self.adverseEvents, self.measurements, self.outcomes) = (adverseEvents, measurements, outcomes)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(treatmentNotes, forKey: .treatmentNotes)
            try container.encode(consents, forKey: .consents)
            try container.encode(activePrecautions, forKey: .activePrecautions)
            try container.encode(adverseEvents, forKey: .adverseEvents)
            try container.encode(measurements, forKey: .measurements)
            try container.encode(outcomes, forKey: .outcomes)
            try container.encode(outcomeCourses, forKey: .outcomeCourses)
        }

        enum CodingKeys: String, CodingKey { case treatmentNotes, consents, activePrecautions, adverseEvents, measurements, outcomes, outcomeCourses }

        /// Whether a consent stands for `technique`: given and not since withdrawn.
        public func hasConsent(for technique: String) -> Bool {
            consents.contains { $0.payload.technique == technique && $0.payload.isGiven }
        }
    }
}

/// An adverse event as views show it: the entry, beside the technique entry it followed as that
/// entry stands now (nil when the technique entry was retracted since).
public struct AdverseEventView: Sendable, Equatable, Encodable {
    public var event: EntryView<AdverseEventRecorded>
    public var technique: EntryView<TechniqueApplied>?

    public init(event: EntryView<AdverseEventRecorded>, technique: EntryView<TechniqueApplied>?) {
        (self.event, self.technique) = (event, technique)
    }

    /// The adverse event's members, and `technique`: the entry it followed, or null.
    public func encode(to encoder: any Encoder) throws {
        try event.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(technique, forKey: .technique)
    }

    enum CodingKeys: String, CodingKey { case technique }
}
