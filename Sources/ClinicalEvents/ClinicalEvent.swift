import EventModel

/// Every kind of clinical event, decoded from a stored envelope at its current schema version.
public enum ClinicalEvent: Sendable, Hashable {
    case patientRegistered(PatientRegistered)
    case patientDetailsChanged(PatientDetailsChanged)
    case historyEntryRecorded(HistoryEntryRecorded)
    case visitStarted(VisitStarted)
    case visitEnded(VisitEnded)
    case triggerPointFound(TriggerPointFound)
    case triggerPointResolved(TriggerPointResolved)
    case techniqueApplied(TechniqueApplied)
    case painScoreRecorded(PainScoreRecorded)
    case entryCorrected(EntryCorrected)
    case entryRetracted(EntryRetracted)
    case patientErased(PatientErased)
    case erasureAcknowledged(ErasureAcknowledged)
    case retentionPolicySet(RetentionPolicySet)
    case legalHoldPlaced(LegalHoldPlaced)
    case legalHoldReleased(LegalHoldReleased)
    case siteTimeZoneSet(SiteTimeZoneSet)
    case treatmentNoteRecorded(TreatmentNoteRecorded)
    case consentRecorded(ConsentRecorded)
    case precautionRecorded(PrecautionRecorded)
    case precautionResolved(PrecautionResolved)
    case adverseEventRecorded(AdverseEventRecorded)
    case measurementRecorded(MeasurementRecorded)
    case visitSignedOff(VisitSignedOff)
    case entryCoSigned(EntryCoSigned)
    case lateEntryRuleSet(LateEntryRuleSet)
    case outcomeRecorded(OutcomeRecorded)

    /// Every clinical payload type, for the schema and upcaster registries.
    public static let payloadTypes: [any ClinicalPayload.Type] = [
        PatientRegistered.self, PatientDetailsChanged.self, HistoryEntryRecorded.self, VisitStarted.self, VisitEnded.self,
        TriggerPointFound.self, TriggerPointResolved.self, TechniqueApplied.self, PainScoreRecorded.self,
        EntryCorrected.self, EntryRetracted.self, PatientErased.self, ErasureAcknowledged.self, RetentionPolicySet.self, LegalHoldPlaced.self, LegalHoldReleased.self,
        SiteTimeZoneSet.self,
        TreatmentNoteRecorded.self, ConsentRecorded.self, PrecautionRecorded.self, PrecautionResolved.self, AdverseEventRecorded.self, MeasurementRecorded.self,
        VisitSignedOff.self, EntryCoSigned.self, LateEntryRuleSet.self, OutcomeRecorded.self,
    ]

    /// The upcasters of every clinical event type, and the version each is written at.
    public static let upcasters: UpcasterRegistry = {
        var registry = UpcasterRegistry()
        for type in payloadTypes { registry.setCurrentVersion(type.schemaVersion, of: type.eventType) }
        registry.register(type: PainScoreRecorded.eventType, from: 1, PainScoreRecorded.upcastFromVersion1)
        registry.register(type: TechniqueApplied.eventType, from: 1, TechniqueApplied.upcastFromVersion1)
        return registry
    }()

    /// Decodes `envelope`'s payload, upcast to the current schema version. Nil for event types
    /// that are not clinical (`NodeEnrolled`).
    /// Nil too for a sealed payload this store could not open (its key not received yet, or the
    /// patient erased): such an event is held, never guessed at.
    public static func decode(_ envelope: EventEnvelope) throws -> ClinicalEvent? {
        guard let decoder = decoders[envelope.type], envelope.readablePayload != nil else { return nil }
        let stored: JSONValue
        do { stored = try envelope.payloadValue() } catch {
            throw ClinicalError.malformedPayload(type: envelope.type, field: "payload", reason: error.description)
        }
        let current = try upcasters.upcast(type: envelope.type, version: envelope.schemaVersion, payload: stored)
        return try decoder(current)
    }

