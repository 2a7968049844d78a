import ClinicalEvents
import EventLog

/// One clinical entry as it stands now: its payload with every correction applied in causal
/// order, and who wrote and amended it.
public struct ClinicalEntry: Sendable, Equatable {
    public var event: EventEnvelope
    /// The entry's payload with corrections applied: always a valid payload of its type.
    public var current: ClinicalEvent
    public var corrections: [EventEnvelope] = []
    public var retraction: EventEnvelope?

    public var isRetracted: Bool { retraction != nil }

    /// The entry as views show it, if its payload is a `Payload`.
    public func view<Payload: ClinicalPayload>(as type: Payload.Type) -> EntryView<Payload>? {
        guard let payload = current.payload as? Payload else { return nil }
        return EntryView(payload: payload, eventId: event.id, occurredAt: event.occurredAt, author: event.author, correctedBy: corrections.map(\.id))
    }
}

/// Two or more sites set a patient field without seeing each other's change.
public struct FieldConflict: Sendable, Equatable, Encodable {
    public var field: String
    /// The concurrent writes, in causal order; the last is the one views show.
    public var values: [FieldWrite]

    /// The value views show: the last write's.
    public var shown: String? { values.last?.value }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(field, forKey: .field)
        try container.encode(shown, forKey: .shown)
        try container.encode(values, forKey: .values)
    }

    enum CodingKeys: String, CodingKey { case field, shown, values }
}

/// One write of one patient field, and where it came from.
public struct FieldWrite: Sendable, Equatable, Encodable {
    /// The value written; nil where the field was removed.
    public var value: String?
    public var author: String
    public var eventId: EventID
    public var origin: NodeID
    public var lamport: Int
    public var recordedAt: Timestamp

    public init(value: String?, event: EventEnvelope) {
        self.value = value
        (author, eventId, origin, lamport, recordedAt) = (event.author, event.id, event.origin, event.lamport, event.recordedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)  // a removal shows as null
        try container.encode(author, forKey: .author)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(origin, forKey: .origin)
        try container.encode(lamport, forKey: .lamport)
        try container.encode(recordedAt, forKey: .recordedAt)
    }

    enum CodingKeys: String, CodingKey { case value, author, eventId, origin, lamport, recordedAt }

    /// Reads back the writes a conflict row stores (written by ``CanonicalEncoder`` from this
    /// type); nil for anything else.
    static func stored(_ text: String) -> [FieldWrite]? {
        guard case .array(let elements)? = try? JSONParser.parse(text) else { return nil }
        var writes: [FieldWrite] = []
        for element in elements {
            guard case .object(let m) = element, case .string(let author)? = m["author"], let eventId = m["eventId"]?.stringValue.flatMap(EventID.init),
                  let origin = m["origin"]?.stringValue.flatMap(NodeID.init), case .int(let lamport)? = m["lamport"],
                  let recordedAt = m["recordedAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
            else { return nil }
            let value: String?
            switch m["value"] {
            case .string(let text)?: value = text
            case .null?: value = nil
            default: return nil
            }
            writes.append(FieldWrite(value: value, author: author, eventId: eventId, origin: origin, lamport: lamport, recordedAt: recordedAt))
        }
        return writes
    }

    private init(value: String?, author: String, eventId: EventID, origin: NodeID, lamport: Int, recordedAt: Timestamp) {
        (self.value, self.author, self.eventId, self.origin, self.lamport, self.recordedAt) = (value, author, eventId, origin, lamport, recordedAt)
    }
}

/// A patient's record folded from their events: what `myolog show` displays.
///
/// Built only by ``PatientFold``, from events in ``CausalOrder``: the same events give the same
/// record, and ``json`` gives the same bytes, on every store.
public struct PatientRecord: Sendable, Equatable {
    public var patient: PatientID
    /// The details shown: each field's last write (a removed one absent).
    public var details = PatientDetails()
    public var conflicts: [FieldConflict] = []
    /// Every clinical entry, retracted ones included, in causal order.
    public var entries: [ClinicalEntry] = []
    public var eventCount = 0
    /// The last of the patient's events folded (in ``CausalOrder``): an event that sorts after it
    /// can be applied to the stored views in place.
    public var foldedThrough: CausalPosition?

