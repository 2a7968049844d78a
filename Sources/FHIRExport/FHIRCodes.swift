import ClinicalEvents
import EventLog
import EventModel

/// Every code system and code the FHIR export uses, in one table to review.
///
/// Standard codes appear only where they were checked against a published source: LOINC
/// 72514-3 and 11341-5, SNOMED CT 387713003, the HL7 category code systems, and the SNOMED CT
/// body-structure and laterality codes the vocabularies carry (``Term/snomed``). For the records
/// of care: the LOINC section codes C-CDA gives its SOAP sections (61150-9 Subjective, 61149-1
/// Objective, 51848-0 Assessment, 18776-5 Plan of care) and 11506-3 Progress note (the LOINC
/// Document Ontology); LOINC 59284-0 Patient Consent, the consent-scope `treatment` and the v3
/// ActCode OPTIN/OPTOUT policies (FHIR's Consent examples); flag-category `clinical`;
/// adverse-event-severity; UCUM units; SNOMED CT 10828004 Positive and 260385009 Negative.
/// Everything else — the techniques, the trigger-point finding, its status and referral, sports
/// and activities, precaution kinds, adverse-event kinds, objective tests, the form of a consent —
/// is coded in Myolog's own CodeSystem (``codeSystem``), shipped in every Bundle and in
/// `Schemas/fhir-codes.json`, rather than guessed. Outcome measures' codes (an instrument's
/// LOINC codes from its file, Myolog's outcome-score CodeSystem, the Questionnaire URLs and the
/// UCUM units of scores) are in `FHIRCodes+Outcomes.swift`.
public enum FHIRCodes {
    // Code systems.
    public static let loinc = "http://loinc.org"
    public static let snomed = "http://snomed.info/sct"
    public static let observationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
    public static let conditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category"
    public static let actCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    public static let consentScope = "http://terminology.hl7.org/CodeSystem/consentscope"
    public static let flagCategory = "http://terminology.hl7.org/CodeSystem/flag-category"
    public static let adverseEventSeverity = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
    public static let ucum = "http://unitsofmeasure.org"
    /// Myolog's own CodeSystem. `.invalid` (RFC 2606): a stable name that claims no real domain.
    public static let myolog = "https://myolog.invalid/fhir/CodeSystem/myolog"
    /// Identifier systems: a Myolog patient id, a Myolog event id, a Myolog author name.
    public static let patientIdentifier = "https://myolog.invalid/fhir/NamingSystem/patient-id"
    public static let eventIdentifier = "https://myolog.invalid/fhir/NamingSystem/event-id"
    public static let authorIdentifier = "https://myolog.invalid/fhir/NamingSystem/author"
    /// The code system of Myolog's roles (therapist, student, front-desk, practice-manager,
    /// privacy-officer, auditor): the role a person wrote or read in, as their signed event names it.
    public static let roleSystem = "https://myolog.invalid/fhir/CodeSystem/role"
    /// Provenance: the signer of a sign-off is a `verifier` (HL7 provenance-participant-type).
    public static let provenanceParticipantType = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
    /// A sign-off's `Signature.type`: ASTM E1762-95 "Verification Signature".
    public static let signatureType = (system: "urn:iso-astm:E1762-95:2013", code: "1.2.840.10065.1.12.1.5", display: "Verification Signature")
    public static let nodeIdentifier = "https://myolog.invalid/fhir/NamingSystem/node-id"
    /// Outcome measures: the canonical URL of an instrument version's Questionnaire is this base,
    /// the instrument id and `|version` (``questionnaire(_:version:)``); each score's code is in
    /// ``outcomeScoreSystem``; an Observation of one score is identified by `EVENT-ID/SCORE-ID`.
    public static let questionnaireBase = "https://myolog.invalid/fhir/Questionnaire"
    public static let outcomeScoreSystem = "https://myolog.invalid/fhir/CodeSystem/outcome-score"
    public static let outcomeScoreIdentifier = "https://myolog.invalid/fhir/NamingSystem/outcome-score-id"
    /// FHIR's core extensions for the lowest and highest answer a Questionnaire item takes.
    public static let minValueExtension = "http://hl7.org/fhir/StructureDefinition/minValue"
    public static let maxValueExtension = "http://hl7.org/fhir/StructureDefinition/maxValue"

    /// One code of a system, with its display.
    public struct Code: Sendable, Hashable {
        public let system: String
        public let code: String
        public let display: String

        public var coding: JSONValue { ["system": .string(system), "code": .string(code), "display": .string(display)] }
        public var concept: JSONValue { ["coding": [coding], "text": .string(display)] }
    }

