import ClinicalEvents
import EventLog
import EventModel
import Foundation

/// The record of care as a write checks it: which consent decisions stand, which precautions
/// are active, what they say about a technique, and whether a patient is already registered.
///
/// Each reads the patient's events in the order every store folds them (Lamport timestamp,
/// origin, sequence: ``ClinicalFold/CausalOrder``, which this module does not depend on), so a
/// check agrees with what `show` says stands. (The fold also ignores an amendment that sorts
/// before its target, which no writer that saw the target can produce; these checks do not
/// look for that.)
extension ClinicalSession {
    /// The records of care a check reads: consent decisions, or precautions with their resolutions.
    enum CareRecords: Hashable {
        case consents, precautions

        var types: Set<String> {
            switch self {
            case .consents: Self.consentTypes
            case .precautions: Self.precautionTypes
            }
        }

        // Made once, not per question: ``changed(by:)`` asks for every event the transaction wrote.
        private static let consentTypes: Set<String> = [ConsentRecorded.eventType]
        private static let precautionTypes: Set<String> = [PrecautionRecorded.eventType, PrecautionResolved.eventType]

        /// Whether an event of `type` can change what stands: a record of these types, or a
        /// retraction or correction (of one of them, or not: not worth telling apart).
        func changed(by type: String) -> Bool {
            type == EntryRetracted.eventType || type == EntryCorrected.eventType || types.contains(type)
        }
    }

    /// What ``standing(_:of:)`` found for a patient, and how many of the transaction's events
    /// it has seen.
    struct StandingRecords {
        var records: [(event: EventEnvelope, entry: ClinicalEvent)]
        var seenWritten: Int
        /// The transaction's ``EventLog/AppendTransaction/receivedCount`` when last brought up to date.
        var seenReceived: Int
    }

    /// Events of `patient` of `records`' types, not retracted, as corrected, in causal order.
    ///
    /// Remembered for the rest of the transaction: every technique checks consent and
    /// precautions, and reading and opening the patient's records again for each cost more than
    /// the rest of the write. Once this transaction has written an event of the patient that can
    /// change the answer (``CareRecords/changed(by:)``), a new record of these types that sorts
    /// after every one remembered (a later Lamport timestamp: each append of this node's has one)
    /// is added to the end, as a fresh read would place it; anything else — a retraction, a
    /// correction, an event that would not sort last — has the answer read again. So it is always
    /// what a fresh read would say (a test holds the two side by side).
    private func standing(_ records: CareRecords, of patient: PatientID) throws -> [(event: EventEnvelope, entry: ClinicalEvent)] {
        let key = StandingKey(patient: patient, records: records)
        let written = transaction.written
        // Nothing received since (a received event may be this node's own, come back from a peer
        // after its retraction or correction): only then can the session's appends extend it.
        if let known = standingRecords[key], known.seenReceived == transaction.receivedCount,
           let current = try extended(known.records, by: written[known.seenWritten...], records, of: patient) {
            standingRecords[key] = StandingRecords(records: current, seenWritten: written.count, seenReceived: transaction.receivedCount)
            return current
        }
        let found = try readStanding(records.types, of: patient)
        standingRecords[key] = StandingRecords(records: found, seenWritten: written.count, seenReceived: transaction.receivedCount)
        return found
    }

    /// `known` brought up to `unseen` (the transaction's events written since), or nil when
    /// only a fresh read can say.
    private func extended(_ known: [(event: EventEnvelope, entry: ClinicalEvent)], by unseen: ArraySlice<EventEnvelope>, _ records: CareRecords,
                          of patient: PatientID) throws -> [(event: EventEnvelope, entry: ClinicalEvent)]? {
        var extended = known
        for event in unseen where event.patient == patient && records.changed(by: event.type) {
            // This node's own events only (and ``standing(_:of:)`` extends only while nothing was
            // received): a received record may come after its own retraction or correction, which
            // a fresh read applies. Sorting last is checked, not assumed.
            guard event.origin == transaction.localNode, records.types.contains(event.type),
                  extended.last.map({ $0.event.lamport < event.lamport }) ?? true,
                  let entry = try ClinicalEvent.decode(event)
            else { return nil }
            extended.append((event, entry))
        }
        return extended
    }

    private func readStanding(_ types: Set<String>, of patient: PatientID) throws -> [(event: EventEnvelope, entry: ClinicalEvent)] {
        standingReads += 1
        var retracted = Set<EventID>()
        var found: [(event: EventEnvelope, entry: ClinicalEvent)] = []
        try transaction.forEachEvent(patient: patient, types: types.union([EntryRetracted.eventType])) { event in
            guard let entry = try ClinicalEvent.decode(event) else { return }
            switch entry {
            case .entryRetracted(let retraction): retracted.insert(retraction.target)
            default: found.append((event, entry))
            }
        }
        return try found.filter { !retracted.contains($0.event.id) }
            .sorted { ($0.event.lamport, $0.event.origin.rawValue, $0.event.sequence) < ($1.event.lamport, $1.event.origin.rawValue, $1.event.sequence) }
            .map { ($0.event, try queries.currentEntry(of: $0.event) ?? $0.entry) }
    }

    /// The consent decision that stands for `technique` (the latest not retracted) and when it
    /// was made.
    func standingConsent(of patient: PatientID, for technique: String) throws -> (consent: ConsentRecorded, madeAt: Timestamp)? {
        try standing(.consents, of: patient).compactMap { pair -> (ConsentRecorded, Timestamp)? in
            guard case .consentRecorded(let consent) = pair.entry, consent.technique == technique else { return nil }
            return (consent, pair.event.occurredAt)
        }.last
    }

