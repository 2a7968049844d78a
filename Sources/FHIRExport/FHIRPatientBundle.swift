import ClinicalEvents
import Crypto
import EventLog
import Foundation
import ClinicalFold
import Projections
import EventModel
import EventSync

/// One patient's record as a FHIR R4 `Bundle` of type `collection`: what other health software
/// (a GP's system, a physiotherapy practice, the next practice system) can read.
///
/// Guarantees:
/// - the record is the current state (corrections applied, retracted entries absent) or the
///   state at `--as-of`/`--at-clock`, folded exactly as `myolog show` folds it;
/// - every resource's id comes from its source event (the patient id for `Patient`, the event
///   id for an entry, a name-based UUID for its `Provenance`), so exporting twice gives the same
///   ids and a receiver can de-duplicate; the same events give the same bytes;
/// - every clinical resource has a `Provenance` naming its author, site and source event ids
///   (the original and each correction), so it traces back to the log;
/// - codes come from ``FHIRCodes`` only;
/// - each person who wrote an entry, in a store with people, is a `Practitioner` (name,
///   registration) with a `PractitionerRole` per role they wrote in, and the `Provenance` agents
///   reference them with that role; an author from before people had keys is named as written,
///   marked unverified;
/// - an outcome measure's answer set is a `QuestionnaireResponse` with an `Observation` per score
///   derived from it, its item wording only as the instrument's licence allows (see
///   `FHIRPatientBundle+Outcomes.swift`).
public enum FHIRPatientBundle {
    /// The Bundle, or nil when the patient is not registered within `travel`.
    /// - Parameters:
    ///   - patient: the patient exported.
    ///   - events: all of the patient's events (any order; those outside `travel` are ignored).
    ///   - sites: each node's site name, for provenance.
    ///   - people: the store's users (display names, registrations), for the authors' `Practitioner`s.
    ///   - travel: the events the record is folded from (all of them by default).
    /// - Returns: the Bundle as JSON, or nil.
    /// - Throws: what the fold throws for an event it cannot read.
    public static func make(patient: PatientID, events: [EventEnvelope], sites: [NodeID: String], people: [String: UserStanding] = [:],
                            travel: TimeTravel = .now) throws -> JSONValue? {
        let record = try PatientFold.fold(patient, events: events, covering: travel)
        guard record.isRegistered else { return nil }
        let included = events.filter { travel.includes($0) }
        var builder = Builder(patient: patient, sites: sites, people: people)
        builder.add(patientResource(record), sources: included.filter { $0.type == PatientRegistered.eventType || $0.type == PatientDetailsChanged.eventType })
        builder.entries.append(["fullUrl": .string(FHIRCodes.myolog), "resource": FHIRCodes.codeSystem])
        // The Questionnaire of each instrument version answered, so the responses' linkIds read.
        let answered = Set(record.outcomes.compactMap { entry -> Instrument? in
            if case .outcomeRecorded(let outcome) = entry.current { return outcome.knownInstrument }
            return nil
        })
        for instrument in answered.sorted(by: { ($0.id, $0.version) < ($1.id, $1.version) }) {
            let form = questionnaire(instrument)
            builder.entries.append(["fullUrl": .string("urn:uuid:\(form.objectValue!["id"]!.stringValue!)"), "resource": form])
        }
        let courses = outcomeCourses(record.outcomes)

        // The first standing end of each visit, resolution of each trigger point and of each
        // precaution; when each consent decision was replaced by the next about its technique.
        var ends: [EventID: (entry: ClinicalEntry, ended: VisitEnded)] = [:]
        var resolutions: [EventID: (entry: ClinicalEntry, resolved: TriggerPointResolved)] = [:]
        var precautionResolutions: [EventID: (entry: ClinicalEntry, resolved: PrecautionResolved)] = [:]
        var precautionKinds: [EventID: String] = [:]
        var consentReplaced: [EventID: Timestamp] = [:]
        var lastConsent: [String: EventID] = [:]
        for entry in record.entries where !entry.isRetracted {
            switch entry.current {
            case .visitEnded(let ended): if ends[ended.visit] == nil { ends[ended.visit] = (entry, ended) }
            case .triggerPointResolved(let resolved): if resolutions[resolved.finding] == nil { resolutions[resolved.finding] = (entry, resolved) }
            case .precautionResolved(let resolved):
                if precautionResolutions[resolved.precaution] == nil { precautionResolutions[resolved.precaution] = (entry, resolved) }
            case .precautionRecorded(let precaution): precautionKinds[entry.event.id] = precaution.kind
            case .consentRecorded(let consent):
                // Entries are in causal order: each decision replaces the one before it.
                if let previous = lastConsent[consent.technique] { consentReplaced[previous] = entry.event.occurredAt }
                lastConsent[consent.technique] = entry.event.id
            default: break
            }
        }
        let techniques = Set(record.techniques.map(\.event.id))
        let visits = Set(record.visits.map(\.event.id))
        for visit in record.visits {
            guard case .visitStarted(let started) = visit.current else { continue }
            let end = ends[visit.event.id]
            builder.add(encounter(visit, started, end: end?.ended, endedAt: end?.entry.event.occurredAt, patient: patient), entry: visit,
                        also: end.map { [$0.entry.event] + $0.entry.corrections } ?? [])
        }
        for entry in record.entries where !entry.isRetracted {
            func during(_ visit: EventID?) -> EventID? { visit.flatMap { visits.contains($0) ? $0 : nil } }
            let resource: JSONValue?
            switch entry.current {
            case .historyEntryRecorded(let history): resource = self.history(entry, history, patient: patient)
            case .painScoreRecorded(let pain): resource = self.pain(entry, pain, patient: patient, visit: during(pain.visit))
            case .triggerPointFound(let found):
                let resolution = resolutions[entry.event.id]
                builder.add(triggerPoint(entry, found, resolution: resolution, patient: patient, visit: during(found.visit)), entry: entry,
                            also: resolution.map { [$0.entry.event] + $0.entry.corrections } ?? [])
                continue
            case .techniqueApplied(let technique):
                resource = self.technique(entry, technique, precautions: precautionKinds, patient: patient, visit: during(technique.visit))
            case .treatmentNoteRecorded(let note): resource = treatmentNote(entry, note, patient: patient, visit: during(note.visit))
            case .consentRecorded(let consent): resource = self.consent(entry, consent, replacedAt: consentReplaced[entry.event.id], patient: patient)
            case .precautionRecorded(let precaution):
                let resolution = precautionResolutions[entry.event.id]
                builder.add(self.precaution(entry, precaution, resolution: resolution, patient: patient, visit: during(precaution.visit)), entry: entry,
                            also: resolution.map { [$0.entry.event] + $0.entry.corrections } ?? [])
                continue
            case .adverseEventRecorded(let event):
                resource = adverseEvent(entry, event, technique: techniques.contains(event.after) ? event.after : nil, patient: patient, visit: during(event.visit))
            case .measurementRecorded(let measurement): resource = self.measurement(entry, measurement, patient: patient, visit: during(measurement.visit))
            case .outcomeRecorded(let outcome):
                for resource in self.outcome(entry, outcome, instrument: outcome.knownInstrument, course: courses[entry.event.id], patient: patient,
                                                   visit: during(outcome.visit), people: people) {
                    builder.add(resource, entry: entry)
                }
                continue
            default: resource = nil  // visits above; ends and resolutions fold into what they end or resolve
            }
            if let resource { builder.add(resource, entry: entry) }
        }
        let latest = included.map(\.recordedAt).max()
        return [
            "resourceType": "Bundle",
            "id": .string(derivedID("Bundle", patient.rawValue, latest?.description ?? "")),
            "type": "collection",
            "timestamp": latest.map { .string($0.description) } ?? .null,
            "entry": .array(builder.entries + builder.practitioners() + builder.provenances),
        ]
    }