    /// Each clinical event type's strict decoder, straight to its case: every check and every
    /// fold decodes events, and going through `any ClinicalPayload` and back (``init(_:)``)
    /// cost a chain of dynamic casts per event.
    static let decoders: [String: @Sendable (JSONValue) throws -> ClinicalEvent] = [
        PatientRegistered.eventType: { .patientRegistered(try PatientRegistered(json: $0)) },
        PatientDetailsChanged.eventType: { .patientDetailsChanged(try PatientDetailsChanged(json: $0)) },
        HistoryEntryRecorded.eventType: { .historyEntryRecorded(try HistoryEntryRecorded(json: $0)) },
        VisitStarted.eventType: { .visitStarted(try VisitStarted(json: $0)) },
        VisitEnded.eventType: { .visitEnded(try VisitEnded(json: $0)) },
        TriggerPointFound.eventType: { .triggerPointFound(try TriggerPointFound(json: $0)) },
        TriggerPointResolved.eventType: { .triggerPointResolved(try TriggerPointResolved(json: $0)) },
        TechniqueApplied.eventType: { .techniqueApplied(try TechniqueApplied(json: $0)) },
        PainScoreRecorded.eventType: { .painScoreRecorded(try PainScoreRecorded(json: $0)) },
        EntryCorrected.eventType: { .entryCorrected(try EntryCorrected(json: $0)) },
        EntryRetracted.eventType: { .entryRetracted(try EntryRetracted(json: $0)) },
        PatientErased.eventType: { .patientErased(try PatientErased(json: $0)) },
        ErasureAcknowledged.eventType: { .erasureAcknowledged(try ErasureAcknowledged(json: $0)) },
        RetentionPolicySet.eventType: { .retentionPolicySet(try RetentionPolicySet(json: $0)) },
        LegalHoldPlaced.eventType: { .legalHoldPlaced(try LegalHoldPlaced(json: $0)) },
        LegalHoldReleased.eventType: { .legalHoldReleased(try LegalHoldReleased(json: $0)) },
        SiteTimeZoneSet.eventType: { .siteTimeZoneSet(try SiteTimeZoneSet(json: $0)) },
        TreatmentNoteRecorded.eventType: { .treatmentNoteRecorded(try TreatmentNoteRecorded(json: $0)) },
        ConsentRecorded.eventType: { .consentRecorded(try ConsentRecorded(json: $0)) },
        PrecautionRecorded.eventType: { .precautionRecorded(try PrecautionRecorded(json: $0)) },
        PrecautionResolved.eventType: { .precautionResolved(try PrecautionResolved(json: $0)) },
        AdverseEventRecorded.eventType: { .adverseEventRecorded(try AdverseEventRecorded(json: $0)) },
        MeasurementRecorded.eventType: { .measurementRecorded(try MeasurementRecorded(json: $0)) },
        VisitSignedOff.eventType: { .visitSignedOff(try VisitSignedOff(json: $0)) },
        EntryCoSigned.eventType: { .entryCoSigned(try EntryCoSigned(json: $0)) },
        LateEntryRuleSet.eventType: { .lateEntryRuleSet(try LateEntryRuleSet(json: $0)) },
        OutcomeRecorded.eventType: { .outcomeRecorded(try OutcomeRecorded(json: $0)) },
    ]

    /// `entry` (an entry at its current version) with `correction` applied, or nil if the
    /// correction changes a field a clinician may not correct in that type, or leaves an invalid
    /// payload. The one rule for what a correction does, for the fold and the views.
    ///
    /// A correction names members and their new values (`null` removes one), so it is applied to
    /// the entry's stored form and read back through the type's strict decoder: the result is
    /// always a valid payload of the entry's type.
    public static func corrected(_ entry: ClinicalEvent, by correction: EntryCorrected) -> ClinicalEvent? {
        let type = Swift.type(of: entry.payload)
        guard let allowed = correctableFields[type.eventType], correction.fields.keys.allSatisfy(allowed.contains),
              case .object(var members) = entry.payload.json
        else { return nil }
        for (field, value) in correction.fields { members[field] = value == .null ? nil : value }
        return (try? type.init(json: .object(members))).map(ClinicalEvent.init)
    }


    /// The event carrying `payload`.
    public init(_ payload: any ClinicalPayload) {
        switch payload {
        case let p as PatientRegistered: self = .patientRegistered(p)
        case let p as PatientDetailsChanged: self = .patientDetailsChanged(p)
        case let p as HistoryEntryRecorded: self = .historyEntryRecorded(p)
        case let p as VisitStarted: self = .visitStarted(p)
        case let p as VisitEnded: self = .visitEnded(p)
        case let p as TriggerPointFound: self = .triggerPointFound(p)
        case let p as TriggerPointResolved: self = .triggerPointResolved(p)
        case let p as TechniqueApplied: self = .techniqueApplied(p)
        case let p as PainScoreRecorded: self = .painScoreRecorded(p)
        case let p as EntryCorrected: self = .entryCorrected(p)
        case let p as EntryRetracted: self = .entryRetracted(p)
        case let p as PatientErased: self = .patientErased(p)
        case let p as ErasureAcknowledged: self = .erasureAcknowledged(p)
        case let p as RetentionPolicySet: self = .retentionPolicySet(p)
        case let p as LegalHoldPlaced: self = .legalHoldPlaced(p)
        case let p as LegalHoldReleased: self = .legalHoldReleased(p)
        case let p as SiteTimeZoneSet: self = .siteTimeZoneSet(p)
        case let p as TreatmentNoteRecorded: self = .treatmentNoteRecorded(p)
        case let p as ConsentRecorded: self = .consentRecorded(p)
        case let p as PrecautionRecorded: self = .precautionRecorded(p)
        case let p as PrecautionResolved: self = .precautionResolved(p)
        case let p as AdverseEventRecorded: self = .adverseEventRecorded(p)
        case let p as MeasurementRecorded: self = .measurementRecorded(p)
        case let p as VisitSignedOff: self = .visitSignedOff(p)
        case let p as EntryCoSigned: self = .entryCoSigned(p)
        case let p as LateEntryRuleSet: self = .lateEntryRuleSet(p)
        case let p as OutcomeRecorded: self = .outcomeRecorded(p)
        default: preconditionFailure("\(Swift.type(of: payload)) is missing from ClinicalEvent.init")
        }
    }

