import ClinicalEvents
import EventLog
import EventModel

/// A store's clinical record: the entry point for clinical writes.
///
/// ``write(_:)`` runs one transaction in which a ``ClinicalSession`` checks and appends; a
/// refused write appends nothing, and several writes in one session commit together.
public struct ClinicalRecord: Sendable {
    public let store: EventStore
    public var input: ClinicalInput

    public init(store: EventStore, input: ClinicalInput = ClinicalInput()) {
        self.store = store
        self.input = input
    }

    /// Runs `body` in one write transaction; everything it records commits together or not at all.
    @discardableResult
    public func write<T>(_ body: (ClinicalSession) throws -> T) throws -> T {
        try store.write { tx in try body(ClinicalSession(transaction: tx, input: input)) }
    }

    /// The registered patient whose id is `reference` or starts with it.
    public func resolvePatient(_ reference: IDReference) throws -> PatientID {
        try store.read { try ClinicalSession.resolvePatient(reference, in: $0) }
    }
}

/// The clinical write path inside one transaction: checks what a clinician or front desk
/// enters, checks it against the record as it stands, and appends the event.
///
/// Guarantees: every check runs before the append, inside the same `BEGIN IMMEDIATE`
/// transaction, so another process cannot slip in between; every stored term is canonical;
/// every stored payload decodes with ``ClinicalEvent/decode(_:)``.
public final class ClinicalSession {
    public let transaction: AppendTransaction
    public let input: ClinicalInput
    /// Open visits looked up or changed in this transaction (nil value: known to have none).
    private var openVisits: [PatientID: EventID?] = [:]
    /// Patients registered or resolved in this transaction.
    private var knownPatients: Set<PatientID> = []

    init(transaction: AppendTransaction, input: ClinicalInput) {
        self.transaction = transaction
        self.input = input
    }

    // MARK: Patients

    /// What the front desk enters to register a patient.
    public struct Registration: Sendable {
        public var name: String
        public var dateOfBirth: String
        public var phone: String?
        public var email: String?
        public var address: String?

        public init(name: String, dateOfBirth: String, phone: String? = nil, email: String? = nil, address: String? = nil) {
            self.name = name
            self.dateOfBirth = dateOfBirth
            self.phone = phone
            self.email = email
            self.address = address
        }
    }

    /// Registers a new patient; the returned envelope's `patient` is the new id.
    @discardableResult
    public func register(_ registration: Registration, author: String, patientID: PatientID = .make()) throws -> EventEnvelope {
        let payload = PatientRegistered(
            name: try input.name(registration.name),
            dateOfBirth: try input.dateOfBirth(registration.dateOfBirth),
            phone: try registration.phone.map(input.phone),
            email: try registration.email.map(input.email),
            address: try registration.address.map(input.address))
        openVisits[patientID] = .some(nil)
        knownPatients.insert(patientID)
        return try transaction.append(Self.event(payload, patient: patientID), author: author)
    }

    /// Changes a patient's details. `changes` maps `name`, `dob`, `phone`, `email`, `address` to
    /// new values; an empty phone, email or address removes it.
    @discardableResult
    public func updatePatient(_ reference: IDReference, changes: [String: String], author: String) throws -> EventEnvelope {
        guard !changes.isEmpty else { throw ClinicalError.nothingToChange("patient update") }
        var checked: [String: String?] = [:]
        for (field, value) in changes {
            switch field {
            case "name": checked["name"] = try input.name(value)
            case "dob", "dateOfBirth": checked["dateOfBirth"] = .some(try input.dateOfBirth(value).description)
            case "phone": checked["phone"] = value.isEmpty ? .some(nil) : try input.phone(value)
            case "email": checked["email"] = value.isEmpty ? .some(nil) : try input.email(value)
            case "address": checked["address"] = value.isEmpty ? .some(nil) : try input.address(value)
            default: throw ClinicalError.fieldNotCorrectable(field: field, type: "a patient's details", accepted: ["name", "dob", "phone", "email", "address"])
            }
        }
        let payload = PatientDetailsChanged(changes: checked)
        let patient = try patient(reference)
        return try transaction.append(Self.event(payload, patient: patient), author: author)
    }

