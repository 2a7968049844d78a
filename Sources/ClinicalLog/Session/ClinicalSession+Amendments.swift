import ClinicalEvents
import EventLog
import EventModel

/// Amendments: an entry is never rewritten; it is corrected (fields changed, with a reason) or
/// retracted (it stays in the log, marked, and leaves the views).
extension ClinicalSession {
    /// Corrects fields of an earlier entry. `fields` maps field names (see
    /// ``ClinicalEvent/correctableFields``) to new values; an empty value removes an optional field.
    @discardableResult
    public func correct(_ eventReference: IDReference, fields: [String: String], reason: String, author: String) throws -> EventEnvelope {
        guard !fields.isEmpty else { throw ClinicalError.nothingToChange("correction") }
        let reason = try input.text(reason, field: "reason")
        let target = try transaction.resolveEvent(eventReference)
        guard let allowed = ClinicalEvent.correctableFields[target.type], let patient = target.patient else {
            throw ClinicalError.notCorrectable(event: target.id.rawValue, type: target.type)
        }
        try refuseIfRetracted(target)
        var corrected: [String: JSONValue] = [:]
        for (field, value) in fields {
            guard allowed.contains(field) else { throw ClinicalError.fieldNotCorrectable(field: field, type: target.type, accepted: allowed) }
            corrected[field] = try checkedValue(field: field, value: value, of: target.type)
        }
        // The entry as it stands (original plus earlier corrections) must still be valid
        // with this correction applied, and must actually change.
        let before = try queries.currentEntry(of: target)?.payload.json.objectValue ?? [:]
        var after = before
        for (field, value) in corrected { after[field] = value == .null ? nil : value }
        guard after != before else { throw ClinicalError.nothingToChange("correction (the entry already says that)") }
        let upcastVersion = ClinicalEvent.upcasters.currentVersion(of: target.type)
        var checked = EventEnvelope(
            id: target.id, origin: target.origin, sequence: target.sequence, clock: target.clock, lamport: target.lamport,
            recordedAt: target.recordedAt, occurredAt: target.occurredAt, author: target.author, patient: target.patient,
            type: target.type, schemaVersion: upcastVersion, payload: JSONValue.object(after).canonicalString,
            prevHash: target.prevHash, hash: target.hash)
        checked.openedPayload = checked.payload  // the corrected entry as it would read
        // An answer set must still fit its version once corrected (the decoder checks only its shape).
        if case .outcomeRecorded(let outcome)? = try ClinicalEvent.decode(checked), let misfit = outcome.misfit {
            let typed = corrected.keys.sorted().map { "\($0)=\(fields[$0] ?? "")" }.joined(separator: " ")
            throw ClinicalError.invalidField(field: misfit.field, value: typed, accepted: misfit.accepted)
        }
        if target.type == TechniqueApplied.eventType, let technique = after["technique"]?.stringValue, technique != before["technique"]?.stringValue {
            try checkCorrectedTechnique(technique, of: patient)
        }
        return try transaction.append(Self.event(EntryCorrected(target: target.id, fields: corrected, reason: reason), patient: patient), author: author)
    }

    /// Retracts an earlier entry: it stays in the log, marked, and leaves the views.
    @discardableResult
    public func retract(_ eventReference: IDReference, reason: String, author: String) throws -> EventEnvelope {
        let reason = try input.text(reason, field: "reason")
        let target = try transaction.resolveEvent(eventReference)
        if target.type == PatientRegistered.eventType, let patient = target.patient {
            // A mistaken or duplicate registration is withdrawn by retracting it — only while
            // nothing clinical hangs on it (the fold keeps it registered if anything concurrent does).
            let entries = try transaction.events(patient: patient).filter { !Self.registrationTypes.contains($0.type) }.count
            guard entries == 0 else { throw ClinicalError.registrationInUse(event: target.id.rawValue, patient: patient.rawValue, entries: entries) }
            try refuseIfRetracted(target)
            knownPatients.remove(patient)
            return try transaction.append(Self.event(EntryRetracted(target: target.id, reason: reason), patient: patient), author: author)
        }
        guard ClinicalEvent.retractableTypes.contains(target.type), let patient = target.patient else {
            throw ClinicalError.notAnEntry(event: target.id.rawValue, type: target.type, action: "retracted")
        }
        try refuseIfRetracted(target)
        let retraction = try transaction.append(Self.event(EntryRetracted(target: target.id, reason: reason), patient: patient), author: author)
        openVisits[patient] = nil  // retracting a visit start or end changes which visit is open
        return retraction
    }

