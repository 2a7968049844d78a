import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel

/// The records of care as FHIR R4 resources, each chosen for what the entry is:
///
/// - a treatment note is a `Composition` (a progress note, LOINC 11506-3) with one section per
///   SOAP part written, coded as C-CDA codes them, linked to its visit's Encounter — R4's
///   Encounter has no note, and a Composition is the resource for a clinician's authored note;
/// - a consent decision is a `Consent` (scope `treatment`, category LOINC 59284-0 and the form,
///   verbal or written, as a Myolog category code — R4's Consent has no element for the form),
///   `permit` for consent given and `deny` for a withdrawal, the technique in its provision; the
///   decision that stands for a technique is `active`, one a later decision replaced `inactive`,
///   its provision period ending then;
/// - a precaution is a `Flag` (category `clinical`), `active` until resolved: it is an alert to
///   whoever treats, not a diagnosis or an allergy — the condition or medicine behind it is in
///   the history, exported as Condition and MedicationStatement — so a Flag is the exact fit;
/// - an adverse event is an `AdverseEvent` (actuality `actual`, FHIR's own severity codes), its
///   suspect entity the Procedure of the technique it followed; no seriousness is given, as
///   Myolog records how bad it was, not the regulatory seriousness (death, hospitalisation…);
/// - a measurement is an `Observation` (category `exam`) with a UCUM `valueQuantity`
///   (``MeasuredQuantity``) or, for a special test, SNOMED CT Positive or Negative; the side is a
///   laterality component, as on a trigger point, since `bodySite` names a structure, not a side.
///
/// Typed text (notes, risks explained) is in a `note` where the resource has one, and in its
/// narrative where it has none, XHTML-escaped.
extension FHIRPatientBundle {
    static func author(_ event: EventEnvelope) -> JSONValue {
        ["identifier": ["system": .string(FHIRCodes.authorIdentifier), "value": .string(event.author)], "display": .string(event.author)]
    }

    /// A narrative of paragraphs, each escaped: the text of a resource with no `note`.
    static func narrative(_ paragraphs: [String]) -> JSONValue {
        let body = paragraphs.map { "<p>\(xhtmlEscaped($0))</p>" }.joined()
        return ["status": "additional", "div": .string("<div xmlns=\"http://www.w3.org/1999/xhtml\">\(body)</div>")]
    }

    static func treatmentNote(_ entry: ClinicalEntry, _ note: TreatmentNoteRecorded, patient: PatientID, visit: EventID?) -> JSONValue {
        let sections: [JSONValue] = note.sectionTexts.compactMap { section, text in
            guard let code = FHIRCodes.section(section) else { return nil }
            return ["title": .string(section.capitalized), "code": code.concept, "text": narrative([text])]
        }
        var members: [String: JSONValue] = [
            "resourceType": "Composition", "id": .string(entry.event.id.rawValue), "identifier": identifier(entry.event).arrayValue![0],
            "status": entry.corrections.isEmpty ? "final" : "amended", "type": FHIRCodes.progressNote.concept,
            "subject": reference(patient), "date": .string(entry.event.occurredAt.description), "author": [author(entry.event)],
            "title": "Treatment note", "section": .array(sections),
        ]
        if let visit { members["encounter"] = encounterReference(visit) }
        return .object(members)
    }

    /// One consent decision. `replacedAt`: when a later decision about the same technique replaced
    /// it (nil: it stands).
    static func consent(_ entry: ClinicalEntry, _ consent: ConsentRecorded, replacedAt: Timestamp?, patient: PatientID) -> JSONValue {
        var categories: [JSONValue] = [FHIRCodes.patientConsent.concept]
        if let form = consent.form { categories.append(FHIRCodes.consentForm(form).concept) }
        var period: [String: JSONValue] = ["start": .string(entry.event.occurredAt.description)]
        if let replacedAt { period["end"] = .string(replacedAt.description) }
        let technique = Vocabularies.techniques.term(id: consent.technique)?.display ?? consent.technique
        var paragraphs = [consent.isGiven ? "\(consent.form.map { "\($0.capitalized) consent" } ?? "Consent") given for \(technique)."
                                          : "Consent for \(technique) withdrawn\(consent.form.map { " (\($0))" } ?? "")."]
        if let risks = consent.risks { paragraphs.append("Risks explained: \(risks)") }
        if let note = consent.note { paragraphs.append("Note: \(note)") }
        return [
            "resourceType": "Consent", "id": .string(entry.event.id.rawValue), "identifier": identifier(entry.event),
            "status": replacedAt == nil ? "active" : "inactive", "scope": FHIRCodes.treatmentScope.concept, "category": .array(categories),
            "patient": reference(patient), "dateTime": .string(entry.event.occurredAt.description), "performer": [reference(patient)],
            "policyRule": (consent.isGiven ? FHIRCodes.optIn : FHIRCodes.optOut).concept,
            "provision": ["type": consent.isGiven ? "permit" : "deny", "period": .object(period), "code": [FHIRCodes.technique(consent.technique).concept]],
            "text": narrative(paragraphs),
        ]
    }

