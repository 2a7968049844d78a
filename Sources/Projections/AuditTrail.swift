import ClinicalEvents
import EventLog
import GRDB

/// The auditor's views: every event of a patient, amended ones kept and marked; and the trail of
/// one entry. Computed from the log on demand, so nothing in them can drift from it.
public struct AuditTrail {
    let reader: EventReader

    public init(_ reader: EventReader) { self.reader = reader }

    /// Site names of the nodes this store knows.
    func sites() throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try Row.fetchAll(reader.database, sql: "SELECT id, site FROM nodes").map { ($0["id"] as String, $0["site"] as String) })
    }

    /// The patient's events in causal order, each with what amended it (`timeline`).
    public func timeline(_ patient: PatientID, _ travel: TimeTravel = .now) throws -> [JSONValue] {
        let events = CausalOrder.sorted(try reader.events(patient: patient)).filter(travel.includes)
        let sites = try sites()
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
    public func history(of reference: String) throws -> JSONValue {
        let event = try reader.resolveEvent(reference)
        guard let patient = event.patient else { return try line(event, amendedBy: [], sites: sites()) }
        var amendments: [EventEnvelope] = []
        for type in [EntryCorrected.eventType, EntryRetracted.eventType] {
            amendments += try reader.events(patient: patient, type: type, payloadMember: "target", equals: event.id.rawValue)
        }
        return try line(event, amendedBy: CausalOrder.sorted(amendments), sites: sites())
    }

    func line(_ event: EventEnvelope, amendedBy amendments: [EventEnvelope], sites: [String: String]) throws -> JSONValue {
        var members: [String: JSONValue] = [
            "eventId": .string(event.id.rawValue), "type": .string(event.type), "author": .string(event.author),
            "origin": .string(event.origin.rawValue), "site": sites[event.origin.rawValue].map(JSONValue.string) ?? .null,
            "occurredAt": .string(event.occurredAt.description), "recordedAt": .string(event.recordedAt.description),
            "summary": .string(try ClinicalEvent.decode(event)?.summary ?? event.type),
            "payload": try event.payloadValue(),
        ]
        var status = "current"
        var marks: [JSONValue] = []
        for amendment in amendments {
            switch try ClinicalEvent.decode(amendment) {
            case .entryCorrected(let c)?:
                if status == "current" { status = "corrected" }
                marks.append(["kind": "correction", "eventId": .string(amendment.id.rawValue), "author": .string(amendment.author),
                              "site": sites[amendment.origin.rawValue].map(JSONValue.string) ?? .null,
                              "recordedAt": .string(amendment.recordedAt.description), "reason": .string(c.reason), "fields": .object(c.fields)])
            case .entryRetracted(let r)?:
                status = "retracted"
                marks.append(["kind": "retraction", "eventId": .string(amendment.id.rawValue), "author": .string(amendment.author),
                              "site": sites[amendment.origin.rawValue].map(JSONValue.string) ?? .null,
                              "recordedAt": .string(amendment.recordedAt.description), "reason": .string(r.reason)])
            default: break
            }
        }
        members["status"] = .string(status)
        members["amendments"] = .array(marks)
        return .object(members)
    }
}