    /// The techniques whose consent stands (given, not withdrawn), by id.
    func consentedTechniques(of patient: PatientID) throws -> [String] {
        var latest: [String: ConsentRecorded] = [:]
        for pair in try standing(.consents, of: patient) {
            if case .consentRecorded(let consent) = pair.entry { latest[consent.technique] = consent }
        }
        return latest.values.filter(\.isGiven).map(\.technique).sorted()
    }

    /// The patient's precautions recorded and not resolved (resolutions retracted do not count).
    public func activePrecautions(of patient: PatientID) throws -> [(id: EventID, payload: PrecautionRecorded)] {
        var recorded: [(id: EventID, payload: PrecautionRecorded)] = []
        var resolved = Set<EventID>()
        for pair in try standing(.precautions, of: patient) {
            switch pair.entry {
            case .precautionRecorded(let precaution): recorded.append((pair.event.id, precaution))
            case .precautionResolved(let resolution): resolved.insert(resolution.precaution)
            default: break
            }
        }
        return recorded.filter { !resolved.contains($0.id) }
    }

    /// The active precautions that caution or contraindicate `technique`, with their rules.
    public func alerts(for technique: String, of patient: PatientID) throws -> [(precaution: EventID, rule: PrecautionRules.Rule)] {
        try activePrecautions(of: patient).compactMap { active in
            PrecautionRules.rule(precaution: active.payload.kind, technique: technique).map { (active.id, $0) }
        }
    }

    /// Refuses `technique` for `patient` without a standing consent when its term asks for one,
    /// and, when active precautions speak against it, unless `acknowledged`; refuses an
    /// acknowledgement no precaution asks for. Returns the precautions acknowledged, to store.
    func checkCare(for technique: Technique, of patient: PatientID, acknowledged: Bool) throws -> [EventID] {
        try checkConsent(for: technique, of: patient)
        let alerts = try alerts(for: technique.id, of: patient)
        if alerts.isEmpty, acknowledged {
            throw ClinicalError.noPrecautionToAcknowledge(patient: patient.rawValue, technique: technique.id)
        }
        if !alerts.isEmpty, !acknowledged {
            throw ClinicalError.precautionNotAcknowledged(technique: technique.id, alerts: alerts.map(Self.alertLine))
        }
        return alerts.map(\.precaution)
    }

    /// Refuses `technique` for `patient` when its term asks for consent and none stands now.
    ///
    /// Limit (SECURITY.md): the decision that stands is the latest recorded, not the one in force
    /// at the technique's own date; a technique dated before its consent is not refused.
    func checkConsent(for technique: Technique, of patient: PatientID) throws {
        guard let reason = technique.term.consent else { return }
        guard let standing = try standingConsent(of: patient, for: technique.id), standing.consent.isGiven else {
            throw ClinicalError.consentRequired(patient: patient.rawValue, technique: technique.id, reason: reason)
        }
    }

    /// One alert as people read it: `anticoagulant: caution — why (precaution 0192…)`.
    public static func alertLine(_ alert: (precaution: EventID, rule: PrecautionRules.Rule)) -> String {
        "\(alert.rule.precaution): \(alert.rule.level.rawValue) — \(alert.rule.reason) (precaution \(alert.precaution.rawValue))"
    }

    /// A name as the duplicate check compares it: compatibility-normalised (a full-width `Ｍ` is
    /// `M`), without case, its words — runs of letters and digits — in sorted order, so
    /// "Thompson, Mia", "mia  thompson" and "Mia.Thompson" are one name. Look-alike letters of
    /// other scripts (a Cyrillic `а`) are not folded: said as a limit in SECURITY.md.
    static func nameKey(_ name: String) -> String {
        name.precomposedStringWithCompatibilityMapping.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).sorted().joined(separator: " ")
    }

    /// The registered patients (here or received, registration not withdrawn, readable), other
    /// than `excluded`, whose current name (compared by ``nameKey(_:)``) and date of birth are
    /// `name` and `dateOfBirth`.
    func patientsNamed(_ name: String, bornOn dateOfBirth: String, excluding excluded: PatientID? = nil) throws -> [PatientID] {
        let wanted = Self.nameKey(name)
        return try registeredDetails().filter { $0.key != excluded && $0.value.name.map(Self.nameKey) == wanted && $0.value.dateOfBirth == dateOfBirth }
            .keys.sorted { $0.rawValue < $1.rawValue }
            .filter { try queries.withdrawal(of: $0) == nil }
    }

    /// Every readable patient's current name and date of birth: each field's last write in
    /// causal order, as `show` has it.
    func registeredDetails() throws -> [PatientID: (name: String?, dateOfBirth: String?)] {
        var writes: [(patient: PatientID, order: (Int, String, Int), changes: [String: String?])] = []
        try transaction.forEachEvent(types: [PatientRegistered.eventType, PatientDetailsChanged.eventType]) { event in
            // Unreadable (erased, or the key not received): not a patient anyone can be told apart from.
            guard let patient = event.patient, let entry = try? ClinicalEvent.decode(event) else { return }
            switch entry {
            case .patientRegistered(let registered): writes.append((patient, (event.lamport, event.origin.rawValue, event.sequence), registered.changes))
            case .patientDetailsChanged(let changed): writes.append((patient, (event.lamport, event.origin.rawValue, event.sequence), changed.changes))
            default: return
            }
        }
        var details: [PatientID: (name: String?, dateOfBirth: String?)] = [:]
        for write in writes.sorted(by: { $0.order < $1.order }) {
            var current = details[write.patient] ?? (nil, nil)
            if let name = write.changes["name"] { current.name = name }
            if let born = write.changes["dateOfBirth"] { current.dateOfBirth = born }
            details[write.patient] = current
        }
        return details
    }
}