    /// The retraction that withdrew the patient's registration, if it was withdrawn.
    public static func withdrawal(of patient: PatientID, in reader: EventReader) throws -> EventEnvelope? {
        for registration in try reader.events(patient: patient, types: [PatientRegistered.eventType]) {
            if let withdrawal = try retraction(of: registration, in: reader) { return withdrawal }
        }
        return nil
    }

    /// The event types that register a patient or change their details: not clinical entries.
    static let registrationTypes: Set<String> = [PatientRegistered.eventType, PatientDetailsChanged.eventType]

    /// The registered patient whose id is `reference` or starts with it; refused once the
    /// registration was withdrawn.
    public func patient(_ reference: IDReference) throws -> PatientID {
        if let id = PatientID(reference.text), knownPatients.contains(id) { return id }
        let id = try Self.resolvePatient(reference, in: transaction)
        try Self.requireReadable(id, in: transaction)
        if let withdrawal = try Self.withdrawal(of: id, in: transaction) {
            throw ClinicalError.registrationWithdrawn(patient: id.rawValue, by: withdrawal.id.rawValue)
        }
        knownPatients.insert(id)
        return id
    }

    /// Refuses a patient whose record cannot be read here: erased (saying when, by whom and
    /// why), or whose key has not arrived from the site that holds it.
    /// Why an erased patient's record is not shown: who erased them, when, on what basis —
    /// from the erasure event (`erasure`), as every engine refuses it.
    public static func erasedRefusal(_ patient: PatientID, erasureID: EventID, erasure: EventEnvelope?) -> any Error {
        guard let erasure, case .patientErased(let payload)? = try? ClinicalEvent.decode(erasure) else {
            return EventLogError.patientErased(patient: patient.rawValue, event: erasureID.rawValue)
        }
        return ClinicalError.patientErased(patient: patient.rawValue, on: String(erasure.recordedAt.description.prefix(10)), by: erasure.author,
                                           basis: payload.basis.rawValue, reason: payload.reason)
    }

    public static func requireReadable(_ patient: PatientID, in reader: EventReader) throws {
        if let erasureID = try reader.erasure(of: patient) {
            var erasure = try reader.event(erasureID)
            // Erased here by another node's acknowledgement: say who erased, when and why, from
            // the original erasure (stored, or held while its origin is not trusted here).
            if let acknowledgement = erasure, case .erasureAcknowledged(let ack)? = try? ClinicalEvent.decode(acknowledgement),
               let original = try reader.event(ack.erasure) ?? reader.heldEvent(ack.erasure) {
                erasure = original
            }
            throw erasedRefusal(patient, erasureID: erasureID, erasure: erasure)
        }
        if let origin = try reader.keyAwaited(for: patient) {
            throw EventLogError.keyNotReceived(patient: patient.rawValue, origin: origin.rawValue)
        }
    }

    // MARK: Retention

    /// Sets the clinic's retention policy (for every site: it syncs like any event).
    @discardableResult
    public func setRetentionPolicy(_ policy: RetentionPolicySet, author: String) throws -> EventEnvelope {
        guard (1...100).contains(policy.yearsAfterLastService) else {
            throw EventLogError.invalidField(field: "years", value: String(policy.yearsAfterLastService), accepted: "a whole number of years from 1 to 100")
        }
        guard (1...120).contains(policy.childUntilAge), (1...120).contains(policy.adultAge), policy.adultAge <= policy.childUntilAge else {
            throw EventLogError.invalidField(field: "child-until-age", value: String(policy.childUntilAge), accepted: "an age from the adult age (\(policy.adultAge)) to 120")
        }
        return try transaction.append(NewEvent(type: RetentionPolicySet.eventType, schemaVersion: RetentionPolicySet.schemaVersion, patient: nil, payload: policy.json), author: author)
    }

    /// Places a legal hold on the patient's record: it is not erased while the hold stands.
    @discardableResult
    public func placeHold(_ reference: IDReference, reason: String, author: String) throws -> EventEnvelope {
        let reason = try input.text(reason, field: "reason")
        let patient = try patient(reference)
        return try transaction.append(Self.event(LegalHoldPlaced(reason: reason), patient: patient), author: author)
    }