    /// The event type's name, as envelopes carry it.
    public var eventType: String { Swift.type(of: payload).eventType }

    public var payload: any ClinicalPayload {
        switch self {
        case .patientRegistered(let p): p
        case .patientDetailsChanged(let p): p
        case .historyEntryRecorded(let p): p
        case .visitStarted(let p): p
        case .visitEnded(let p): p
        case .triggerPointFound(let p): p
        case .triggerPointResolved(let p): p
        case .techniqueApplied(let p): p
        case .painScoreRecorded(let p): p
        case .entryCorrected(let p): p
        case .entryRetracted(let p): p
        case .patientErased(let p): p
        case .erasureAcknowledged(let p): p
        case .retentionPolicySet(let p): p
        case .legalHoldPlaced(let p): p
        case .legalHoldReleased(let p): p
        case .siteTimeZoneSet(let p): p
        case .treatmentNoteRecorded(let p): p
        case .consentRecorded(let p): p
        case .precautionRecorded(let p): p
        case .precautionResolved(let p): p
        case .adverseEventRecorded(let p): p
        case .measurementRecorded(let p): p
        case .visitSignedOff(let p): p
        case .entryCoSigned(let p): p
        case .lateEntryRuleSet(let p): p
        case .outcomeRecorded(let p): p
        }
    }

    /// The entry types a clinician may correct, and the fields a correction may change.
    public static let correctableFields: [String: [String]] = [
        HistoryEntryRecorded.eventType: ["kind", "text", "date", "ergonomics"],
        TriggerPointFound.eventType: ["muscle", "side", "status", "referral", "note"],
        TechniqueApplied.eventType: ["technique", "region", "minutes", "note", "needles", "gauge", "depthMm", "twitch"],
        PainScoreRecorded.eventType: ["score", "region", "context"],
        VisitStarted.eventType: ["reason"],
        VisitEnded.eventType: ["note"],
        TriggerPointResolved.eventType: ["note"],
        TreatmentNoteRecorded.eventType: TreatmentNoteRecorded.sections,
        // The technique and the decision stand: a wrong one is retracted and recorded again, so
        // that what the patient agreed to is never rewritten.
        ConsentRecorded.eventType: ["form", "risks", "note"],
        // The kind stands: the alerts acknowledged on techniques were raised by it.
        PrecautionRecorded.eventType: ["note"],
        PrecautionResolved.eventType: ["note"],
        AdverseEventRecorded.eventType: ["kind", "severity", "note"],
        MeasurementRecorded.eventType: ["side", "value", "unit", "result", "note"],
        // The instrument, its version and the activities named stand: answers given to another
        // instrument (or about another activity) are retracted and recorded again. Corrected
        // answers (a PSFS's ratings, in activity order) are rescored by the version's rules.
        OutcomeRecorded.eventType: ["answers", "context", "note"],
    ]

    /// The entry types a clinician may retract: the same entries.
    public static var retractableTypes: Set<String> { Set(correctableFields.keys) }

