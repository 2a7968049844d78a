import ClinicalFold
import EventModel
import Projections
import Synchronization

/// The folded record and timeline of the patients a viewer showed last, each kept with exactly
/// what it was made from: the patient's events as the page's read returned them (opened), the
/// site names, the late-entry policy (the store's rule and the sites' zones), and the time travel. The fold and the timeline are functions of those alone (no
/// clock, no other table), so a page whose read returns the same — compared whole, every field of
/// every event — reuses them, and any difference makes them again: a new event, a correction, a
/// retraction, an erasure (its event), a renamed site, an event altered in the file.
///
/// It saves the fold and the timeline only. A page still reads the patient's events, checks them
/// (``ReportBasis/Verification``: each event re-hashed, its commit's signature) and renders; the
/// patient is checked readable before any of it. A patient whose page is refused should be
/// ``forget(_:)``: nothing of a record that can no longer be shown is kept. At most `capacity`
/// patients are kept.
public final class ReportMemo: Sendable {
    private struct Made: Sendable {
        var travel: TimeTravel
        var events: [EventEnvelope]
        var sites: [NodeID: String]
        var lateEntries: LateEntryPolicy
        var record: PatientRecord
        var timeline: [AuditLine]
    }

    private let made = Mutex<[PatientID: Made]>([:])
    private let capacity: Int

    public init(capacity: Int = 16) { self.capacity = max(1, capacity) }

    /// The record and timeline made from `events` (with `sites`, as `travel` selects): the kept
    /// ones when they were made from exactly these, else `make()`'s, then kept.
    func made(_ patient: PatientID, _ travel: TimeTravel, events: [EventEnvelope], sites: [NodeID: String], lateEntries: LateEntryPolicy,
              make: () throws -> (record: PatientRecord, timeline: [AuditLine])) throws -> (record: PatientRecord, timeline: [AuditLine]) {
        if let kept = made.withLock({ $0[patient] }), kept.travel == travel, kept.sites == sites, kept.lateEntries == lateEntries, kept.events == events {
            return (kept.record, kept.timeline)
        }
        let fresh = try make()
        made.withLock { kept in
            if kept[patient] == nil, kept.count >= capacity, let any = kept.keys.first { kept[any] = nil }
            kept[patient] = Made(travel: travel, events: events, sites: sites, lateEntries: lateEntries, record: fresh.record, timeline: fresh.timeline)
        }
        return fresh
    }

    /// Drops what is kept of `patient`.
    public func forget(_ patient: PatientID) {
        _ = made.withLock { $0.removeValue(forKey: patient) }
    }

    /// Drops what is kept of every patient `isGone` names (erased or withdrawn since their page
    /// was made): a record erased while the viewer runs leaves nothing decoded in its memory, even
    /// if nobody asks for that patient's page again. At most `capacity` questions.
    public func forget(where isGone: (PatientID) -> Bool) {
        let kept = made.withLock { Array($0.keys) }
        for patient in kept where isGone(patient) { forget(patient) }
    }
}
