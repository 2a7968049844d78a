import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel

/// The auditor's views: every event of a patient, amended ones kept and marked; and the trail of
/// one entry. Computed from the log on demand, so nothing in them can drift from it.
public struct AuditTrail {
    let reader: EventReader

    public init(_ reader: EventReader) { self.reader = reader }

    /// The patient's events in causal order, each with what amended it (`timeline`).
    public func timeline(_ patient: PatientID, _ travel: TimeTravel = .now) throws -> [AuditLine] {
        try timeline(of: try reader.events(patient: patient), travel)
    }

    /// ``timeline(_:_:)`` of a patient's events already read (all of them, in any order).
    public func timeline(of patientEvents: [EventEnvelope], _ travel: TimeTravel = .now) throws -> [AuditLine] {
        let events = CausalOrder.sorted(patientEvents).filter(travel.includes)
        let sites = try reader.sites()
        let lateEntries = try LateEntryPolicy(reader, travel)
        var amendments: [EventID: [EventEnvelope]] = [:]
        var trail = SignOffTrail()
        for event in events {
            let clinical = try ClinicalEvent.decode(event)
            trail.fold(event, clinical)
            switch clinical {
            case .entryCorrected(let c)?: amendments[c.target, default: []].append(event)
            case .entryRetracted(let r)?: amendments[r.target, default: []].append(event)
            default: break
            }
        }
        return try events.map { event in try line(event, amendedBy: amendments[event.id] ?? [], sites: sites, trail: trail, lateEntries: lateEntries) }
    }

    /// One entry and every correction and retraction of it (`history EVENT`).
    public func history(of reference: IDReference) throws -> AuditLine {
        try history(of: try reader.resolveEvent(reference))
    }

    /// ``history(of:)-(IDReference)`` of an event already resolved.
    public func history(of event: EventEnvelope) throws -> AuditLine {
        let lateEntries = try LateEntryPolicy(reader)
        guard let patient = event.patient else { return try line(event, amendedBy: [], sites: reader.sites(), trail: SignOffTrail(), lateEntries: lateEntries) }
        var amendments: [EventEnvelope] = []
        for type in [EntryCorrected.eventType, EntryRetracted.eventType] {
            amendments += try reader.events(patient: patient, type: type, payloadMember: "target", equals: event.id.rawValue)
        }
        // Its sign-off, if any: the patient's sign-offs, the entry and its amendments in causal order.
        var trail = SignOffTrail()
        let signOffs = try reader.events(patient: patient, types: [VisitSignedOff.eventType])
        for related in CausalOrder.sorted(signOffs + amendments + [event]) { trail.fold(related, try ClinicalEvent.decode(related)) }
        return try line(event, amendedBy: CausalOrder.sorted(amendments), sites: reader.sites(), trail: trail, lateEntries: lateEntries)
    }

    func line(_ event: EventEnvelope, amendedBy amendments: [EventEnvelope], sites: [NodeID: String], trail: SignOffTrail, lateEntries: LateEntryPolicy) throws -> AuditLine {
        var line = AuditLine(eventId: event.id, type: event.type, author: event.author, origin: event.origin, site: sites[event.origin],
                             occurredAt: event.occurredAt, recordedAt: event.recordedAt, summary: try ClinicalEvent.decode(event)?.summary ?? event.type,
                             payload: try event.payloadValue(), status: .current, amendments: [])
        line.authorRole = event.authorRole
        line.signedOff = trail.signOff[event.id]
        if ClinicalEvent.correctableFields[event.type] != nil { line.lateEntry = lateEntries.mark(event) }
        for amendment in amendments {
            let kind: AuditLine.Amendment.Kind
            // After the sign-off it is an addendum: the signed entry stands, its status unchanged.
            let addendum = trail.addenda.contains(amendment.id)
            switch try ClinicalEvent.decode(amendment) {
            case .entryCorrected(let c)?:
                if line.status == .current && !addendum { line.status = .corrected }
                kind = .correction(fields: c.fields, reason: c.reason)
            case .entryRetracted(let r)?:
                if !addendum { line.status = .retracted }
                kind = .retraction(reason: r.reason)
            default: continue
            }
            line.amendments.append(AuditLine.Amendment(kind: kind, eventId: amendment.id, author: amendment.author, site: sites[amendment.origin],
                                                       recordedAt: amendment.recordedAt, isAddendum: addendum))
        }
        return line
    }
}

