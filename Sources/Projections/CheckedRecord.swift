import EventLog
import ClinicalFold
import EventModel
import EventCrypto
import EventSync

/// A patient's events as a clinician may act on them: each one's hash recomputed from its stored
/// bytes and covered by its origin's signature (``ChainCheck/covering(_:in:memo:)``), and this
/// node's own chain ending on its signed head. What `show`, `timeline` and `history` print comes
/// from these events — never from view rows someone could have edited in the file — so a forged
/// name or score is refused in one line instead of shown as the record.
///
/// Limit (said in SECURITY.md): an event *deleted* from the file outside the run from a shown
/// event to its signature is not seen here; `verify`, which walks every chain whole, finds it.
public enum CheckedRecord {
    /// The record of a patient did not check; nothing of it is shown.
    public struct Failure: Remediable, CodedError {
        /// Codes are stable: scripts and tests match them, so one is never renamed nor reused for
        /// another meaning.
        public enum Code: String, Sendable, Hashable, CaseIterable {
            /// The record's events do not check against their signed chains, or this node's own
            /// chain does not end on its signed head.
            case recordAltered
        }

        public var code: Code { .recordAltered }
        public var patient: PatientID
        public var problem: String
        public var fact: String { "record: patient \(patient)'s events do not check against their signed chains (\(problem)); nothing is shown" }
        public var remedy: Remedy? { .verify }
    }

    /// `patient`'s events, checked.
    public static func events(of patient: PatientID, in reader: EventReader, localChainProblem: (any Error)? = nil,
                              memo: SignatureMemo? = nil) throws -> [EventEnvelope] {
        if let localChainProblem { throw Failure(patient: patient, problem: "\(localChainProblem)") }
        let events = try reader.events(patient: patient)
        do {
            _ = try ChainCheck.covering(events, in: reader, memo: memo)
        } catch let problem as ChainCheck.Problem {
            throw Failure(patient: patient, problem: "\(problem)")
        }
        return events
    }
}

extension PatientViews {
    /// One patient's view folded from their checked events (``CheckedRecord``), as `travel`
    /// selects; nil when the patient is not registered then. The same view as ``show(_:_:)``
    /// gives from the rows when nobody edited them (the projection tests hold them equal).
    public func checkedShow(_ patient: PatientID, _ travel: TimeTravel = .now, localChainProblem: (any Error)? = nil) throws -> PatientView? {
        let events = try CheckedRecord.events(of: patient, in: reader, localChainProblem: localChainProblem)
        let record = try PatientFold.fold(patient, events: events, covering: travel, lateEntries: LateEntryPolicy(reader, travel))
        return record.isRegistered ? record.view : nil
    }
}
