import ClinicalEvents
import EventLog
import EventModel

/// Clinical entries: history, trigger points, techniques and pain scores, each linked to the
/// patient's open visit when there is one.
extension ClinicalSession {
    @discardableResult
    public func recordHistory(_ reference: IDReference, kind: HistoryKind, text: String, date: HistoryDate? = nil, ergonomics: String? = nil, author: String) throws -> EventEnvelope {
        if ergonomics != nil, kind != "occupation" {
            throw ClinicalError.invalidField(field: "ergonomics", value: ergonomics!, accepted: "an ergonomics note only with --kind occupation")
        }
        let payload = HistoryEntryRecorded(
            kind: kind.id, text: try input.text(text, field: "text"), date: try date.map(input.historyDate),
            ergonomics: try ergonomics.map { try input.text($0, field: "ergonomics") })
        return try appendForPatient(reference, author: author) { _ in payload }
    }

    @discardableResult
    public func recordTriggerPoint(_ reference: IDReference, muscle: Muscle, side: Side, status: TriggerPointStatus = "active", referral: BodyRegion? = nil, note: String? = nil, date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        let when = try date.map(input.occurredAt)
        return try appendForPatient(reference, author: author, occurredAt: when) { visit in
            TriggerPointFound(muscle: muscle.id, side: side.id, status: status.id, referral: referral?.id, note: note, visit: visit)
        }
    }

    /// Dry-needling details of a technique entry, each optional.
    public struct NeedlingDetails: Sendable, Equatable {
        public var needles: NeedleCount?
        public var gauge: NeedleGauge?
        public var depth: NeedlingDepth?
        public var twitch: Bool?

        public init(needles: NeedleCount? = nil, gauge: NeedleGauge? = nil, depth: NeedlingDepth? = nil, twitch: Bool? = nil) {
            (self.needles, self.gauge, self.depth, self.twitch) = (needles, gauge, depth, twitch)
        }

        /// The first detail given, by its payload member's name, with its value.
        var firstGiven: (field: String, value: String)? {
            if let needles { return ("needles", needles.description) }
            if let gauge { return ("gauge", gauge.text) }
            if let depth { return ("depth-mm", depth.description) }
            if let twitch { return ("twitch", twitch ? "yes" : "no") }
            return nil
        }
    }

    /// Records a technique applied. A technique whose term asks for consent is refused without
    /// the patient's standing consent; one an active precaution cautions or contraindicates is
    /// refused unless `acknowledgePrecautions` (the precautions are then stored on the entry),
    /// and an acknowledgement no precaution asks for is refused. Needling details only with
    /// dry needling.
    @discardableResult
    public func recordTechnique(_ reference: IDReference, technique: Technique, region: BodyRegion, minutes: TreatmentMinutes? = nil, note: String? = nil,
                                needling: NeedlingDetails = NeedlingDetails(), acknowledgePrecautions: Bool = false,
                                date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        if technique.id != TechniqueApplied.needling, let (field, value) = needling.firstGiven {
            throw ClinicalError.invalidField(field: field, value: value, accepted: "needling details only on a \(TechniqueApplied.needling) entry, not \(technique.id)")
        }
        let when = try date.map(input.occurredAt)
        let patient = try patient(reference)
        let acknowledged = try checkCare(for: technique, of: patient, acknowledged: acknowledgePrecautions)
        return try appendForPatient(IDReference(patient), author: author, occurredAt: when) { visit in
            TechniqueApplied(technique: technique.id, region: region.id, minutes: minutes?.value, note: note, visit: visit,
                             needles: needling.needles?.value, gauge: needling.gauge?.text, depthMm: needling.depth?.value, twitch: needling.twitch,
                             acknowledgedPrecautions: acknowledged)
        }
    }

    /// Records a pain score. Without `context` the score is stored as `unspecified`, the same as
    /// an upcast version-1 score: Myolog does not guess whether it was before or after treatment.
    @discardableResult
    public func recordPain(_ reference: IDReference, score: PainScore, region: BodyRegion, context: PainContext? = nil, date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let when = try date.map(input.occurredAt)
        return try appendForPatient(reference, author: author, occurredAt: when) { visit in
            PainScoreRecorded(score: score.value, region: region.id, context: context?.id ?? PainScoreRecorded.unspecifiedContext, visit: visit)
        }
    }

    /// Marks a trigger point found earlier as resolved.
    @discardableResult
    public func resolveTriggerPoint(_ eventReference: IDReference, note: String? = nil, author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        return try appendResolution(of: eventReference, found: TriggerPointFound.eventType, by: "finding", action: "resolved (give a TriggerPointFound event)",
                                    alreadyResolved: ClinicalError.triggerPointAlreadyResolved, author: author) { finding, visit in
            TriggerPointResolved(finding: finding, note: note, visit: visit)
        }
    }

    /// Resolves what `eventReference` names — a trigger point found, a precaution recorded —
    /// with the `Resolution` `resolution` makes (the target, the open visit): refused when the
    /// event is not a `found` one, is retracted, or has a resolution standing (one retracted
    /// does not count), found in `Resolution`'s events by their `member` naming it.
    func appendResolution<Resolution: ClinicalPayload>(of eventReference: IDReference, found: String, by member: String, action: String,
                                                       alreadyResolved: (String) -> ClinicalError, author: String,
                                                       _ resolution: (EventID, EventID?) -> Resolution) throws -> EventEnvelope {
        let target = try transaction.resolveEvent(eventReference)
        guard target.type == found, let patient = target.patient else {
            throw ClinicalError.notAnEntry(event: target.id.rawValue, type: target.type, action: action)
        }
        try refuseIfRetracted(target)
        let resolutions = try transaction.events(patient: patient, type: Resolution.eventType, payloadMember: member, equals: target.id.rawValue)
        for existing in resolutions where try queries.retraction(of: existing) == nil {
            throw alreadyResolved(target.id.rawValue)
        }
        let visit = try openVisit(of: patient)
        return try transaction.append(Self.event(resolution(target.id, visit), patient: patient), author: author)
    }

    private func appendForPatient(_ reference: IDReference, author: String, occurredAt: Timestamp? = nil,
                                  _ payload: (EventID?) -> some ClinicalPayload) throws -> EventEnvelope {
        let patient = try patient(reference)
        if let occurredAt { try refuseBeforeBirth(occurredAt, of: patient) }
        let visit = try openVisit(of: patient)
        return try transaction.append(Self.event(payload(visit), patient: patient, occurredAt: occurredAt), author: author)
    }
}