    /// Releases the patient's standing legal holds (refused when there is none).
    @discardableResult
    public func releaseHolds(_ reference: IDReference, reason: String, author: String) throws -> [EventEnvelope] {
        let reason = try input.text(reason, field: "reason")
        let patient = try patient(reference)
        let holds = try Self.activeHolds(of: patient, in: transaction)
        guard !holds.isEmpty else { throw ClinicalError.noLegalHold(patient: patient.rawValue) }
        return try holds.map { try transaction.append(Self.event(LegalHoldReleased(hold: $0.id, reason: reason), patient: patient), author: author) }
    }

    /// The patient's legal holds not released, oldest first.
    public static func activeHolds(of patient: PatientID, in reader: EventReader) throws -> [(id: EventID, reason: String)] {
        var placed: [(id: EventID, reason: String)] = []
        var released = Set<EventID>()
        for event in try reader.events(patient: patient, types: [LegalHoldPlaced.eventType, LegalHoldReleased.eventType]) {
            switch try ClinicalEvent.decode(event) {
            case .legalHoldPlaced(let hold)?: placed.append((event.id, hold.reason))
            case .legalHoldReleased(let release)?: released.insert(release.hold)
            default: break
            }
        }
        return placed.filter { !released.contains($0.id) }
    }

    // MARK: Erasure

    /// Erases a patient: appends ``PatientErased``, and in the same transaction the store destroys
    /// the patient's data key and the views delete their rows. Refused for an unknown or
    /// already-erased patient. After the commit the store checkpoints its WAL, so no page of the
    /// deleted rows lingers there.
    @discardableResult
    public func erase(_ reference: IDReference, basis: PatientErased.Basis, reason: String, author: String) throws -> EventEnvelope {
        let reason = try input.text(reason, field: "reason")
        let patient = try Self.resolvePatient(reference, in: transaction)
        try Self.requireReadable(patient, in: transaction)
        if let hold = try Self.activeHolds(of: patient, in: transaction).first {
            // The hold's reason is sealed patient text: the refusal names the hold, not its reason,
            // so an erase refused records no read and shows none (`history HOLD` shows it, recorded).
            throw ClinicalError.underLegalHold(patient: patient.rawValue, hold: hold.id.rawValue)
        }
        openVisits[patient] = nil
        knownPatients.remove(patient)
        return try transaction.append(Self.event(PatientErased(basis: basis, reason: reason), patient: patient), author: author)
    }

    /// The patient's open visit, remembered for the rest of this transaction.
    public func openVisit(of patient: PatientID) throws -> EventID? {
        if let known = openVisits[patient] { return known }
        let open = try Self.openVisit(of: patient, in: transaction)
        openVisits[patient] = .some(open)
        return open
    }

    /// The registered patient whose id is `reference` or starts with it (≥ 8 characters).
    public static func resolvePatient(_ reference: IDReference, in reader: EventReader) throws -> PatientID {
        let candidates = try reader.patientIDs(withPrefix: reference)
        let registered = try candidates.filter { !(try reader.events(patient: $0, types: [PatientRegistered.eventType]).isEmpty) }
        switch registered.count {
        case 0: throw ClinicalError.unknownPatient(reference.text)
        case 1: return registered[0]
        default: throw ClinicalError.ambiguousPatient(prefix: reference.text, matches: registered.map(\.rawValue))
        }
    }

    // MARK: Visits

    @discardableResult
    public func startVisit(_ reference: IDReference, reason: String? = nil, date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let payload = VisitStarted(reason: try reason.map { try input.text($0, field: "reason") })
        let when = try date.map(input.occurredAt)
        let patient = try patient(reference)
        if let when { try refuseBeforeBirth(when, of: patient) }
        if let open = try openVisit(of: patient) {
            throw ClinicalError.visitAlreadyOpen(patient: patient.rawValue, visit: open.rawValue)
        }
        let started = try transaction.append(Self.event(payload, patient: patient, occurredAt: when), author: author)
        openVisits[patient] = .some(started.id)
        return started
    }

