import ClinicalEvents
import EventModel

/// One visit as a clinician reads it back: why the patient came, what was found and done, pain
/// before and after, and the advice and plan it closed with.
///
/// An entry belongs to the visit its `visit` member names (it was recorded while that visit was
/// open), never to whatever visit is nearest in time: an entry recorded outside any visit belongs
/// to none. Built only by ``group(visits:ends:techniques:triggerPoints:resolutions:painScores:treatmentNotes:)``
/// from lists the fold and the stored rows both give in the same order, so both give the same
/// summaries.
public struct VisitSummary: Sendable, Equatable, Encodable {
    /// The visit's start: when, by whom, and the reason (presenting complaint).
    public var visit: EntryView<VisitStarted>
    /// Its ends, each with its closing note (advice, plan): one, unless two sites ended the same
    /// visit concurrently; none while it is open. In causal order.
    public var ends: [EntryView<VisitEnded>]
    /// Techniques applied during it, by clinical time.
    public var techniques: [EntryView<TechniqueApplied>]
    /// Trigger points found during it, by clinical time, each with its resolution if it has one
    /// (at this visit or a later one).
    public var findings: [TriggerPointCourse]
    /// Trigger points found before and resolved during it, in the order they were resolved.
    public var resolved: [TriggerPointCourse]
    /// Pain scores taken during it, by clinical time.
    public var painScores: [EntryView<PainScoreRecorded>]
    /// Treatment notes (subjective, objective, assessment, plan) written during it, by clinical time.
    public var treatmentNotes: [EntryView<TreatmentNoteRecorded>]

    /// Pain before and after treatment in each region scored before or after it: the last
    /// `pre` and the last `post` score taken during the visit, regions in the order first scored.
    public var painChanges: [PainChange] {
        var regions: [String] = []
        var before: [String: EntryView<PainScoreRecorded>] = [:], after: [String: EntryView<PainScoreRecorded>] = [:]
        for score in painScores where score.payload.context == "pre" || score.payload.context == "post" {
            let region = score.payload.region
            if !regions.contains(region) { regions.append(region) }
            if score.payload.context == "pre" { before[region] = score } else { after[region] = score }
        }
        return regions.map { PainChange(region: $0, before: before[$0], after: after[$0]) }
    }

    /// Pain in one region before and after a visit's treatment: the scores themselves (either
    /// may not have been taken), so a view can say which was corrected.
    public struct PainChange: Sendable, Equatable {
        /// A ``Vocabularies/bodyRegions`` term.
        public var region: String
        public var before: EntryView<PainScoreRecorded>?
        public var after: EntryView<PainScoreRecorded>?
    }

    /// Every visit with what was recorded during it, newest first.
    ///
    /// - Parameters:
    ///   - visits: Visits not retracted, oldest first (clinical time, then causal order).
    ///   - ends: Visit ends not retracted, in causal order.
    ///   - techniques: Techniques not retracted, by clinical time, oldest first.
    ///   - triggerPoints: Trigger points found and not retracted (resolved or not), by clinical
    ///     time, oldest first.
    ///   - resolutions: Resolutions not retracted, in causal order.
    ///   - painScores: Pain scores not retracted, by clinical time, oldest first.
    ///   - treatmentNotes: Treatment notes not retracted, by clinical time, oldest first.
    /// - Returns: One summary per visit; lists whose entries name no listed visit (or a
    ///   resolution of a trigger point not listed) contribute nothing.
    public static func group(visits: [EntryView<VisitStarted>], ends: [EntryView<VisitEnded>], techniques: [EntryView<TechniqueApplied>],
                             triggerPoints: [EntryView<TriggerPointFound>], resolutions: [EntryView<TriggerPointResolved>],
                             painScores: [EntryView<PainScoreRecorded>], treatmentNotes: [EntryView<TreatmentNoteRecorded>]) -> [VisitSummary] {
        var firstResolution: [EventID: EntryView<TriggerPointResolved>] = [:]
        for resolution in resolutions where firstResolution[resolution.payload.finding] == nil { firstResolution[resolution.payload.finding] = resolution }
        let found = Dictionary(triggerPoints.map { ($0.eventId, $0) }, uniquingKeysWith: { first, _ in first })
        return visits.reversed().map { visit in
            let id = visit.eventId
            return VisitSummary(
                visit: visit, ends: ends.filter { $0.payload.visit == id }, techniques: techniques.filter { $0.payload.visit == id },
                findings: triggerPoints.filter { $0.payload.visit == id }.map { TriggerPointCourse(found: $0, resolution: firstResolution[$0.eventId]) },
                resolved: resolutions.filter { $0.payload.visit == id && firstResolution[$0.payload.finding] == $0 }
                    .compactMap { resolution in found[resolution.payload.finding].map { TriggerPointCourse(found: $0, resolution: resolution) } }
                    .filter { $0.found.payload.visit != id },
                painScores: painScores.filter { $0.payload.visit == id }, treatmentNotes: treatmentNotes.filter { $0.payload.visit == id })
        }
    }
}
