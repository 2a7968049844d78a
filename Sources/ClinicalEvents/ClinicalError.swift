import EventModel

/// A clinical value or write refused — a field someone typed that is not accepted, a write the
/// record's state does not allow — or a stored payload that does not decode. Each renders as one
/// line naming what was refused and what would be accepted; what to do about it is a
/// ``EventModel/Remedy`` the front end puts in its own words.
///
/// Each case has a stable ``Code``: tests and scripts match the code, people read the line.
public enum ClinicalError: Remediable, CodedError, Sendable, Equatable {
    /// A value typed for `field` is not accepted; `accepted` says what would be. Rendered exactly
    /// as the event log's own ``EventModel/EventLogError/invalidField(field:value:accepted:)``,
    /// so a refusal reads the same whichever layer refused it.
    case invalidField(field: String, value: String, accepted: String)
    /// No registered patient has this id (or prefix).
    case unknownPatient(String)
    /// A prefix matches more than one registered patient.
    case ambiguousPatient(prefix: String, matches: [String])
    /// The event is not a clinical entry that can be `action` (resolved, retracted).
    case notAnEntry(event: String, type: String, action: String)
    /// Only clinical entries are corrected (a patient's details are changed).
    case notCorrectable(event: String, type: String)
    /// A registration with clinical entries cannot be withdrawn.
    case registrationInUse(event: String, patient: String, entries: Int)
    /// The patient's registration was withdrawn (a mistaken or duplicate registration).
    case registrationWithdrawn(patient: String, by: String)
    /// The entry was already retracted (by `by`): it is neither retracted again nor corrected.
    case alreadyRetracted(event: String, by: String)
    /// `field` is not a field of `type` that can be corrected or changed.
    case fieldNotCorrectable(field: String, type: String, accepted: [String])
    /// A correction or update that changes nothing.
    case nothingToChange(String)
    /// The patient already has an open visit.
    case visitAlreadyOpen(patient: String, visit: String)
    /// The patient has no open visit to end.
    case noOpenVisit(patient: String)
    /// The trigger point was already resolved.
    case triggerPointAlreadyResolved(event: String)
    /// A stored payload does not decode as its type.
    case malformedPayload(type: String, field: String, reason: String)
    /// The patient was erased: what remains is the erasure itself.
    case patientErased(patient: String, on: String, by: String, basis: String, reason: String)
    /// A legal hold stands: the record may not be erased.
    case underLegalHold(patient: String, hold: String)
    /// There is no standing legal hold to release.
    case noLegalHold(patient: String)
    /// The legal hold was released already (by `by`).
    case holdAlreadyReleased(hold: String, by: String)
    /// The technique needs the patient's recorded consent (`reason` says why), and none stands.
    case consentRequired(patient: String, technique: String, reason: String)
    /// A correction would turn an entry into a technique that active precautions caution or
    /// contraindicate: an acknowledgement belongs to a new entry, not to a correction.
    case correctionMeetsPrecautions(technique: String, alerts: [String])
    /// Active precautions caution or contraindicate the technique, and they were not acknowledged;
    /// `alerts` are one line each (kind, level, why, event id).
    case precautionNotAcknowledged(technique: String, alerts: [String])
    /// An acknowledgement given where no active precaution cautions the technique.
    case noPrecautionToAcknowledge(patient: String, technique: String)
    /// The precaution was already resolved.
    case precautionAlreadyResolved(event: String)
    /// A treatment note with no section written.
    case emptyTreatmentNote(sections: [String])
    /// A patient of the same name and date of birth is already registered here.
    case possibleDuplicatePatient(name: String, dateOfBirth: String, existing: [String])
    /// A visit that cannot be signed off (no entries, already signed, not a visit).
    case signOffRefused(visit: String, reason: String)
    /// Entries that cannot be co-signed (one's own, not a student's, already co-signed).
    case coSignatureRefused(event: String, reason: String)