    static func precaution(_ entry: ClinicalEntry, _ precaution: PrecautionRecorded, resolution: (entry: ClinicalEntry, resolved: PrecautionResolved)?,
                           patient: PatientID, visit: EventID?) -> JSONValue {
        var period: [String: JSONValue] = ["start": .string(entry.event.occurredAt.description)]
        if let resolution { period["end"] = .string(resolution.entry.event.occurredAt.description) }
        var paragraphs = ["Precaution: \(FHIRCodes.precaution(precaution.kind).display)."]
        if let note = precaution.note { paragraphs.append("Note: \(note)") }
        if let (resolution, resolved) = resolution {
            paragraphs.append("Resolved \(resolution.event.occurredAt) by \(resolution.event.author)" + (resolved.note.map { ": \($0)" } ?? "."))
        }
        var members: [String: JSONValue] = [
            "resourceType": "Flag", "id": .string(entry.event.id.rawValue), "identifier": identifier(entry.event),
            "status": resolution == nil ? "active" : "inactive", "category": [FHIRCodes.clinicalFlag.concept],
            "code": FHIRCodes.precaution(precaution.kind).concept, "subject": reference(patient), "period": .object(period),
            "text": narrative(paragraphs),
        ]
        if let visit { members["encounter"] = encounterReference(visit) }
        return .object(members)
    }

    /// `technique`: the Procedure it followed, when that entry is in the Bundle.
    static func adverseEvent(_ entry: ClinicalEntry, _ event: AdverseEventRecorded, technique: EventID?, patient: PatientID, visit: EventID?) -> JSONValue {
        var members: [String: JSONValue] = [
            "resourceType": "AdverseEvent", "id": .string(entry.event.id.rawValue), "identifier": identifier(entry.event).arrayValue![0],
            "actuality": "actual", "event": FHIRCodes.adverseEvent(event.kind).concept, "subject": reference(patient),
            "date": .string(entry.event.occurredAt.description), "recordedDate": .string(entry.event.recordedAt.description),
            "severity": FHIRCodes.severity(event.severity).concept, "recorder": author(entry.event),
        ]
        if let technique { members["suspectEntity"] = [["instance": ["reference": .string("urn:uuid:\(technique.rawValue)"), "type": "Procedure"]]] }
        if let visit { members["encounter"] = encounterReference(visit) }
        var paragraphs = ["\(FHIRCodes.adverseEvent(event.kind).display), \(event.severity)" + (technique == nil ? ", after a technique entry since retracted." : ".")]
        if let note = event.note { paragraphs.append("Note: \(note)") }
        members["text"] = narrative(paragraphs)
        return .object(members)
    }

    static func measurement(_ entry: ClinicalEntry, _ measurement: MeasurementRecorded, patient: PatientID, visit: EventID?) -> JSONValue {
        var members: [String: JSONValue] = [
            "resourceType": "Observation", "id": .string(entry.event.id.rawValue), "identifier": identifier(entry.event),
            "status": status(entry), "category": [FHIRCodes.exam.concept], "code": FHIRCodes.measurementTest(measurement.test).concept,
            "subject": reference(patient), "effectiveDateTime": .string(entry.event.occurredAt.description),
        ]
        var notes: [JSONValue] = []
        if let value = measurement.value, let unit = measurement.unit, let quantity = MeasuredQuantity.json(value, unit: unit) {
            members["valueQuantity"] = quantity
            if quantity.objectValue?["code"] != .string(unit) { notes.append(["text": .string("Recorded as \(value) \(unit)")]) }
        } else if let result = measurement.result {
            members["valueCodeableConcept"] = (result == "positive" ? FHIRCodes.positive : FHIRCodes.negative).concept
        }
        if let side = measurement.side {
            members["component"] = [["code": FHIRCodes.laterality.concept, "valueCodeableConcept": FHIRCodes.concept(Vocabularies.sides, side)]]
        }
        if let note = measurement.note { notes.append(["text": .string(note)]) }
        if !notes.isEmpty { members["note"] = .array(notes) }
        if let visit { members["encounter"] = encounterReference(visit) }
        return .object(members)
    }

    /// A dry-needling entry's details as words for its Procedure's note (R4 has no element for a
    /// needle count, gauge, depth or twitch response), and the needles as `usedCode` — the
    /// standard element for items used — in text, as no verified code names them.
    static func needling(_ technique: TechniqueApplied) -> (note: String?, usedCode: JSONValue?) {
        guard technique.hasNeedlingDetails else { return (nil, nil) }
        var parts: [String] = []
        if let needles = technique.needles { parts.append("\(needles) needle\(needles == 1 ? "" : "s")") }
        if let gauge = technique.gauge { parts.append("\(gauge) mm gauge") }
        if let depth = technique.depthMm { parts.append("\(depth) mm deep") }
        if let twitch = technique.twitch { parts.append(twitch ? "local twitch response elicited" : "no local twitch response") }
        let used: JSONValue? = technique.needles == nil && technique.gauge == nil ? nil
            : [["text": .string("Dry needling needle" + (technique.gauge.map { ", \($0) mm" } ?? "") + (technique.needles.map { " × \($0)" } ?? ""))]]
        return ("Needling: " + parts.joined(separator: ", "), used)
    }
}
