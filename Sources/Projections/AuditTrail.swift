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
        var amendments: [EventID: [EventEnvelope]] = [:]
        for event in events {
            switch try ClinicalEvent.decode(event) {
            case .entryCorrected(let c)?: amendments[c.target, default: []].append(event)
            case .entryRetracted(let r)?: amendments[r.target, default: []].append(event)
            default: break
            }
        }
        return try events.map { event in try line(event, amendedBy: amendments[event.id] ?? [], sites: sites) }
    }

    /// One entry and every correction and retraction of it (`history EVENT`).
    public func history(of reference: IDReference) throws -> AuditLine {
        try history(of: try reader.resolveEvent(reference))
    }

    /// ``history(of:)-(IDReference)`` of an event already resolved.
    public func history(of event: EventEnvelope) throws -> AuditLine {
        guard let patient = event.patient else { return try line(event, amendedBy: [], sites: reader.sites()) }
        var amendments: [EventEnvelope] = []
        for type in [EntryCorrected.eventType, EntryRetracted.eventType] {
            amendments += try reader.events(patient: patient, type: type, payloadMember: "target", equals: event.id.rawValue)
        }
        return try line(event, amendedBy: CausalOrder.sorted(amendments), sites: reader.sites())
    }

    func line(_ event: EventEnvelope, amendedBy amendments: [EventEnvelope], sites: [NodeID: String]) throws -> AuditLine {
        var line = AuditLine(eventId: event.id, type: event.type, author: event.author, origin: event.origin, site: sites[event.origin],
                             occurredAt: event.occurredAt, recordedAt: event.recordedAt, summary: try ClinicalEvent.decode(event)?.summary ?? event.type,
                             payload: try event.payloadValue(), status: .current, amendments: [])
        for amendment in amendments {
            let kind: AuditLine.Amendment.Kind
            switch try ClinicalEvent.decode(amendment) {
            case .entryCorrected(let c)?:
                if line.status == .current { line.status = .corrected }
                kind = .correction(fields: c.fields, reason: c.reason)
            case .entryRetracted(let r)?:
                line.status = .retracted
                kind = .retraction(reason: r.reason)
            default: continue
            }
            line.amendments.append(AuditLine.Amendment(kind: kind, eventId: amendment.id, author: amendment.author, site: sites[amendment.origin],
                                                       recordedAt: amendment.recordedAt))
        }
        return line
    }
}

/// One event as the auditor's views show it (Schemas/views/timeline.schema.json): what it says,
/// who wrote it where and when, and every correction and retraction of it.
public struct AuditLine: Sendable, Equatable, Encodable {
    public var eventId: EventID
    public var type: String
    public var author: String
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
        }

        enum CodingKeys: String, CodingKey { case kind, fields, eventId, author, site, recordedAt, reason }
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
    }

    enum CodingKeys: String, CodingKey { case eventId, type, author, origin, site, occurredAt, recordedAt, summary, payload, status, amendments }
}
