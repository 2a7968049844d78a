import AccessAudit
import ClinicalEvents
import EventLog
import Foundation
import EventModel

/// The access log as FHIR R4 `AuditEvent` resources, in one `Bundle` of type `collection`: what
/// an auditor's or a regulator's tooling reads (IHE Basic Audit Log Patterns, adapted to a
/// command line rather than a REST server).
///
/// Guarantees:
/// - one AuditEvent per ``RecordAccessed`` event, its id the event's id; one `entity` per patient
///   it names (role Patient), one for what was run (the command, the query's statement);
/// - the pattern follows the action: a read is a DICOM "Patient Record" event (action R), a
///   query "Query" (action E, with the statement as `entity.query`), an export, report or
///   disclosure "Export" (action R; a disclosure names the receiving node as a destination agent);
/// - `purposeOfEvent` and the user agent's `purposeOfUse` carry the HL7 v3 PurposeOfUse code;
///   `outcome` is 0 (success) or 4 (refused); `source.observer` is the node where it happened;
/// - identifiers only: no clinical content (there is none in an access record to give).
public enum FHIRAuditEventBundle {
    static let dicom = "http://dicom.nema.org/resources/ontology/DCM"
    static let actReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
    static let entityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
    static let objectRole = "http://terminology.hl7.org/CodeSystem/object-role"
    static let restful = "http://hl7.org/fhir/restful-interaction"
    static let securityRole = "http://terminology.hl7.org/CodeSystem/extra-security-role-type"
    static let sourceType = "http://terminology.hl7.org/CodeSystem/security-source-type"

    /// The Bundle of the accesses in `entries` (rows of one access grouped back into one event).
    public static func make(_ entries: [AccessEntry]) -> JSONValue {
        var order: [EventID] = []
        var byEvent: [EventID: [AccessEntry]] = [:]
        for entry in entries {
            if byEvent[entry.event] == nil { order.append(entry.event) }
            byEvent[entry.event, default: []].append(entry)
        }
        let resources = order.map { (id: $0, resource: auditEvent(byEvent[$0]!)) }
        return [
            "resourceType": "Bundle",
            "id": .string(FHIRPatientBundle.derivedID("AuditEvents", order.map(\.rawValue).joined(separator: ","))),
            "type": "collection",
            "timestamp": entries.map(\.at).max().map { .string($0.description) } ?? .null,
            "entry": .array(resources.map { ["fullUrl": .string("urn:uuid:\($0.id.rawValue)"), "resource": $0.resource] }),
        ]
    }

    static func coding(_ system: String, _ code: String, _ display: String) -> JSONValue {
        ["system": .string(system), "code": .string(code), "display": .string(display)]
    }

    static func node(_ id: NodeID, site: String?) -> JSONValue {
        ["identifier": ["system": .string(FHIRCodes.nodeIdentifier), "value": .string(id.rawValue)], "display": .string(site ?? id.rawValue)]
    }

    /// One access: `rows` are its rows of the access log (one per patient), all of one event.
    static func auditEvent(_ rows: [AccessEntry]) -> JSONValue {
        let access = rows[0]
        let (type, action, subtype): (JSONValue, String, JSONValue?) = switch access.action {
        case .read: (coding(dicom, "110110", "Patient Record"), "R", coding(restful, "read", "read"))
        case .query: (coding(dicom, "110112", "Query"), "E", coding(restful, "search", "search"))
        case .export, .report, .disclosure: (coding(dicom, "110106", "Export"), "R", nil)
        }
        let purpose: JSONValue = ["coding": [coding(actReason, access.purpose.code, access.purpose.display)]]
        var user: [String: JSONValue] = [
            "type": ["coding": [coding(securityRole, "humanuser", "human user")]],
            "who": ["identifier": ["system": .string(FHIRCodes.authorIdentifier), "value": .string(access.user)], "display": .string(access.user)],
            "requestor": true, "purposeOfUse": [purpose],
        ]
        // The role the reader read in, as their signed record names it (Myolog's own roles).
        if let role = access.role { user["role"] = [["coding": [coding(FHIRCodes.roleSystem, role, role)]]] }
        var agents: [JSONValue] = [
            .object(user),
            ["type": ["coding": [coding(dicom, "110150", "Application")]], "who": node(access.node, site: access.site), "requestor": false],
        ]
        if let peer = access.peer {
            agents.append(["type": ["coding": [coding(dicom, "110152", "Destination Role ID")]], "who": node(peer, site: nil), "requestor": false])
        }
        var entities: [JSONValue] = rows.compactMap { row in
            row.patient.map { patient in
                ["what": ["reference": .string("Patient/\(patient.rawValue)")],
                 "type": coding(entityType, "1", "Person"), "role": coding(objectRole, "1", "Patient")]
            }
        }
        var what: [String: JSONValue] = [
            "type": coding(entityType, "2", "System Object"),
            "description": .string("myolog \(access.command)" + (access.detail.map { " \($0)" } ?? "")),
        ]
        if let statement = access.statement {
            what["role"] = coding(objectRole, "24", "Query")
            what["query"] = .string(Data(statement.utf8).base64EncodedString())
        }
        if let rows = access.rows { what["detail"] = [["type": "rows", "valueString": .string(String(rows))]] }
        entities.append(.object(what))
        var resource: [String: JSONValue] = [
            "resourceType": "AuditEvent",
            "id": .string(access.event.rawValue),
            "type": type,
            "action": .string(action),
            "recorded": .string(access.at.description),
            "outcome": access.outcome == .success ? "0" : "4",
            "purposeOfEvent": [purpose],
            "agent": .array(agents),
            "source": ["site": .string(access.site ?? access.node.rawValue), "observer": node(access.node, site: access.site),
                       "type": [coding(sourceType, "4", "Application Server")]],
            "entity": .array(entities),
        ]
        if let subtype { resource["subtype"] = [subtype] }
        if access.outcome == .refused { resource["outcomeDesc"] = .string(access.detail ?? "refused") }
        return .object(resource)
    }
}
