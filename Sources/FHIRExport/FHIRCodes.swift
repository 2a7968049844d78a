import ClinicalEvents
import EventLog
import EventModel

/// Every code system and code the FHIR export uses, in one table to review.
///
/// Standard codes appear only where they were checked against a published source: LOINC
/// 72514-3 and 11341-5, SNOMED CT 387713003, the HL7 category code systems, and the SNOMED CT
/// body-structure and laterality codes the vocabularies carry (``Term/snomed``). Everything
/// else — the techniques, the trigger-point finding, its status and referral, sports and
/// activities — is coded in Myolog's own CodeSystem (``codeSystem``), shipped in every Bundle and
/// in `Schemas/fhir/myolog-codesystem.json`, rather than guessed.
public enum FHIRCodes {
    // Code systems.
    public static let loinc = "http://loinc.org"
    public static let snomed = "http://snomed.info/sct"
    public static let observationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
    public static let conditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category"
    public static let actCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    /// Myolog's own CodeSystem. `.invalid` (RFC 2606): a stable name that claims no real domain.
    public static let myolog = "https://myolog.invalid/fhir/CodeSystem/myolog"
    /// Identifier systems: a Myolog patient id, a Myolog event id, a Myolog author name.
    public static let patientIdentifier = "https://myolog.invalid/fhir/NamingSystem/patient-id"
    public static let eventIdentifier = "https://myolog.invalid/fhir/NamingSystem/event-id"
    public static let authorIdentifier = "https://myolog.invalid/fhir/NamingSystem/author"
    public static let nodeIdentifier = "https://myolog.invalid/fhir/NamingSystem/node-id"

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

    // Myolog's own codes.
    public static let triggerPoint = Code(system: myolog, code: "myofascial-trigger-point", display: "Myofascial trigger point")
    public static let triggerPointStatus = Code(system: myolog, code: "trigger-point-status", display: "Trigger point status (active or latent)")
    public static let laterality = Code(system: myolog, code: "laterality", display: "Side of the body")
    public static let referralPattern = Code(system: myolog, code: "referral-pattern", display: "Region pain is referred to")
    public static let painContext = Code(system: myolog, code: "pain-context", display: "When the pain score was taken")
    /// LOINC has survey items about physical activity (e.g. 89555-7, days per week of exercise),
    /// but none for a free-text list of sports: a Myolog code says what the text is.
    public static let sportsAndActivities = Code(system: myolog, code: "sports-and-activities", display: "Sports and activities")

    public static func technique(_ id: String) -> Code {
        Code(system: myolog, code: "technique-\(id)", display: Vocabularies.techniques.term(id: id)?.display ?? id)
    }
    public static func triggerPointStatusValue(_ id: String) -> Code {
        Code(system: myolog, code: "trigger-point-\(id)", display: (Vocabularies.triggerPointStatuses.term(id: id)?.display ?? id) + " trigger point")
    }
    public static func painContextValue(_ id: String) -> Code {
        Code(system: myolog, code: "pain-context-\(id)", display: Vocabularies.painContexts.term(id: id)?.display ?? id)
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
        [triggerPoint, triggerPointStatus, laterality, referralPattern, painContext, sportsAndActivities]
            + Vocabularies.triggerPointStatuses.terms.map { triggerPointStatusValue($0.id) }
            + Vocabularies.painContexts.terms.map { painContextValue($0.id) }
            + Vocabularies.techniques.terms.map { technique($0.id) }
    }()

    /// Myolog's CodeSystem resource (R4), complete.
    public static let codeSystem: JSONValue = {
        [
            "resourceType": "CodeSystem", "id": "myolog", "url": .string(myolog), "version": "1",
            "name": "MyologCodes", "title": "Myolog codes for myotherapy findings and techniques",
            "status": "active", "experimental": false, "content": "complete", "caseSensitive": true,
            "description": "Codes Myolog uses where no verified SNOMED CT or LOINC code exists: myotherapy techniques, the myofascial trigger point finding with its status, side and referral, the context of a pain score, and sports and activities.",
            "count": .int(myologCodes.count),
            "concept": .array(myologCodes.map { ["code": .string($0.code), "display": .string($0.display)] }),
        ]
    }()

    /// The review table: every system and code in one document (`Schemas/fhir/codes.json`).
    public static var document: JSONValue {
        let standard = [painSeverity, occupationHistory, surgicalProcedure, socialHistory, exam, survey, problemListItem, ambulatory]
        var bodySites: [JSONValue] = []
        for vocabulary in [Vocabularies.muscles, Vocabularies.bodyRegions, Vocabularies.sides] {
            for term in vocabulary.terms { if let code = term.snomed { bodySites.append(["system": .string(snomed), "code": .string(code), "display": .string(term.display), "myolog": .string("\(vocabulary.field):\(term.id)")]) } }
        }
        return [
            "standard": .array(standard.map(\.coding)),
            "snomedBodySites": .array(bodySites),
            "myolog": codeSystem,
            "identifierSystems": ["patient": .string(patientIdentifier), "event": .string(eventIdentifier), "author": .string(authorIdentifier), "node": .string(nodeIdentifier)],
        ]
    }
}
