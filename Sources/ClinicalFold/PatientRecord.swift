import ClinicalEvents
import EventModel

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

    /// The late-entry policy the fold judged its entries by (``ClinicalEntry/lateEntry``).
    public var lateEntries = LateEntryPolicy.standard

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
    /// Visit ends not retracted, in causal order: their closing notes, for ``VisitSummary``.
    public private(set) var visitEnds: [ClinicalEntry] = []
    /// Trigger point resolutions not retracted, in causal order, for ``VisitSummary``.
    public private(set) var resolutions: [ClinicalEntry] = []
    // The records of care (issue 30), derived together in ``deriveCare()``.
    /// Treatment notes, oldest first by when they were written.
    public private(set) var treatmentNotes: [ClinicalEntry] = []
    /// The consent decision that stands for each technique (the latest not retracted, in causal
    /// order), by technique.
    public private(set) var consents: [ClinicalEntry] = []
    /// Precautions recorded and not resolved (nor retracted), by kind, then when recorded.
    public private(set) var activePrecautions: [ClinicalEntry] = []
    /// Adverse events, oldest first, each with the technique entry it followed (nil when that
    /// entry was retracted).
    public private(set) var adverseEvents: [AdverseEntry] = []
    /// Measurements, oldest first by when they were taken.
    public private(set) var measurements: [ClinicalEntry] = []
    /// Outcome measures' answer sets, oldest first by when they were answered.
    public private(set) var outcomes: [ClinicalEntry] = []

    /// Entries written in the student role that no co-signature covers yet, among those the
    /// views show (the entry tables' rows), in causal order.
    public private(set) var awaitingCoSignature: [ClinicalEntry] = []

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
            case .visitEnded(let ended):
                endedVisits.insert(ended.visit)
                visitEnds.append(entry)
            case .triggerPointFound: triggerPoints.append(entry)
            case .triggerPointResolved(let resolution):
                resolved.insert(resolution.finding)
                resolutions.append(entry)
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
        deriveCare()
        deriveAwaitingCoSignature()
    }

    /// The student's entries still awaiting a co-signature: every entry views show (a visit's
    /// end while its visit is shown, a resolution while its trigger point is), as the stored rows
    /// hold them, so the `patients` column reads the same from the rows and from the fold.
    private mutating func deriveAwaitingCoSignature() {
        guard entries.contains(where: \.isAwaitingCoSignature) else { return }
        let shownVisits = Set(visits.map(\.event.id)), shownTriggerPoints = Set(triggerPoints.map(\.event.id))
        awaitingCoSignature = entries.filter { entry in
            guard !entry.isRetracted, entry.isAwaitingCoSignature else { return false }
            switch entry.current {
            case .visitEnded(let ended): return shownVisits.contains(ended.visit)
            case .triggerPointResolved(let resolution): return shownTriggerPoints.contains(resolution.finding)
            case .visitStarted, .triggerPointFound, .techniqueApplied, .painScoreRecorded, .historyEntryRecorded, .treatmentNoteRecorded, .consentRecorded,
                 .precautionRecorded, .adverseEventRecorded, .measurementRecorded, .outcomeRecorded:
                return true
            default: return false
            }
        }
    }

    /// Treatment notes, consents, precautions, adverse events and measurements.
    private mutating func deriveCare() {
        var resolved = Set<EventID>()
        var consentByTechnique: [String: ClinicalEntry] = [:]
        var techniquesByID: [EventID: ClinicalEntry] = [:]
        var precautions: [ClinicalEntry] = []
        var adverse: [ClinicalEntry] = []
        for entry in entries where !entry.isRetracted {
            switch entry.current {
            case .treatmentNoteRecorded: treatmentNotes.append(entry)
            // Entries are in causal order: the last decision per technique stands.
            case .consentRecorded(let consent): consentByTechnique[consent.technique] = entry
            case .precautionRecorded: precautions.append(entry)
            case .precautionResolved(let resolution): resolved.insert(resolution.precaution)
            case .adverseEventRecorded: adverse.append(entry)
            case .measurementRecorded: measurements.append(entry)
            case .outcomeRecorded: outcomes.append(entry)
            case .techniqueApplied: techniquesByID[entry.event.id] = entry
            default: break
            }
        }
        treatmentNotes.sort(by: Self.clinicalTime)
        measurements.sort(by: Self.clinicalTime)
        outcomes.sort(by: Self.clinicalTime)
        consents = consentByTechnique.keys.sorted().compactMap { consentByTechnique[$0] }
        activePrecautions = precautions.filter { !resolved.contains($0.event.id) }.sorted { a, b in
            let (kindA, kindB) = (a.view(as: PrecautionRecorded.self)?.payload.kind ?? "", b.view(as: PrecautionRecorded.self)?.payload.kind ?? "")
            return kindA != kindB ? kindA < kindB : Self.clinicalTime(a, b)
        }
        adverseEvents = adverse.sorted(by: Self.clinicalTime).map { entry in
            guard case .adverseEventRecorded(let event) = entry.current else { return AdverseEntry(event: entry, technique: nil) }
            return AdverseEntry(event: entry, technique: techniquesByID[event.after])
        }
    }

    /// An adverse event and the technique entry it followed (nil when that entry was retracted).
    public struct AdverseEntry: Sendable, Equatable {
        public var event: ClinicalEntry
        public var technique: ClinicalEntry?
    }

    /// Clinical time, then causal order: ties (same minute) keep the order they were written in.
    static func clinicalTime(_ a: ClinicalEntry, _ b: ClinicalEntry) -> Bool {
        a.event.occurredAt != b.event.occurredAt ? a.event.occurredAt < b.event.occurredAt : CausalOrder.precedes(a.event, b.event)
    }

    /// The `myolog show` view (Schemas/views/show.schema.json).
    public var view: PatientView {
        var history: [String: [EntryView<HistoryEntryRecorded>]] = [:]
        for term in Vocabularies.historyKinds.terms { history[term.id] = self.history(term.id).compactMap { $0.view(as: HistoryEntryRecorded.self) } }
        let care = PatientView.Care(
            treatmentNotes: treatmentNotes.compactMap { $0.view(as: TreatmentNoteRecorded.self) },
            consents: consents.compactMap { $0.view(as: ConsentRecorded.self) },
            activePrecautions: activePrecautions.compactMap { $0.view(as: PrecautionRecorded.self) },
            adverseEvents: adverseEvents.compactMap { pair in
                pair.event.view(as: AdverseEventRecorded.self).map { AdverseEventView(event: $0, technique: pair.technique?.view(as: TechniqueApplied.self)) }
            },
            measurements: measurements.compactMap { $0.view(as: MeasurementRecorded.self) },
            outcomes: outcomes.compactMap { $0.view(as: OutcomeRecorded.self).map(OutcomeView.init) })
        let visitSummaries = VisitSummary.group(
            visits: visits.compactMap { $0.view(as: VisitStarted.self) }, ends: visitEnds.compactMap { $0.view(as: VisitEnded.self) },
            techniques: techniques.reversed().compactMap { $0.view(as: TechniqueApplied.self) },
            triggerPoints: triggerPoints.sorted(by: Self.clinicalTime).compactMap { $0.view(as: TriggerPointFound.self) },
            resolutions: resolutions.compactMap { $0.view(as: TriggerPointResolved.self) }, painScores: painScores.compactMap { $0.view(as: PainScoreRecorded.self) },
            treatmentNotes: care.treatmentNotes)
        return PatientView(
            patientId: patient, details: details, conflicts: conflicts, history: history,
            activeTriggerPoints: activeTriggerPoints.compactMap { $0.view(as: TriggerPointFound.self) },
            latentTriggerPoints: latentTriggerPoints.compactMap { $0.view(as: TriggerPointFound.self) },
            techniques: techniques.compactMap { $0.view(as: TechniqueApplied.self) }, visits: visits.compactMap { $0.view(as: VisitStarted.self) },
            painScores: painScores.compactMap { $0.view(as: PainScoreRecorded.self) }, eventCount: eventCount, visitSummaries: visitSummaries, care: care)
    }
}
