import ClinicalEvents
import EventLog

/// One clinical entry as it stands now: its current fields (the original with every correction
/// applied in causal order), and who wrote and amended it.
public struct ClinicalEntry: Sendable, Equatable {
    public var event: EventEnvelope
    /// The payload with corrections applied.
    public var fields: [String: JSONValue]
    public var corrections: [EventEnvelope] = []
    public var retraction: EventEnvelope?

    public var isRetracted: Bool { retraction != nil }

    /// The entry for views: its fields, plus where it came from.
    public var json: JSONValue {
        var members = fields
        members["eventId"] = .string(event.id.rawValue)
        members["occurredAt"] = .string(event.occurredAt.description)
        members["author"] = .string(event.author)
        if !corrections.isEmpty { members["correctedBy"] = .array(corrections.map { .string($0.id.rawValue) }) }
        return .object(members)
    }

    /// A string field as it stands now.
    public func string(_ key: String) -> String? { fields[key]?.stringValue }
}

/// Two or more sites set a patient field without seeing each other's change.
public struct FieldConflict: Sendable, Equatable {
    public var field: String
    /// The concurrent writes, in causal order; the last is the one views show.
    public var writes: [FieldWrite]

    public var json: JSONValue {
        ["field": .string(field), "shown": writes.last!.value,
         "values": .array(writes.map(\.json))]
    }
}

/// One write of one patient field.
public struct FieldWrite: Sendable, Equatable {
    public var value: JSONValue
    public var event: EventEnvelope

    public var json: JSONValue {
        ["value": value, "author": .string(event.author), "eventId": .string(event.id.rawValue),
         "origin": .string(event.origin.rawValue), "lamport": .int(event.lamport), "recordedAt": .string(event.recordedAt.description)]
    }
}

/// A patient's record folded from their events: what `myolog show` displays.
///
/// Built only by ``PatientFold``, from events in ``CausalOrder``: the same events give the same
/// record, and ``json`` gives the same bytes, on every store.
public struct PatientRecord: Sendable, Equatable {
    public var patient: PatientID
    /// name, dateOfBirth, phone, email, address → the value shown (null when removed).
    public var details: [String: JSONValue] = [:]
    public var conflicts: [FieldConflict] = []
    /// Every clinical entry, retracted ones included, in causal order.
    public var entries: [ClinicalEntry] = []
    public var eventCount = 0
    /// The last of the patient's events folded (in ``CausalOrder``): an event that sorts after it
    /// can be applied to the stored views in place.
    public var foldedThrough: CausalPosition?

    public var isRegistered: Bool { details["name"] != nil }

    /// Visits that were started and not retracted, oldest first.
    public private(set) var visits: [ClinicalEntry] = []
    /// Ids of visits that were ended.
    public private(set) var endedVisits: Set<String> = []
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
        var resolved = Set<String>()
        for entry in entries where !entry.isRetracted {
            switch entry.event.type {
            case VisitStarted.eventType: visits.append(entry)
            case VisitEnded.eventType: if let visit = entry.string("visit") { endedVisits.insert(visit) }
            case TriggerPointFound.eventType: triggerPoints.append(entry)
            case TriggerPointResolved.eventType: if let finding = entry.string("finding") { resolved.insert(finding) }
            case TechniqueApplied.eventType: techniques.append(entry)
            case PainScoreRecorded.eventType: painScores.append(entry)
            case HistoryEntryRecorded.eventType: historyByKind[entry.string("kind") ?? "", default: []].append(entry)
            default: break
            }
        }
        visits.sort(by: Self.clinicalTime)
        techniques.sort(by: Self.clinicalTime)
        techniques.reverse()
        painScores.sort(by: Self.clinicalTime)
        let present = triggerPoints
            .filter { !resolved.contains($0.event.id.rawValue) }
            .sorted { ($0.string("muscle") ?? "", $0.string("side") ?? "", $0.event.occurredAt, $0.event.id) < ($1.string("muscle") ?? "", $1.string("side") ?? "", $1.event.occurredAt, $1.event.id) }
        activeTriggerPoints = present.filter { $0.string("status") != "latent" }
        latentTriggerPoints = present.filter { $0.string("status") == "latent" }
        painTrend = PainTrend(scores: painScores.compactMap { $0.fields["score"]?.intValue })
    }

    /// Clinical time, then causal order: ties (same minute) keep the order they were written in.
    static func clinicalTime(_ a: ClinicalEntry, _ b: ClinicalEntry) -> Bool {
        a.event.occurredAt != b.event.occurredAt ? a.event.occurredAt < b.event.occurredAt : CausalOrder.precedes(a.event, b.event)
    }

    /// The `myolog show --json` document (Schemas/views/show.schema.json).
    public var json: JSONValue {
        var history: [String: JSONValue] = [:]
        for term in Vocabularies.historyKinds.terms { history[term.id] = .array(self.history(term.id).map(\.json)) }
        return [
            "patientId": .string(patient.rawValue),
            "details": .object(details),
            "conflicts": .array(conflicts.map(\.json)),
            "history": .object(history),
            "activeTriggerPoints": .array(activeTriggerPoints.map(\.json)),
            "latentTriggerPoints": .array(latentTriggerPoints.map(\.json)),
            "techniques": .array(techniques.map(\.json)),
            "visits": .array(visits.map(\.json)),
            "lastVisit": lastVisit.map { .string($0.description) } ?? .null,
            "painScores": .array(painScores.map(\.json)),
            "painTrend": painTrend?.json ?? .null,
            "eventCount": .int(eventCount),
        ]
    }
}