    /// One code per case. Codes are stable: scripts and tests match them, so one is never
    /// renamed nor reused for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case invalidField
        case unknownPatient
        case ambiguousPatient
        case notAnEntry
        case notCorrectable
        case registrationInUse
        case registrationWithdrawn
        case alreadyRetracted
        case fieldNotCorrectable
        case nothingToChange
        case visitAlreadyOpen
        case noOpenVisit
        case triggerPointAlreadyResolved
        case malformedPayload
        case patientErased
        case underLegalHold
        case noLegalHold
        case holdAlreadyReleased
        case consentRequired
        case correctionMeetsPrecautions
        case precautionNotAcknowledged
        case noPrecautionToAcknowledge
        case precautionAlreadyResolved
        case emptyTreatmentNote
        case possibleDuplicatePatient
        case signOffRefused
        case coSignatureRefused
    }

    public var code: Code {
        switch self {
        case .invalidField: .invalidField
        case .unknownPatient: .unknownPatient
        case .ambiguousPatient: .ambiguousPatient
        case .notAnEntry: .notAnEntry
        case .notCorrectable: .notCorrectable
        case .registrationInUse: .registrationInUse
        case .registrationWithdrawn: .registrationWithdrawn
        case .alreadyRetracted: .alreadyRetracted
        case .fieldNotCorrectable: .fieldNotCorrectable
        case .nothingToChange: .nothingToChange
        case .visitAlreadyOpen: .visitAlreadyOpen
        case .noOpenVisit: .noOpenVisit
        case .triggerPointAlreadyResolved: .triggerPointAlreadyResolved
        case .malformedPayload: .malformedPayload
        case .patientErased: .patientErased
        case .underLegalHold: .underLegalHold
        case .noLegalHold: .noLegalHold
        case .holdAlreadyReleased: .holdAlreadyReleased
        case .consentRequired: .consentRequired
        case .correctionMeetsPrecautions: .correctionMeetsPrecautions
        case .precautionNotAcknowledged: .precautionNotAcknowledged
        case .noPrecautionToAcknowledge: .noPrecautionToAcknowledge
        case .precautionAlreadyResolved: .precautionAlreadyResolved
        case .emptyTreatmentNote: .emptyTreatmentNote
        case .possibleDuplicatePatient: .possibleDuplicatePatient
        case .signOffRefused: .signOffRefused
        case .coSignatureRefused: .coSignatureRefused
        }
    }

    public var remedy: Remedy? {
        switch self {
        case .unknownPatient: .listPatients
        case .notCorrectable: .changeDetailsInstead
        case .visitAlreadyOpen(let patient, _): .endVisit(patient: patient)
        case .noOpenVisit(let patient): .startVisit(patient: patient)
        case .consentRequired(let patient, let technique, _): .recordConsent(patient: patient, technique: technique)
        case .precautionNotAcknowledged: .acknowledgePrecaution
        case .possibleDuplicatePatient: .registerAsNewPatient
        default: nil
        }
    }

    public var fact: String {
        switch self {
        case .invalidField(let field, let value, let accepted):
            // One spelling of a refused field (the value quoted, escaped and cut at 60 characters).
            EventLogError.invalidField(field: field, value: value, accepted: accepted).fact
        case .unknownPatient(let id):
            "patient: no registered patient with id \(id)"
        case .ambiguousPatient(let prefix, let matches):
            "patient: the prefix \(prefix) matches \(matches.count) patients (\(matches.joined(separator: ", "))); give more characters"
        case .notAnEntry(let event, let type, let action):
            "event: \(event) is a \(type), which cannot be \(action)"
        case .notCorrectable(let event, let type):
            "event: \(event) is a \(type), which cannot be corrected"
        case .registrationInUse(let event, let patient, let entries):
            "event: \(event) registers patient \(patient), who has \(entries) clinical entr\(entries == 1 ? "y" : "ies"): only a registration with none (a mistake, a duplicate) can be withdrawn; record the care under one of the two records and retract the other's entries first"
        case .registrationWithdrawn(let patient, let by):
            "patient: \(patient)'s registration was withdrawn (event \(by)); write to the patient's other record"
        case .alreadyRetracted(let event, let by):
            "event: \(event) was already retracted (by event \(by)); nothing to do"
        case .fieldNotCorrectable(let field, let type, let accepted):
            "\(field): not a field of \(type); accepted: \(accepted.joined(separator: ", "))"
        case .nothingToChange(let what):
            "\(what): give at least one field to change"
        case .visitAlreadyOpen(let patient, let visit):
            "visit: patient \(patient) already has an open visit (\(visit))"
        case .noOpenVisit(let patient):
            "visit: patient \(patient) has no open visit"
        case .triggerPointAlreadyResolved(let event):
            "event: trigger point \(event) is already resolved"
        case .malformedPayload(let type, let field, let reason):
            "stored \(type) payload: \(field): \(reason)"
        case .underLegalHold(let patient, let hold):
            "patient: \(patient) is under a legal hold (event \(hold); `myolog history \(hold)` shows its reason); it is not erased while the hold stands — release it first (`retention release \(hold)`)"
        case .noLegalHold(let patient):
            "patient: \(patient) has no legal hold to release"
        case .holdAlreadyReleased(let hold, let by):
            "hold: legal hold \(hold) was released already (by event \(by)); nothing to do"
        case .consentRequired(let patient, let technique, _):
            "technique: \(technique) is not applied without the patient's recorded consent, and patient \(patient) has none standing (never given, or withdrawn)"
        case .correctionMeetsPrecautions(let technique, let alerts):
            "technique: a correction to \(technique) meets active precaution\(alerts.count == 1 ? "" : "s"): \(alerts.joined(separator: "; ")); accepted: a technique no active precaution cautions — retract the entry and record \(technique) anew with --acknowledge-precaution"
        case .precautionNotAcknowledged(let technique, let alerts):
            "technique: \(technique) — active precaution\(alerts.count == 1 ? "" : "s"): \(alerts.joined(separator: "; "))"
        case .noPrecautionToAcknowledge(let patient, let technique):
            "acknowledgement: patient \(patient) has no active precaution that cautions or contraindicates \(technique); accepted only when one does"
        case .precautionAlreadyResolved(let event):
            "event: precaution \(event) is already resolved"
        case .emptyTreatmentNote(let sections):
            "note: a note with no section; accepted: at least one of \(sections.joined(separator: ", "))"
        case .possibleDuplicatePatient(let name, let dateOfBirth, let existing):
            "patient: \(VisibleText.escaped(name)), born \(dateOfBirth), is already registered here as \(existing.joined(separator: ", "))"
        case .signOffRefused(let visit, let reason):
            "visit: \(visit) cannot be signed off: \(reason)"
        case .coSignatureRefused(let event, let reason):
            "cosign: \(event) cannot be co-signed: \(reason)"
        case .patientErased(let patient, let on, let by, let basis, let reason):
            "patient: \(patient) was erased on \(on) by \(by) (\(basis)): \(reason); nothing of their record remains readable here"
        }
    }
}