    public var isRegistered: Bool { details.name != nil }

    /// Visits that were started and not retracted, oldest first.
    public private(set) var visits: [ClinicalEntry] = []
    /// Ids of visits that were ended.
    public private(set) var endedVisits: Set<EventID> = []
    /// Trigger points found and not retracted, in causal order.
    public private(set) var triggerPoints: [ClinicalEntry] = []
    /// Active trigger points (spontaneously painful, referring pain) found and not resolved (nor
    /// retracted), by muscle and side.
    public private(set) var activeTriggerPoints: [ClinicalEntry] = []
    /// Latent trigger points (present, painful only when pressed) found and not resolved (nor
    /// retracted), by muscle and side: shown apart from the active ones, never counted with them.
    public private(set) var latentTriggerPoints: [ClinicalEntry] = []
    /// Techniques applied, most recent first.
    public private(set) var techniques: [ClinicalEntry] = []
    /// Pain scores, oldest first by when they were taken.
    public private(set) var painScores: [ClinicalEntry] = []
    /// History entries by kind, in the order they were recorded.
    public private(set) var historyByKind: [String: [ClinicalEntry]] = [:]
    public private(set) var painTrend: PainTrend?

    /// When the most recent visit took place.
    public var lastVisit: Timestamp? { visits.last?.event.occurredAt }

    /// History entries of one kind, in the order they were recorded.
    public func history(_ kind: String) -> [ClinicalEntry] { historyByKind[kind] ?? [] }

    /// Sorts the entries into the lists views show; called once, when the fold is done.
    mutating func derive() {
        var resolved = Set<EventID>()
        for entry in entries where !entry.isRetracted {
            switch entry.current {
            case .visitStarted: visits.append(entry)
            case .visitEnded(let ended): endedVisits.insert(ended.visit)
            case .triggerPointFound: triggerPoints.append(entry)
            case .triggerPointResolved(let resolution): resolved.insert(resolution.finding)
            case .techniqueApplied: techniques.append(entry)
            case .painScoreRecorded: painScores.append(entry)
            case .historyEntryRecorded(let history): historyByKind[history.kind, default: []].append(entry)
            default: break
            }
        }
        visits.sort(by: Self.clinicalTime)
        techniques.sort(by: Self.clinicalTime)
        techniques.reverse()
        painScores.sort(by: Self.clinicalTime)
        let present = triggerPoints.filter { !resolved.contains($0.event.id) }
            .compactMap { entry in entry.view(as: TriggerPointFound.self).map { (entry: entry, view: $0) } }
            .sorted { EntryView.byMuscle($0.view, $1.view) }
        activeTriggerPoints = present.filter { !$0.view.payload.isLatent }.map { $0.entry }
        latentTriggerPoints = present.filter { $0.view.payload.isLatent }.map { $0.entry }
        painTrend = PainTrend(scores: painScores.compactMap { $0.view(as: PainScoreRecorded.self)?.payload.score })
    }

    /// Clinical time, then causal order: ties (same minute) keep the order they were written in.
    static func clinicalTime(_ a: ClinicalEntry, _ b: ClinicalEntry) -> Bool {
        a.event.occurredAt != b.event.occurredAt ? a.event.occurredAt < b.event.occurredAt : CausalOrder.precedes(a.event, b.event)
    }

    /// The `myolog show` view (Schemas/views/show.schema.json).
    public var view: PatientView {
        var history: [String: [EntryView<HistoryEntryRecorded>]] = [:]
        for term in Vocabularies.historyKinds.terms { history[term.id] = self.history(term.id).compactMap { $0.view(as: HistoryEntryRecorded.self) } }
        return PatientView(
            patientId: patient, details: details, conflicts: conflicts, history: history,
            activeTriggerPoints: activeTriggerPoints.compactMap { $0.view(as: TriggerPointFound.self) },
            latentTriggerPoints: latentTriggerPoints.compactMap { $0.view(as: TriggerPointFound.self) },
            techniques: techniques.compactMap { $0.view(as: TechniqueApplied.self) }, visits: visits.compactMap { $0.view(as: VisitStarted.self) },
            painScores: painScores.compactMap { $0.view(as: PainScoreRecorded.self) }, eventCount: eventCount)
    }
}