/// Which entries a patient's sign-offs cover and which amendments came after them, from events
/// given in causal order: the rule ``ClinicalFold/PatientFold`` applies (a sign-off marks only
/// entries before it; an amendment of a signed entry after it is an addendum).
struct SignOffTrail {
    /// The sign-off covering each signed entry (the first).
    var signOff: [EventID: EventID] = [:]
    /// Corrections and retractions written after their target's sign-off.
    var addenda: Set<EventID> = []
    private var seen: Set<EventID> = []

    mutating func fold(_ event: EventEnvelope, _ clinical: ClinicalEvent?) {
        switch clinical {
        case .visitSignedOff(let signed)?:
            for id in signed.entries where seen.contains(id) && signOff[id] == nil { signOff[id] = event.id }
        case .entryCorrected(let c)? where signOff[c.target] != nil:
            addenda.insert(event.id)
        case .entryRetracted(let r)? where signOff[r.target] != nil:
            addenda.insert(event.id)
        default:
            break
        }
        seen.insert(event.id)
    }
}

/// One event as the auditor's views show it (Schemas/views/timeline.schema.json): what it says,
/// who wrote it where and when, and every correction and retraction of it.
public struct AuditLine: Sendable, Equatable, Encodable {
    public var eventId: EventID
    public var type: String
    public var author: String
    /// The role the author wrote it in (signed with the event); nil for an event from before
    /// people had keys, whose author is a name no signature vouches for.
    public var authorRole: String?
    public var origin: NodeID
    /// The origin's site name, if this store knows the node.
    public var site: String?
    public var occurredAt: Timestamp
    public var recordedAt: Timestamp
    /// One line for people (``ClinicalEvent/summary``).
    public var summary: String
    /// The payload exactly as stored (at the version it was written in).
    public var payload: JSONValue
    public var status: Status
    public var amendments: [Amendment]
    /// The sign-off covering the entry, if its visit was signed off.
    public var signedOff: EventID?
    /// Set for a clinical entry recorded later than the store's late-entry rule allows.
    public var lateEntry: LateEntryMark?

    public enum Status: String, Sendable, Encodable { case current, corrected, retracted }

    /// A correction or retraction of the event.
    public struct Amendment: Sendable, Equatable, Encodable {
        public enum Kind: Sendable, Equatable {
            /// The members it changed (`null`: removed) and why.
            case correction(fields: [String: JSONValue], reason: String)
            case retraction(reason: String)
        }

        public var kind: Kind
        public var eventId: EventID
        public var author: String
        public var site: String?
        public var recordedAt: Timestamp
        /// Written after the entry was signed off: shown beside it, never applied to it.
        public var isAddendum = false

        public var reason: String {
            switch kind {
            case .correction(_, let reason), .retraction(let reason): reason
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch kind {
            case .correction(let fields, _):
                try container.encode("correction", forKey: .kind)
                try container.encode(fields, forKey: .fields)
            case .retraction:
                try container.encode("retraction", forKey: .kind)
            }
            try container.encode(eventId, forKey: .eventId)
            try container.encode(author, forKey: .author)
            try container.encode(site, forKey: .site)
            try container.encode(recordedAt, forKey: .recordedAt)
            try container.encode(reason, forKey: .reason)
            if isAddendum { try container.encode(true, forKey: .addendum) }
        }

        enum CodingKeys: String, CodingKey { case kind, fields, eventId, author, site, recordedAt, reason, addendum }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(type, forKey: .type)
        try container.encode(author, forKey: .author)
        try container.encode(origin, forKey: .origin)
        try container.encode(site, forKey: .site)  // null for a node this store does not know
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(recordedAt, forKey: .recordedAt)
        try container.encode(summary, forKey: .summary)
        try container.encode(payload, forKey: .payload)
        try container.encode(status, forKey: .status)
        try container.encode(amendments, forKey: .amendments)
        try container.encodeIfPresent(signedOff, forKey: .signedOff)
        try container.encodeIfPresent(lateEntry, forKey: .lateEntry)
    }

    enum CodingKeys: String, CodingKey { case eventId, type, author, origin, site, occurredAt, recordedAt, summary, payload, status, amendments, signedOff, lateEntry }
}