    @discardableResult
    /// Ends the patient's open visit, now or — for a visit recorded afterwards — at `date`, which
    /// may not be before the visit started.
    public func endVisit(_ reference: IDReference, note: String? = nil, date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        let when = try date.map(input.occurredAt)
        let patient = try patient(reference)
        guard let open = try openVisit(of: patient) else { throw ClinicalError.noOpenVisit(patient: patient.rawValue) }
        if let when, let started = try transaction.event(open), when < started.occurredAt {
            throw EventLogError.invalidField(field: "date", value: date?.typed ?? when.description,
                                             accepted: "an instant at or after the visit's start (\(started.occurredAt))")
        }
        let ended = try transaction.append(Self.event(VisitEnded(visit: open, note: note), patient: patient, occurredAt: when), author: author)
        openVisits[patient] = .some(nil)
        return ended
    }

    /// The patient's visit that was started and neither ended nor retracted, if any.
    public static func openVisit(of patient: PatientID, in reader: EventReader) throws -> EventID? {
        var open: EventID?
        var closed = Set<EventID>()
        try reader.forEachEvent(patient: patient, types: [VisitStarted.eventType, VisitEnded.eventType, EntryRetracted.eventType]) { envelope in
            switch try ClinicalEvent.decode(envelope) {
            case .visitStarted?: open = envelope.id
            case .visitEnded(let ended)?: closed.insert(ended.visit)
            case .entryRetracted(let retraction)?: closed.insert(retraction.target)
            default: break
            }
        }
        guard let open, !closed.contains(open) else { return nil }
        return open
    }

    // MARK: Clinical entries

