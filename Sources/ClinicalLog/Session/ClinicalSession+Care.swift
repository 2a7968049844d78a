import ClinicalEvents
import EventLog
import EventModel

/// The records of care: treatment notes, consent decisions, precautions, adverse events and
/// measurements, each linked to the patient's open visit when there is one.
extension ClinicalSession {
    /// What a clinician writes in a treatment note: any of the four sections, at least one.
    public struct NoteSections: Sendable {
        public var subjective, objective, assessment, plan: String?

        public init(subjective: String? = nil, objective: String? = nil, assessment: String? = nil, plan: String? = nil) {
            (self.subjective, self.objective, self.assessment, self.plan) = (subjective, objective, assessment, plan)
        }
    }

    /// Records a treatment note (SOAP); refused with no section.
    @discardableResult
    public func recordNote(_ reference: IDReference, _ sections: NoteSections, date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        guard [sections.subjective, sections.objective, sections.assessment, sections.plan].contains(where: { $0 != nil }) else {
            throw ClinicalError.emptyTreatmentNote(sections: TreatmentNoteRecorded.sections)
        }
        let subjective = try sections.subjective.map { try input.text($0, field: "subjective") }
        let objective = try sections.objective.map { try input.text($0, field: "objective") }
        let assessment = try sections.assessment.map { try input.text($0, field: "assessment") }
        let plan = try sections.plan.map { try input.text($0, field: "plan") }
        let when = try date.map(input.occurredAt)
        return try appendCare(reference, author: author, occurredAt: when) { visit in
            TreatmentNoteRecorded(subjective: subjective, objective: objective, assessment: assessment, plan: plan, visit: visit)
        }
    }

    /// Records that the patient gave informed consent to `technique`, verbally or in writing,
    /// and which risks were explained.
    @discardableResult
    public func recordConsent(_ reference: IDReference, technique: Technique, form: ConsentForm, risks: String? = nil, note: String? = nil, date: EntryDate? = nil,
                              author: String) throws -> EventEnvelope {
        let risks = try risks.map { try input.text($0, field: "risks") }
        let note = try note.map { try input.text($0, field: "note") }
        let when = try date.map(input.occurredAt)
        return try appendCare(reference, author: author, occurredAt: when) { visit in
            ConsentRecorded(technique: technique.id, decision: "given", form: form.id, risks: risks, note: note, visit: visit)
        }
    }

    /// Records that the patient withdrew consent to `technique`: from now on the technique is
    /// refused for them until consent is given again. Refused when no consent stands to withdraw.
    @discardableResult
    public func withdrawConsent(_ reference: IDReference, technique: Technique, form: ConsentForm? = nil, note: String? = nil, date: EntryDate? = nil,
                                author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        let when = try date.map(input.occurredAt)
        let patient = try patient(reference)
        if let when { try refuseBeforeBirth(when, of: patient) }
        guard try standingConsent(of: patient, for: technique.id)?.consent.isGiven == true else {
            let standing = try consentedTechniques(of: patient)
            throw ClinicalError.invalidField(field: "technique", value: technique.id,
                                             accepted: "a technique the patient's consent stands for (\(standing.isEmpty ? "none" : standing.joined(separator: ", ")))")
        }
        let visit = try openVisit(of: patient)
        return try transaction.append(
            Self.event(ConsentRecorded(technique: technique.id, decision: "withdrawn", form: form?.id, note: note, visit: visit), patient: patient, occurredAt: when),
            author: author)
    }

    /// Records a precaution to keep in mind before treating.
    @discardableResult
    public func recordPrecaution(_ reference: IDReference, kind: PrecautionKind, note: String? = nil, date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        let when = try date.map(input.occurredAt)
        return try appendCare(reference, author: author, occurredAt: when) { visit in PrecautionRecorded(kind: kind.id, note: note, visit: visit) }
    }

    /// Marks a precaution recorded earlier as no longer applying.
    @discardableResult
    public func resolvePrecaution(_ eventReference: IDReference, note: String? = nil, author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        return try appendResolution(of: eventReference, found: PrecautionRecorded.eventType, by: "precaution",
                                    action: "resolved as a precaution (give a PrecautionRecorded event)",
                                    alreadyResolved: ClinicalError.precautionAlreadyResolved, author: author) { precaution, visit in
            PrecautionResolved(precaution: precaution, note: note, visit: visit)
        }
    }

    /// Resolves what `eventReference` names: a precaution, or else a trigger point (refused,
    /// naming both, for any other event).
    @discardableResult
    public func resolve(_ eventReference: IDReference, note: String? = nil, author: String) throws -> EventEnvelope {
        let target = try transaction.resolveEvent(eventReference)
        if target.type == PrecautionRecorded.eventType { return try resolvePrecaution(eventReference, note: note, author: author) }
        guard target.type == TriggerPointFound.eventType else {
            throw ClinicalError.notAnEntry(event: target.id.rawValue, type: target.type, action: "resolved (give a TriggerPointFound or PrecautionRecorded event)")
        }
        return try resolveTriggerPoint(eventReference, note: note, author: author)
    }