    /// A UUID (version 8, RFC 9562: name-based, application-defined) from SHA-256 of `parts`:
    /// the same parts always give the same id.
    static func derivedID(_ parts: String...) -> String {
        var bytes = Array(SHA256.hash(data: Array(parts.joined(separator: "\u{1F}").utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let characters = Array(Hex.encode(bytes))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// Collects entries and their provenance.
    struct Builder {
        let patient: PatientID
        let sites: [NodeID: String]
        let people: [String: UserStanding]
        var entries: [JSONValue] = []
        var provenances: [JSONValue] = []
        /// The roles each signed author wrote in, for their `Practitioner` and `PractitionerRole`s.
        var authors: [String: Set<String>] = [:]

        /// A `Practitioner` per signed author and a `PractitionerRole` per role they wrote in, by name.
        func practitioners() -> [JSONValue] {
            var resources: [JSONValue] = []
            for (author, roles) in authors.sorted(by: { $0.key < $1.key }) {
                let person = people[author]
                var practitioner: [String: JSONValue] = [
                    "resourceType": "Practitioner", "id": .string(derivedID("Practitioner", author)),
                    "identifier": [["system": .string(FHIRCodes.authorIdentifier), "value": .string(author)]],
                    "name": [["text": .string(person?.displayName ?? author)]],
                ]
                if let registration = person?.registration {
                    practitioner["qualification"] = [["code": ["text": "Professional registration"], "identifier": [["value": .string(registration)]]]]
                }
                resources.append(["fullUrl": .string("urn:uuid:\(derivedID("Practitioner", author))"), "resource": .object(practitioner)])
                for role in roles.sorted() {
                    let id = derivedID("PractitionerRole", author, role)
                    resources.append(["fullUrl": .string("urn:uuid:\(id)"), "resource": [
                        "resourceType": "PractitionerRole", "id": .string(id),
                        "practitioner": ["reference": .string("urn:uuid:\(derivedID("Practitioner", author))"), "display": .string(person?.displayName ?? author)],
                        "code": [["coding": [["system": .string(FHIRCodes.roleSystem), "code": .string(role), "display": .string(role)]]]],
                    ]])
                }
            }
            return resources
        }

        mutating func add(_ resource: JSONValue, entry: ClinicalEntry, also: [EventEnvelope] = []) {
            add(resource, sources: [entry.event] + entry.corrections + also, revisions: Set(entry.corrections.map(\.id)), signOff: entry.signOff)
        }

        /// `signOff`: the visit's sign-off covering the entry — its signer a verifier agent, and a
        /// verification `Signature` (with the signer's Ed25519 run signature, where the sign-off
        /// event carries it).
        mutating func add(_ resource: JSONValue, sources: [EventEnvelope], revisions: Set<EventID> = [], signOff: EventEnvelope? = nil) {
            guard case .object(let members) = resource, case .string(let type)? = members["resourceType"], case .string(let id)? = members["id"] else { return }
            entries.append(["fullUrl": .string("urn:uuid:\(id)"), "resource": resource])
            guard !sources.isEmpty else { return }
            var agents: [JSONValue] = []
            var seen = Set<String>()
            for event in sources where seen.insert("\(event.author)\u{1F}\(event.authorRole ?? "")\u{1F}\(event.origin)").inserted {
                let site = sites[event.origin] ?? "node \(event.origin)"
                var agent: [String: JSONValue] = [
                    "onBehalfOf": ["identifier": ["system": .string(FHIRCodes.nodeIdentifier), "value": .string(event.origin.rawValue)], "display": .string(site)],
                ]
                if let role = event.authorRole {
                    // Signed by the person: their Practitioner, in the role they wrote in.
                    authors[event.author, default: []].insert(role)
                    agent["who"] = ["reference": .string("urn:uuid:\(derivedID("Practitioner", event.author))"),
                                    "identifier": ["system": .string(FHIRCodes.authorIdentifier), "value": .string(event.author)],
                                    "display": .string("\(people[event.author]?.displayName ?? event.author) at \(site)")]
                    agent["role"] = [["coding": [["system": .string(FHIRCodes.roleSystem), "code": .string(role), "display": .string(role)]]]]
                } else {
                    agent["who"] = ["identifier": ["system": .string(FHIRCodes.authorIdentifier), "value": .string(event.author)],
                                    "display": .string("\(event.author) at \(site) (unverified author)")]
                }
                agents.append(.object(agent))
            }
            var provenance: [String: JSONValue] = [
                "resourceType": "Provenance",
                "id": .string(derivedID("Provenance", id)),
                "target": [["reference": .string("urn:uuid:\(id)"), "type": .string(type)]],
                "recorded": .string(sources.map(\.recordedAt).max()!.description),
                "entity": .array(sources.map { event in
                    [
                        "role": .string(revisions.contains(event.id) ? "revision" : "source"),
                        "what": ["identifier": ["system": .string(FHIRCodes.eventIdentifier), "value": .string(event.id.rawValue)],
                                 "display": .string("\(event.type) recorded \(event.recordedAt) by \(event.author)")],
                    ]
                }),
            ]
            if let signOff, let role = signOff.authorRole {
                authors[signOff.author, default: []].insert(role)
                let signer: JSONValue = ["reference": .string("urn:uuid:\(derivedID("Practitioner", signOff.author))"),
                                         "display": .string(people[signOff.author]?.displayName ?? signOff.author)]
                agents.append([
                    "type": ["coding": [["system": .string(FHIRCodes.provenanceParticipantType), "code": "verifier", "display": "Verifier"]]],
                    "role": [["coding": [["system": .string(FHIRCodes.roleSystem), "code": .string(role), "display": .string(role)]]]],
                    "who": signer,
                ])
                var signature: [String: JSONValue] = [
                    "type": [["system": .string(FHIRCodes.signatureType.system), "code": .string(FHIRCodes.signatureType.code), "display": .string(FHIRCodes.signatureType.display)]],
                    "when": .string(signOff.recordedAt.description), "who": signer,
                ]
                // The signer's Ed25519 signature over their run ending at the sign-off (AuthorSignature).
                if let run = signOff.authorSignature, let bytes = Hex.decode(run.rawValue) {
                    signature["sigFormat"] = "application/octet-stream"
                    signature["data"] = .string(Data(bytes).base64EncodedString())
                }
                provenance["signature"] = [.object(signature)]
            }
            provenance["agent"] = .array(agents)
            provenances.append(["fullUrl": .string("urn:uuid:\(derivedID("Provenance", id))"), "resource": .object(provenance)])
        }
    }

    static func reference(_ patient: PatientID) -> JSONValue { ["reference": .string("urn:uuid:\(patient.rawValue)")] }
    static func encounterReference(_ visit: EventID) -> JSONValue { ["reference": .string("urn:uuid:\(visit.rawValue)")] }
    static func identifier(_ event: EventEnvelope) -> JSONValue { [["system": .string(FHIRCodes.eventIdentifier), "value": .string(event.id.rawValue)]] }
    static func status(_ entry: ClinicalEntry) -> JSONValue { entry.corrections.isEmpty ? "final" : "amended" }

    static func patientResource(_ record: PatientRecord) -> JSONValue {
        var members: [String: JSONValue] = [
            "resourceType": "Patient", "id": .string(record.patient.rawValue), "active": true,
            "identifier": [["system": .string(FHIRCodes.patientIdentifier), "value": .string(record.patient.rawValue)]],
        ]
        if let name = record.details.name { members["name"] = [["text": .string(name)]] }
        if let birth = record.details.dateOfBirth { members["birthDate"] = .string(birth) }
        var telecom: [JSONValue] = []
        if let phone = record.details.phone { telecom.append(["system": "phone", "value": .string(phone)]) }
        if let email = record.details.email { telecom.append(["system": "email", "value": .string(email)]) }
        if !telecom.isEmpty { members["telecom"] = .array(telecom) }
        if let address = record.details.address { members["address"] = [["text": .string(address)]] }
        return .object(members)
    }

    static func encounter(_ visit: ClinicalEntry, _ started: VisitStarted, end: VisitEnded?, endedAt: Timestamp?, patient: PatientID) -> JSONValue {
        var period: [String: JSONValue] = ["start": .string(visit.event.occurredAt.description)]
        if let endedAt { period["end"] = .string(endedAt.description) }
        var members: [String: JSONValue] = [
            "resourceType": "Encounter", "id": .string(visit.event.id.rawValue), "identifier": identifier(visit.event),
            "status": end == nil ? "in-progress" : "finished", "class": FHIRCodes.ambulatory.coding,
            "subject": reference(patient), "period": .object(period),
        ]
        if let reason = started.reason { members["reasonCode"] = [["text": .string(reason)]] }
        // R4's Encounter has no note: the end-of-visit advice goes in its narrative.
        if let note = end?.note {
            members["text"] = ["status": "additional", "div": .string("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>\(xhtmlEscaped(note))</p></div>")]
        }
        return .object(members)
    }

    static func history(_ entry: ClinicalEntry, _ history: HistoryEntryRecorded, patient: PatientID) -> JSONValue? {
        let text = history.text
        let date = history.date
        let recorded = entry.event.occurredAt.description
        var members: [String: JSONValue] = ["id": .string(entry.event.id.rawValue), "identifier": identifier(entry.event), "subject": reference(patient)]
        switch history.kind {
        case "medication":
            members["resourceType"] = "MedicationStatement"
            members["status"] = "unknown"  // a history records that it was taken, not whether it still is
            members["medicationCodeableConcept"] = ["text": .string(text)]
            members["dateAsserted"] = .string(recorded)
            if let date { members["effectiveDateTime"] = .string(date) }
        case "illness":
            members["resourceType"] = "Condition"
            members["category"] = [FHIRCodes.problemListItem.concept]
            members["code"] = ["text": .string(text)]
            members["recordedDate"] = .string(recorded)
            if let date { members["onsetDateTime"] = .string(date) }
        case "surgery":
            members["resourceType"] = "Procedure"
            members["status"] = "completed"
            members["category"] = FHIRCodes.surgicalProcedure.concept
            members["code"] = ["text": .string(text)]
            if let date { members["performedDateTime"] = .string(date) }
        case "occupation", "activity":
            let isOccupation = history.kind == "occupation"
            members["resourceType"] = "Observation"
            members["status"] = status(entry)
            members["category"] = [FHIRCodes.socialHistory.concept]
            members["code"] = (isOccupation ? FHIRCodes.occupationHistory : FHIRCodes.sportsAndActivities).concept
            members["valueString"] = .string(text)
            members["effectiveDateTime"] = .string(date ?? recorded)
            if let ergonomics = history.ergonomics { members["note"] = [["text": .string("Work ergonomics: \(ergonomics)")]] }
        default:
            return nil
        }
        return .object(members)
    }

    static func pain(_ entry: ClinicalEntry, _ pain: PainScoreRecorded, patient: PatientID, visit: EventID?) -> JSONValue {
        var members: [String: JSONValue] = [
            "resourceType": "Observation", "id": .string(entry.event.id.rawValue), "identifier": identifier(entry.event),
            "status": status(entry), "category": [FHIRCodes.survey.concept], "code": FHIRCodes.painSeverity.concept,
            "subject": reference(patient), "effectiveDateTime": .string(entry.event.occurredAt.description),
            "valueInteger": .int(pain.score),
            "bodySite": FHIRCodes.concept(Vocabularies.bodyRegions, pain.region),
        ]
        if let visit { members["encounter"] = encounterReference(visit) }
        if Vocabularies.painContexts.term(id: pain.context) != nil {
            members["component"] = [["code": FHIRCodes.painContext.concept, "valueCodeableConcept": FHIRCodes.painContextValue(pain.context).concept]]
        }
        return .object(members)
    }

    static func triggerPoint(_ entry: ClinicalEntry, _ found: TriggerPointFound, resolution: (entry: ClinicalEntry, resolved: TriggerPointResolved)?,
                             patient: PatientID, visit: EventID?) -> JSONValue {
        var components: [JSONValue] = [
            ["code": FHIRCodes.laterality.concept, "valueCodeableConcept": FHIRCodes.concept(Vocabularies.sides, found.side)],
            ["code": FHIRCodes.triggerPointStatus.concept, "valueCodeableConcept": FHIRCodes.triggerPointStatusValue(found.status).concept],
        ]
        if let referral = found.referral {
            components.append(["code": FHIRCodes.referralPattern.concept, "valueCodeableConcept": FHIRCodes.concept(Vocabularies.bodyRegions, referral)])
        }
        var notes: [JSONValue] = []
        if let note = found.note { notes.append(["text": .string(note)]) }
        if let (resolution, resolved) = resolution {
            notes.append(["text": .string("Resolved \(resolution.event.occurredAt) by \(resolution.event.author)" + (resolved.note.map { ": \($0)" } ?? ""))])
        }
        var members: [String: JSONValue] = [
            "resourceType": "Observation", "id": .string(entry.event.id.rawValue), "identifier": identifier(entry.event),
            "status": status(entry), "category": [FHIRCodes.exam.concept], "code": FHIRCodes.triggerPoint.concept,
            "subject": reference(patient), "effectiveDateTime": .string(entry.event.occurredAt.description),
            "valueBoolean": true,
            "bodySite": FHIRCodes.concept(Vocabularies.muscles, found.muscle),
            "component": .array(components),
        ]
        if let visit { members["encounter"] = encounterReference(visit) }
        if !notes.isEmpty { members["note"] = .array(notes) }
        return .object(members)
    }

    /// `precautions`: each precaution's kind, by its event, for those the entry acknowledges.
    static func technique(_ entry: ClinicalEntry, _ technique: TechniqueApplied, precautions: [EventID: String], patient: PatientID, visit: EventID?) -> JSONValue {
        var members: [String: JSONValue] = [
            "resourceType": "Procedure", "id": .string(entry.event.id.rawValue), "identifier": identifier(entry.event),
            "status": "completed", "code": FHIRCodes.technique(technique.technique).concept,
            "subject": reference(patient), "performedDateTime": .string(entry.event.occurredAt.description),
            "bodySite": [FHIRCodes.concept(Vocabularies.bodyRegions, technique.region)],
        ]
        if let visit { members["encounter"] = encounterReference(visit) }
        var notes: [JSONValue] = []
        if let minutes = technique.minutes { notes.append(["text": .string("Duration: \(minutes) minutes")]) }
        let needling = needling(technique)
        if let details = needling.note { notes.append(["text": .string(details)]) }
        if let used = needling.usedCode { members["usedCode"] = used }
        if let acknowledged = technique.acknowledgedPrecautions, !acknowledged.isEmpty {
            let kinds = acknowledged.map { precautions[$0].map { FHIRCodes.precaution($0).display } ?? "a precaution since retracted" }
            notes.append(["text": .string("Applied despite active precaution\(kinds.count == 1 ? "" : "s") (alert acknowledged): \(kinds.joined(separator: "; "))")])
        }
        if let note = technique.note { notes.append(["text": .string(note)]) }
        if !notes.isEmpty { members["note"] = .array(notes) }
        return .object(members)
    }

    static func xhtmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
