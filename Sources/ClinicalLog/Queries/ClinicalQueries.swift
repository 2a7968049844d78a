import ClinicalEvents
import EventLog
import EventModel

/// The clinical record as it stands, read from one reader (a read transaction, or the write
/// transaction of a ``ClinicalSession``): which patient a reference names, whether their record
/// may be shown, their open visit, legal holds, and an entry with its corrections.
///
/// Guarantees: every query only reads — nothing is appended, no access is recorded — and each
/// answers from what `reader` sees, so inside a session the answer includes that session's own
/// writes. The CLI, the viewer, the retention schedule and ``ClinicalSession`` all ask here: each
/// question has one answer in code.
public struct ClinicalQueries {
    public let reader: EventReader

    public init(_ reader: EventReader) {
        self.reader = reader
    }

    // MARK: Patients

    /// The registered patient whose id is `reference` or starts with it (≥ 8 characters).
    /// - Throws: ``ClinicalError/unknownPatient(_:)`` or ``ClinicalError/ambiguousPatient(prefix:matches:)``.
    public func resolvePatient(_ reference: IDReference) throws -> PatientID {
        let candidates = try reader.patientIDs(withPrefix: reference)
        let registered = try candidates.filter { !(try reader.events(patient: $0, types: [PatientRegistered.eventType]).isEmpty) }
        switch registered.count {
        case 0: throw ClinicalError.unknownPatient(reference.text)
        case 1: return registered[0]
        default: throw ClinicalError.ambiguousPatient(prefix: reference.text, matches: registered.map(\.rawValue))
        }
    }

    /// Refuses a patient whose record cannot be read here: erased (saying when, by whom and
    /// why, from the original erasure), or whose key has not arrived from the site that holds it.
    public func requireReadable(_ patient: PatientID) throws {
        if let erasureID = try reader.erasure(of: patient) {
            var erasure = try reader.event(erasureID)
            // Erased here by another node's acknowledgement: say who erased, when and why, from
            // the original erasure (stored, or held while its origin is not trusted here).
            if let acknowledgement = erasure, case .erasureAcknowledged(let ack)? = try? ClinicalEvent.decode(acknowledgement),
               let original = try reader.event(ack.erasure) ?? reader.heldEvent(ack.erasure) {
                erasure = original
            }
            throw Self.erasedRefusal(patient, erasureID: erasureID, erasure: erasure)
        }
        if let origin = try reader.keyAwaited(for: patient) {
            throw EventLogError.keyNotReceived(patient: patient.rawValue, origin: origin.rawValue)
        }
    }

    /// Why an erased patient's record is not shown: who erased them, when, on what basis —
    /// from the erasure event (`erasure`), as every engine refuses it (the hub too, which has
    /// no ``EventReader``).
    public static func erasedRefusal(_ patient: PatientID, erasureID: EventID, erasure: EventEnvelope?) -> any Error {
        guard let erasure, case .patientErased(let payload)? = try? ClinicalEvent.decode(erasure) else {
            return EventLogError.patientErased(patient: patient.rawValue, event: erasureID.rawValue)
        }
        return ClinicalError.patientErased(patient: patient.rawValue, on: String(erasure.recordedAt.description.prefix(10)), by: erasure.author,
                                           basis: payload.basis.rawValue, reason: payload.reason)
    }

    /// The retraction that withdrew the patient's registration, if it was withdrawn.
    public func withdrawal(of patient: PatientID) throws -> EventEnvelope? {
        for registration in try reader.events(patient: patient, types: [PatientRegistered.eventType]) {
            if let withdrawal = try retraction(of: registration) { return withdrawal }
        }
        return nil
    }

    // MARK: Visits and entries

    /// The patient's visit that was started and neither ended nor retracted, if any.
    public func openVisit(of patient: PatientID) throws -> EventID? {
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

    /// The entry as it stands: its payload with every correction so far applied, in log order
    /// (nil for an event that is not clinical or has no patient).
    public func currentEntry(of target: EventEnvelope) throws -> ClinicalEvent? {
        guard var entry = try ClinicalEvent.decode(target), let patient = target.patient else { return nil }
        for correction in try reader.events(patient: patient, type: EntryCorrected.eventType, payloadMember: "target", equals: target.id.rawValue) {
            guard case .entryCorrected(let payload)? = try ClinicalEvent.decode(correction) else { continue }
            entry = ClinicalEvent.corrected(entry, by: payload) ?? entry
        }
        return entry
    }

    /// The retraction of `target`, if it was retracted.
    public func retraction(of target: EventEnvelope) throws -> EventEnvelope? {
        guard let patient = target.patient else { return nil }
        return try reader.events(patient: patient, type: EntryRetracted.eventType, payloadMember: "target", equals: target.id.rawValue).first
    }

    // MARK: Retention

    /// The patient's legal holds not released, oldest first.
    public func activeHolds(of patient: PatientID) throws -> [(id: EventID, reason: String)] {
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
}