    /// One line for people: what the event says.
    public var summary: String {
        func show(_ vocabulary: Vocabulary, _ id: String) -> String { vocabulary.term(id: id)?.display.lowercased() ?? id }
        switch self {
        case .patientRegistered(let p):
            return "registered \(p.name), born \(p.dateOfBirth)"
        case .patientDetailsChanged(let p):
            return "changed " + PatientDetailsChanged.fields.compactMap { field in
                p.changes[field].map { "\(field) → \($0 ?? "(removed)")" }
            }.joined(separator: ", ")
        case .historyEntryRecorded(let p):
            let date = p.date.map { " (\($0))" } ?? ""
            let ergonomics = p.ergonomics.map { "; ergonomics: \($0)" } ?? ""
            return "\(p.kind): \(p.text)\(date)\(ergonomics)"
        case .visitStarted(let p):
            return "visit started" + (p.reason.map { ": \($0)" } ?? "")
        case .visitEnded(let p):
            return "visit \(p.visit.rawValue) ended" + (p.note.map { ": \($0)" } ?? "")
        case .triggerPointFound(let p):
            let referral = p.referral.map { ", refers to \(show(Vocabularies.bodyRegions, $0))" } ?? ""
            return "\(p.status) trigger point, \(p.side) \(show(Vocabularies.muscles, p.muscle))\(referral)"
        case .triggerPointResolved(let p):
            return "trigger point \(p.finding.rawValue) resolved" + (p.note.map { ": \($0)" } ?? "")
        case .techniqueApplied(let p):
            let minutes = p.minutes.map { ", \($0) min" } ?? ""
            var needling: [String] = []
            if let needles = p.needles { needles == 1 ? needling.append("1 needle") : needling.append("\(needles) needles") }
            if let gauge = p.gauge { needling.append("\(gauge) mm") }
            if let depth = p.depthMm { needling.append("\(depth) mm deep") }
            if let twitch = p.twitch { needling.append(twitch ? "twitch" : "no twitch") }
            let details = needling.isEmpty ? "" : " (\(needling.joined(separator: ", ")))"
            let acknowledged = p.acknowledgedPrecautions.map { "; precaution\($0.count == 1 ? "" : "s") acknowledged: \($0.map(\.rawValue).joined(separator: ", "))" } ?? ""
            return "\(show(Vocabularies.techniques, p.technique)), \(show(Vocabularies.bodyRegions, p.region))\(minutes)\(details)\(acknowledged)"
        case .painScoreRecorded(let p):
            return "pain \(p.score)/10, \(show(Vocabularies.bodyRegions, p.region)) (\(p.context))"
        case .entryCorrected(let p):
            let fields = p.fields.keys.sorted().map { "\($0) → \(p.fields[$0]!.stringValue ?? p.fields[$0]!.canonicalString)" }
            return "corrected \(p.target.rawValue): \(fields.joined(separator: ", ")) — \(p.reason)"
        case .entryRetracted(let p):
            return "retracted \(p.target.rawValue) — \(p.reason)"
        case .patientErased(let p):
            return "patient erased (\(p.basis.rawValue)) — \(p.reason)"
        case .erasureAcknowledged(let p):
            return "applied node \(p.origin)'s erasure \(p.erasure.rawValue) of this patient, and passes it on"
        case .retentionPolicySet(let p):
            return "retention policy: \(p.yearsAfterLastService) years after the last service; a record begun before \(p.adultAge) kept until age \(p.childUntilAge)"
        case .legalHoldPlaced(let p):
            return "legal hold placed — \(p.reason)"
        case .legalHoldReleased(let p):
            return "legal hold \(p.hold.rawValue) released — \(p.reason)"
        case .siteTimeZoneSet(let p):
            return "site time zone: \(p.zone)"
        case .treatmentNoteRecorded(let p):
            return "treatment note: " + p.sectionTexts.map { "\($0.section): \($0.text)" }.joined(separator: "; ")
        case .consentRecorded(let p) where p.isGiven:
            let risks = p.risks.map { "; risks explained: \($0)" } ?? ""
            return "\(p.form ?? "") consent given for \(show(Vocabularies.techniques, p.technique))\(risks)"
        case .consentRecorded(let p):
            return "consent withdrawn for \(show(Vocabularies.techniques, p.technique))" + (p.note.map { ": \($0)" } ?? "")
        case .precautionRecorded(let p):
            return "precaution: \(show(Vocabularies.precautionKinds, p.kind))" + (p.note.map { " — \($0)" } ?? "")
        case .precautionResolved(let p):
            return "precaution \(p.precaution.rawValue) resolved" + (p.note.map { ": \($0)" } ?? "")
        case .adverseEventRecorded(let p):
            return "adverse event: \(p.severity) \(show(Vocabularies.adverseEventKinds, p.kind)) after \(p.after.rawValue)" + (p.note.map { " — \($0)" } ?? "")
        case .measurementRecorded(let p):
            let side = p.side.map { "\($0) " } ?? ""
            return "\(side)\(show(Vocabularies.measurementTests, p.test)): \(p.reading)" + (p.note.map { " — \($0)" } ?? "")
        case .visitSignedOff(let p):
            return "visit \(p.visit.rawValue) signed off (\(p.entries.count) entr\(p.entries.count == 1 ? "y" : "ies"))"
        case .entryCoSigned(let p):
            return "co-signed " + p.events.map(\.rawValue).joined(separator: ", ")
        case .lateEntryRuleSet(let p):
            return "late-entry rule: \(p.rule)"
        case .outcomeRecorded(let p):
            return p.reading + (p.note.map { " — \($0)" } ?? "")
        }
    }
}