    /// The event types that register a patient or change their details: not clinical entries.
    static let registrationTypes: Set<String> = [PatientRegistered.eventType, PatientDetailsChanged.eventType]

    /// Refuses to amend an entry that was already retracted.
    func refuseIfRetracted(_ target: EventEnvelope) throws {
        if let retraction = try queries.retraction(of: target) {
            throw ClinicalError.alreadyRetracted(event: target.id.rawValue, by: retraction.id.rawValue)
        }
    }

    private func checkedValue(field: String, value: String, of type: String) throws -> JSONValue {
        let optionalFields: Set<String> = [
            "date", "ergonomics", "referral", "note", "minutes", "reason", "subjective", "objective", "assessment", "plan", "risks",
            "needles", "gauge", "depthMm", "twitch", "value", "unit", "result",
        ]
        if value.isEmpty, optionalFields.contains(field) || field == "side" && type == MeasurementRecorded.eventType { return .null }
        switch field {
        case "kind" where type == AdverseEventRecorded.eventType: return .string(try AdverseEventKind(parsing: value).id)
        case "kind": return .string(try HistoryKind(parsing: value).id)
        case "text", "ergonomics", "note", "reason", "subjective", "objective", "assessment", "plan", "risks": return .string(try input.text(value, field: field))
        case "form": return .string(try ConsentForm(parsing: value).id)
        case "severity": return .string(try Severity(parsing: value).id)
        case "value": return .string(try MeasuredValue(parsing: value).text)
        case "unit": return .string(try MeasurementUnit(parsing: value).id)
        case "result": return .string(try TestResult(parsing: value).id)
        case "needles": return .int(try NeedleCount(value).value)
        case "gauge": return .string(try NeedleGauge(parsing: value).text)
        case "depthMm": return .int(try NeedlingDepth(value).value)
        case "twitch":
            switch value.lowercased() {
            case "yes", "true": return .bool(true)
            case "no", "false": return .bool(false)
            default: throw ClinicalError.invalidField(field: field, value: value, accepted: "yes or no")
            }
        case "date": return .string(try input.historyDate(HistoryDate(value)))
        case "muscle": return .string(try Muscle(parsing: value).id)
        case "side": return .string(try Side(parsing: value).id)
        case "status": return .string(try TriggerPointStatus(parsing: value).id)
        case "referral", "region": return .string(try BodyRegion(parsing: value).id)
        case "technique": return .string(try Technique(parsing: value).id)
        case "minutes": return .int(try TreatmentMinutes(value).value)
        case "score": return .int(try PainScore(value).value)
        case "context" where type == OutcomeRecorded.eventType: return .string(try OutcomeContext(parsing: value).id)
        case "context": return .string(try PainContext(parsing: value).id)
        // Checked against the instrument version with the rest of the corrected entry (decode).
        case "answers": return .array(try OutcomeAnswers(parsing: value).values.map { $0.map(JSONValue.int) ?? .null })
        default: throw ClinicalError.invalidField(field: field, value: value, accepted: "a correctable field")
        }
    }

    /// A technique entry corrected to another technique meets the same rules as one recorded:
    /// a consent that stands, and no active precaution against it — else `correct` would be a
    /// way around both. An acknowledgement the entry carries was given for the old technique's
    /// rule (a caution, say), never for the new one's (perhaps a contraindication): any alert
    /// refuses, and a new entry acknowledging it is the way.
    private func checkCorrectedTechnique(_ id: String, of patient: PatientID) throws {
        try checkConsent(for: try Technique(parsing: id), of: patient)
        let alerts = try alerts(for: id, of: patient)
        if !alerts.isEmpty {
            throw ClinicalError.correctionMeetsPrecautions(technique: id, alerts: alerts.map(Self.alertLine))
        }
    }
}