    @discardableResult
    public func recordHistory(_ reference: IDReference, kind: HistoryKind, text: String, date: HistoryDate? = nil, ergonomics: String? = nil, author: String) throws -> EventEnvelope {
        if ergonomics != nil, kind != "occupation" {
            throw EventLogError.invalidField(field: "ergonomics", value: ergonomics!, accepted: "an ergonomics note only with --kind occupation")
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

    @discardableResult
    public func recordTechnique(_ reference: IDReference, technique: Technique, region: BodyRegion, minutes: TreatmentMinutes? = nil, note: String? = nil, date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let note = try note.map { try input.text($0, field: "note") }
        let when = try date.map(input.occurredAt)
        return try appendForPatient(reference, author: author, occurredAt: when) { visit in
            TechniqueApplied(technique: technique.id, region: region.id, minutes: minutes?.value, note: note, visit: visit)
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
        let finding = try transaction.resolveEvent(eventReference)
        guard finding.type == TriggerPointFound.eventType, let patient = finding.patient else {
            throw ClinicalError.notAnEntry(event: finding.id.rawValue, type: finding.type, action: "resolved (give a TriggerPointFound event)")
        }
        try Self.refuseIfRetracted(finding, in: transaction)
        let resolutions = try transaction.events(patient: patient, type: TriggerPointResolved.eventType, payloadMember: "finding", equals: finding.id.rawValue)
        for resolution in resolutions where try Self.retraction(of: resolution, in: transaction) == nil {
            throw ClinicalError.triggerPointAlreadyResolved(event: finding.id.rawValue)
        }
        let visit = try openVisit(of: patient)
        return try transaction.append(Self.event(TriggerPointResolved(finding: finding.id, note: note, visit: visit), patient: patient), author: author)
    }

    // MARK: Corrections and retractions

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
        try Self.refuseIfRetracted(target, in: transaction)
        var corrected: [String: JSONValue] = [:]
        for (field, value) in fields {
            guard allowed.contains(field) else { throw ClinicalError.fieldNotCorrectable(field: field, type: target.type, accepted: allowed) }
            corrected[field] = try checkedValue(field: field, value: value)
        }
        // The entry as it stands (original plus earlier corrections) must still be valid
        // with this correction applied, and must actually change.
        let before = try Self.currentEntry(of: target, in: transaction)?.payload.json.objectValue ?? [:]
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
        _ = try ClinicalEvent.decode(checked)
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
            try Self.refuseIfRetracted(target, in: transaction)
            knownPatients.remove(patient)
            return try transaction.append(Self.event(EntryRetracted(target: target.id, reason: reason), patient: patient), author: author)
        }
        guard ClinicalEvent.retractableTypes.contains(target.type), let patient = target.patient else {
            throw ClinicalError.notAnEntry(event: target.id.rawValue, type: target.type, action: "retracted")
        }
        try Self.refuseIfRetracted(target, in: transaction)
        let retraction = try transaction.append(Self.event(EntryRetracted(target: target.id, reason: reason), patient: patient), author: author)
        openVisits[patient] = nil  // retracting a visit start or end changes which visit is open
        return retraction
    }

    /// The entry as it stands: its payload with every correction so far applied, in log order
    /// (nil for an event that is not clinical or has no patient).
    public static func currentEntry(of target: EventEnvelope, in reader: EventReader) throws -> ClinicalEvent? {
        guard var entry = try ClinicalEvent.decode(target), let patient = target.patient else { return nil }
        for correction in try reader.events(patient: patient, type: EntryCorrected.eventType, payloadMember: "target", equals: target.id.rawValue) {
            guard case .entryCorrected(let payload)? = try ClinicalEvent.decode(correction) else { continue }
            entry = ClinicalEvent.corrected(entry, by: payload) ?? entry
        }
        return entry
    }

    /// The retraction of `target`, if it was retracted.
    public static func retraction(of target: EventEnvelope, in reader: EventReader) throws -> EventEnvelope? {
        guard let patient = target.patient else { return nil }
        return try reader.events(patient: patient, type: EntryRetracted.eventType, payloadMember: "target", equals: target.id.rawValue).first
    }

    private static func refuseIfRetracted(_ target: EventEnvelope, in reader: EventReader) throws {
        if let retraction = try retraction(of: target, in: reader) {
            throw ClinicalError.alreadyRetracted(event: target.id.rawValue, by: retraction.id.rawValue)
        }
    }

    private func checkedValue(field: String, value: String) throws -> JSONValue {
        let optionalFields: Set<String> = ["date", "ergonomics", "referral", "note", "minutes", "reason"]
        if value.isEmpty, optionalFields.contains(field) { return .null }
        switch field {
        case "kind": return .string(try HistoryKind(parsing: value).id)
        case "text", "ergonomics", "note", "reason": return .string(try input.text(value, field: field))
        case "date": return .string(try input.historyDate(HistoryDate(value)))
        case "muscle": return .string(try Muscle(parsing: value).id)
        case "side": return .string(try Side(parsing: value).id)
        case "status": return .string(try TriggerPointStatus(parsing: value).id)
        case "referral", "region": return .string(try BodyRegion(parsing: value).id)
        case "technique": return .string(try Technique(parsing: value).id)
        case "minutes": return .int(try TreatmentMinutes(value).value)
        case "score": return .int(try PainScore(value).value)
        case "context": return .string(try PainContext(parsing: value).id)
        default: throw EventLogError.invalidField(field: field, value: value, accepted: "a correctable field")
        }
    }

    // MARK: Shared

    private func appendForPatient(_ reference: IDReference, author: String, occurredAt: Timestamp? = nil,
                                  _ payload: (EventID?) -> some ClinicalPayload) throws -> EventEnvelope {
        let patient = try patient(reference)
        if let occurredAt { try refuseBeforeBirth(occurredAt, of: patient) }
        let visit = try openVisit(of: patient)
        return try transaction.append(Self.event(payload(visit), patient: patient, occurredAt: occurredAt), author: author)
    }

    /// Refuses a clinical entry dated before the patient was born (their latest recorded date of birth).
    private func refuseBeforeBirth(_ instant: Timestamp, of patient: PatientID) throws {
        var dateOfBirth: CivilDate?
        for envelope in try transaction.events(patient: patient, types: [PatientRegistered.eventType, PatientDetailsChanged.eventType]) {
            if case .object(let payload)? = try? envelope.payloadValue(), let text = payload["dateOfBirth"]?.stringValue, let date = CivilDate(iso: text) {
                dateOfBirth = date
            }
        }
        guard let dateOfBirth, instant < Timestamp(startOf: dateOfBirth, in: input.timeZone) else { return }
        throw EventLogError.invalidField(field: "date", value: instant.description,
                                         accepted: "an instant on or after the patient's date of birth (\(dateOfBirth))")
    }

    /// The ``EventLog/NewEvent`` for a payload, at its type's current schema version.
    public static func event<P: ClinicalPayload>(_ payload: P, patient: PatientID, occurredAt: Timestamp? = nil) -> NewEvent {
        NewEvent(type: P.eventType, schemaVersion: P.schemaVersion, patient: patient, occurredAt: occurredAt, payload: payload.json)
    }
}