    /// Records an adverse event after a technique entry (`after`: a ``TechniqueApplied`` of the
    /// same patient, not retracted).
    @discardableResult
    public func recordAdverseEvent(_ reference: IDReference, kind: AdverseEventKind, severity: Severity, after: IDReference, note: String? = nil,
                                   date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        let when = try date.map(input.occurredAt)
        let patient = try patient(reference)
        let accepted = "the event id of a technique entry (TechniqueApplied) of patient \(patient), not retracted"
        guard let technique = try? transaction.resolveEvent(after) else {
            throw ClinicalError.invalidField(field: "after", value: after.text, accepted: accepted)
        }
        guard technique.type == TechniqueApplied.eventType, technique.patient == patient, try queries.retraction(of: technique) == nil else {
            throw ClinicalError.invalidField(field: "after", value: "\(after.text) (a \(technique.type)\(technique.patient == patient ? "" : " of another patient"))", accepted: accepted)
        }
        if let when { try refuseBeforeBirth(when, of: patient) }
        // What followed a technique cannot have happened before it. (Undated, it is now, and no
        // technique is in the future.) A day alone means that day: "it bruised that evening"
        // typed the next morning as the day is not refused for lacking a time.
        let clock = SiteClock(zone: input.timeZone)
        let before: Bool
        switch date?.form {
        case .day(let day)?: before = day < clock.day(technique.occurredAt)
        case .instant?, .localTime?: before = (when ?? input.now) < technique.occurredAt
        case nil: before = false
        }
        if before, let when {
            throw ClinicalError.invalidField(field: "date", value: date?.typed ?? when.description,
                                             accepted: "a time at or after the technique it followed (\(clock.minuteWithOffset(technique.occurredAt)))")
        }
        let visit = try openVisit(of: patient)
        return try transaction.append(
            Self.event(AdverseEventRecorded(kind: kind.id, severity: severity.id, after: technique.id, note: note, visit: visit), patient: patient, occurredAt: when),
            author: author)
    }

    /// What a measurement reads: a value (in a unit, the test's usual one when nil), or a
    /// special test's result.
    public enum Reading: Sendable {
        case value(MeasuredValue, unit: MeasurementUnit?)
        case result(TestResult)
    }

    /// Records an objective test. A test with units takes a value (in one of them; the usual one
    /// when none is given); a special test takes a result.
    @discardableResult
    public func recordMeasurement(_ reference: IDReference, test: MeasurementTest, side: Side? = nil, reading: Reading, note: String? = nil,
                                  date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        let units = test.term.units
        let payload: (EventID?) -> MeasurementRecorded
        switch reading {
        case .value(let value, let unit):
            guard let usual = units.first else {
                throw ClinicalError.invalidField(field: "value", value: value.text, accepted: "a result (positive or negative): \(test.id) is a special test")
            }
            let chosen = unit?.id ?? usual
            guard units.contains(chosen) else {
                throw ClinicalError.invalidField(field: "unit", value: chosen, accepted: "\(units.joined(separator: ", ")) for \(test.id)")
            }
            payload = { MeasurementRecorded(test: test.id, side: side?.id, value: value.text, unit: chosen, note: note, visit: $0) }
        case .result(let result):
            guard units.isEmpty else {
                throw ClinicalError.invalidField(field: "result", value: result.id, accepted: "a value in \(units.joined(separator: " or ")): \(test.id) is measured, not positive or negative")
            }
            payload = { MeasurementRecorded(test: test.id, side: side?.id, result: result.id, note: note, visit: $0) }
        }
        let when = try date.map(input.occurredAt)
        return try appendCare(reference, author: author, occurredAt: when, payload)
    }

    /// The precaution a history entry suggests recording, if any: a medication entry naming a
    /// known anticoagulant (``PrecautionRules/anticoagulant(namedIn:)``) while the patient has no
    /// active `anticoagulant` precaution. Only a suggestion: the history entry is recorded anyway.
    public func suggestedPrecaution(for entry: EventEnvelope) throws -> (kind: PrecautionKind, medicine: String)? {
        guard case .historyEntryRecorded(let history)? = try ClinicalEvent.decode(entry), history.kind == "medication", let patient = entry.patient,
              let medicine = PrecautionRules.anticoagulant(namedIn: history.text),
              try !activePrecautions(of: patient).contains(where: { $0.payload.kind == "anticoagulant" })
        else { return nil }
        return ("anticoagulant", medicine)
    }

    private func appendCare(_ reference: IDReference, author: String, occurredAt: Timestamp? = nil, _ payload: (EventID?) -> some ClinicalPayload) throws -> EventEnvelope {
        let patient = try patient(reference)
        if let occurredAt { try refuseBeforeBirth(occurredAt, of: patient) }
        let visit = try openVisit(of: patient)
        return try transaction.append(Self.event(payload(visit), patient: patient, occurredAt: occurredAt), author: author)
    }
}