    // Standard codes (verified).
    public static let painSeverity = Code(system: loinc, code: "72514-3", display: "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
    public static let occupationHistory = Code(system: loinc, code: "11341-5", display: "History of Occupation")
    public static let surgicalProcedure = Code(system: snomed, code: "387713003", display: "Surgical procedure")
    public static let socialHistory = Code(system: observationCategory, code: "social-history", display: "Social History")
    public static let exam = Code(system: observationCategory, code: "exam", display: "Exam")
    public static let survey = Code(system: observationCategory, code: "survey", display: "Survey")
    public static let problemListItem = Code(system: conditionCategory, code: "problem-list-item", display: "Problem List Item")
    public static let ambulatory = Code(system: actCode, code: "AMB", display: "ambulatory")
    // Treatment notes: a progress note in the four SOAP sections C-CDA codes.
    public static let progressNote = Code(system: loinc, code: "11506-3", display: "Progress note")
    public static let subjectiveSection = Code(system: loinc, code: "61150-9", display: "Subjective Narrative")
    public static let objectiveSection = Code(system: loinc, code: "61149-1", display: "Objective Narrative")
    public static let assessmentSection = Code(system: loinc, code: "51848-0", display: "Evaluation note")
    public static let planSection = Code(system: loinc, code: "18776-5", display: "Plan of care note")
    // Consent to treatment.
    public static let patientConsent = Code(system: loinc, code: "59284-0", display: "Patient Consent")
    public static let treatmentScope = Code(system: consentScope, code: "treatment", display: "Treatment")
    public static let optIn = Code(system: actCode, code: "OPTIN", display: "opt-in")
    public static let optOut = Code(system: actCode, code: "OPTOUT", display: "opt-out")
    // Precautions, adverse events, special tests.
    public static let clinicalFlag = Code(system: flagCategory, code: "clinical", display: "Clinical")
    public static let positive = Code(system: snomed, code: "10828004", display: "Positive")
    public static let negative = Code(system: snomed, code: "260385009", display: "Negative")

    /// The LOINC code of a treatment note's section (``TreatmentNoteRecorded/sections``).
    public static func section(_ name: String) -> Code? {
        ["subjective": subjectiveSection, "objective": objectiveSection, "assessment": assessmentSection, "plan": planSection][name]
    }
    /// An adverse event's severity, as FHIR's own code system has it (mild, moderate, severe).
    public static func severity(_ id: String) -> Code {
        Code(system: adverseEventSeverity, code: id, display: Vocabularies.severities.term(id: id)?.display ?? id)
    }

    // Myolog's own codes.
    public static let triggerPoint = Code(system: myolog, code: "myofascial-trigger-point", display: "Myofascial trigger point")
    public static let triggerPointStatus = Code(system: myolog, code: "trigger-point-status", display: "Trigger point status (active or latent)")
    public static let laterality = Code(system: myolog, code: "laterality", display: "Side of the body")
    public static let referralPattern = Code(system: myolog, code: "referral-pattern", display: "Region pain is referred to")
    public static let painContext = Code(system: myolog, code: "pain-context", display: "When the pain score was taken")
    /// LOINC has survey items about physical activity (e.g. 89555-7, days per week of exercise),
    /// but none for a free-text list of sports: a Myolog code says what the text is.
    public static let sportsAndActivities = Code(system: myolog, code: "sports-and-activities", display: "Sports and activities")
    public static let outcomeContext = Code(system: myolog, code: "outcome-context", display: "When the outcome measure was taken")

    public static func technique(_ id: String) -> Code {
        Code(system: myolog, code: "technique-\(id)", display: Vocabularies.techniques.term(id: id)?.display ?? id)
    }
    public static func triggerPointStatusValue(_ id: String) -> Code {
        Code(system: myolog, code: "trigger-point-\(id)", display: (Vocabularies.triggerPointStatuses.term(id: id)?.display ?? id) + " trigger point")
    }
    public static func painContextValue(_ id: String) -> Code {
        Code(system: myolog, code: "pain-context-\(id)", display: Vocabularies.painContexts.term(id: id)?.display ?? id)
    }
    public static func precaution(_ id: String) -> Code {
        Code(system: myolog, code: "precaution-\(id)", display: Vocabularies.precautionKinds.term(id: id)?.display ?? id)
    }
    public static func adverseEvent(_ id: String) -> Code {
        Code(system: myolog, code: "adverse-event-\(id)", display: Vocabularies.adverseEventKinds.term(id: id)?.display ?? id)
    }
    public static func measurementTest(_ id: String) -> Code {
        Code(system: myolog, code: "test-\(id)", display: Vocabularies.measurementTests.term(id: id)?.display ?? id)
    }
    public static func outcomeContextValue(_ id: String) -> Code {
        Code(system: myolog, code: "outcome-context-\(id)", display: Vocabularies.outcomeContexts.term(id: id)?.display ?? id)
    }
    public static func consentForm(_ id: String) -> Code {
        Code(system: myolog, code: "consent-\(id)", display: (Vocabularies.consentForms.term(id: id)?.display ?? id) + " consent")
    }
    /// A vocabulary term as a CodeableConcept: SNOMED CT where the term carries a verified code,
    /// text otherwise.
    public static func concept(_ vocabulary: Vocabulary, _ id: String) -> JSONValue {
        let term = vocabulary.term(id: id)
        var members: [String: JSONValue] = ["text": .string(term?.display ?? id)]
        if let code = term?.snomed { members["coding"] = [Code(system: snomed, code: code, display: term!.display).coding] }
        return .object(members)
    }

    /// Every Myolog code, for the CodeSystem.
    public static let myologCodes: [Code] = {
        [triggerPoint, triggerPointStatus, laterality, referralPattern, painContext, sportsAndActivities, outcomeContext]
            + Vocabularies.triggerPointStatuses.terms.map { triggerPointStatusValue($0.id) }
            + Vocabularies.painContexts.terms.map { painContextValue($0.id) }
            + Vocabularies.outcomeContexts.terms.map { outcomeContextValue($0.id) }
            + Vocabularies.techniques.terms.map { technique($0.id) }
            + Vocabularies.precautionKinds.terms.map { precaution($0.id) }
            + Vocabularies.adverseEventKinds.terms.map { adverseEvent($0.id) }
            + Vocabularies.measurementTests.terms.map { measurementTest($0.id) }
            + Vocabularies.consentForms.terms.map { consentForm($0.id) }
    }()

    /// Myolog's CodeSystem resource (R4), complete.
    public static let codeSystem = completeCodeSystem(
        id: "myolog", url: myolog, name: "MyologCodes", title: "Myolog codes for myotherapy findings and techniques",
        description: "Codes Myolog uses where no verified SNOMED CT or LOINC code exists: myotherapy techniques, the myofascial trigger point finding with its status, side and referral, the context of a pain score or of an outcome measure, sports and activities, precaution kinds, adverse-event kinds, objective tests and the form of a consent.",
        codes: myologCodes)

    /// A complete CodeSystem resource (R4, version 1) of `codes`.
    static func completeCodeSystem(id: String, url: String, name: String, title: String, description: String, codes: [Code]) -> JSONValue {
        [
            "resourceType": "CodeSystem", "id": .string(id), "url": .string(url), "version": "1", "name": .string(name), "title": .string(title),
            "status": "active", "experimental": false, "content": "complete", "caseSensitive": true, "description": .string(description),
            "count": .int(codes.count), "concept": .array(codes.map { ["code": .string($0.code), "display": .string($0.display)] }),
        ]
    }

    /// The review table: every system and code in one document (`Schemas/fhir-codes.json`).
    public static var document: JSONValue {
        let standard = [painSeverity, occupationHistory, surgicalProcedure, socialHistory, exam, survey, problemListItem, ambulatory,
                        progressNote, subjectiveSection, objectiveSection, assessmentSection, planSection, patientConsent, treatmentScope, optIn, optOut,
                        clinicalFlag, positive, negative]
            + Vocabularies.severities.terms.map { severity($0.id) }
        var bodySites: [JSONValue] = []
        for vocabulary in [Vocabularies.muscles, Vocabularies.bodyRegions, Vocabularies.sides] {
            for term in vocabulary.terms { if let code = term.snomed { bodySites.append(["system": .string(snomed), "code": .string(code), "display": .string(term.display), "myolog": .string("\(vocabulary.field):\(term.id)")]) } }
        }
        return [
            "standard": .array(standard.map(\.coding)),
            "snomedBodySites": .array(bodySites),
            "myolog": codeSystem,
            "identifierSystems": ["patient": .string(patientIdentifier), "event": .string(eventIdentifier), "author": .string(authorIdentifier), "node": .string(nodeIdentifier),
                                  "outcomeScore": .string(outcomeScoreIdentifier)],
            "outcomes": outcomesDocument,
            "people": [
                "roles": .array(SystemEventType.roles.sorted().map { ["system": .string(roleSystem), "code": .string($0)] }),
                "verifier": ["system": .string(provenanceParticipantType), "code": "verifier", "display": "Verifier"],
                "signature": ["system": .string(signatureType.system), "code": .string(signatureType.code), "display": .string(signatureType.display)],
            ],
            "units": .array(Vocabularies.measurementUnits.terms.flatMap { term in
                MeasuredQuantity.units(for: term.id).map { ["system": .string(ucum), "code": .string($0.code), "display": .string($0.display), "myolog": .string("unit:\(term.id)")] }
            }),
        ]
    }
}
