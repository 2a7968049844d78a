import ClinicalEvents
import EventLog
import EventModel
import EventSync

/// One access to one patient's data (or one unscoped query), as an auditor reads it.
public struct AccessEntry: Sendable, Hashable, Encodable {
    /// The ``RecordAccessed`` event.
    public var event: EventID
    public var at: Timestamp
    public var user: String
    /// The role the user read it in (as their signed access record names it); nil for a record
    /// from before people had keys, whose user is an unverified name.
    public var role: String?
    /// The node where it happened, and that node's site.
    public var node: NodeID
    public var site: String?
    public var action: RecordAccessed.Action
    public var command: String
    /// Nil for an unscoped query (see `rows`).
    public var patient: PatientID?
    /// How many patients the one access covered (a listing, an export of all).
    public var patientCount: Int
    public var purpose: RecordAccessed.Purpose
    public var outcome: RecordAccessed.Outcome
    public var detail: String?
    public var statement: String?
    public var rows: Int?
    public var peer: NodeID?
}

/// Which accesses an auditor asks for; every condition given must hold.
public struct AccessFilter: Sendable, Hashable {
    public var patient: PatientID?
    public var user: String?
    /// From this instant (inclusive) …
    public var since: Timestamp?
    /// … up to this one (exclusive).
    public var until: Timestamp?
    public var action: RecordAccessed.Action?

    public init(patient: PatientID? = nil, user: String? = nil, since: Timestamp? = nil, until: Timestamp? = nil, action: RecordAccessed.Action? = nil) {
        self.patient = patient
        self.user = user
        self.since = since
        self.until = until
        self.action = action
    }
}

/// The access log of a store (every site's accesses it has received), read from the signed
/// `RecordAccessed` events themselves (``entries(_:)``); ``AccessProjection`` keeps the same
/// accesses as rows, which `verify` compares with a replay.
public struct AccessLog {
    let reader: EventReader

    public init(_ reader: EventReader) {
        self.reader = reader
    }

    /// The accesses `filter` selects, derived from the `RecordAccessed` events themselves — not
    /// from the `access_log` rows, which someone with the file could edit or delete — each event
    /// checked against its origin's signature (``ChainCheck/covering(_:in:memo:)``). Equal to the
    /// rows when nobody edited them (`verify` compares the projection with a replay); a record altered in the file refuses the whole answer in one line
    /// (``AccessRecordsAltered``, naming the event).
    public func entries(_ filter: AccessFilter = AccessFilter()) throws -> [AccessEntry] {
        let sites = try reader.sites()
        var entries: [AccessEntry] = [], shown: [EventEnvelope] = []
        try reader.forEachEvent(types: [RecordAccessed.eventType]) { event in
            let access = try RecordAccessed(json: event.payloadValue())
            guard filter.user.map({ $0 == event.author }) ?? true, filter.action.map({ $0 == access.action }) ?? true,
                  filter.since.map({ event.recordedAt >= $0 }) ?? true, filter.until.map({ event.recordedAt < $0 }) ?? true
            else { return }
            let patients: [PatientID?] = access.patients.isEmpty ? [nil] : access.patients
            var matched = false
            for patient in patients where filter.patient == nil || patient == filter.patient {
                matched = true
                entries.append(AccessEntry(event: event.id, at: event.recordedAt, user: event.author, role: event.authorRole, node: event.origin, site: sites[event.origin],
                                           action: access.action, command: access.command, patient: patient, patientCount: access.patients.count,
                                           purpose: access.purpose, outcome: access.outcome, detail: access.detail, statement: access.statement,
                                           rows: access.rows, peer: access.peer))
            }
            if matched { shown.append(event) }
        }
        do {
            _ = try ChainCheck.covering(shown, in: reader)
        } catch let problem as ChainCheck.Problem {
            throw AccessRecordsAltered(problem: "\(problem)")
        }
        // The projection's order: time, then event id, then patient ("" first).
        return entries.sorted { a, b in
            (a.at.description, a.event.rawValue, a.patient?.rawValue ?? "") < (b.at.description, b.event.rawValue, b.patient?.rawValue ?? "")
        }
    }
}
