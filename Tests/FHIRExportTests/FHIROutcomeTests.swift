@testable import ClinicalEvents
import ClinicalFold
import ClinicalLog
import EventLog
import EventModel

@testable import FHIRExport
import Foundation
import Projections
import Testing
import MyologTestSupport

/// Outcome measures in the FHIR export: each answer set a QuestionnaireResponse of its instrument
/// version's Questionnaire, each score an Observation derived from it, exact, coded, with the
/// band and the change against the MCID; item wording only as the licence allows.
@Suite("FHIR: outcome measures")
struct FHIROutcomeTests {
    let scratch = TemporaryDirectory("fhir-outcomes")

    static let day: Int64 = 86_400_000
    static let start = Timestamp(millisecondsSinceEpoch: 1_790_000_000_000)

    /// Mia: an NDI baseline in a visit with item 10 skipped (18 of 45 → 20.0/50), a reassessment
    /// 28 days later with item 9 skipped (17 of 45 → 18.888… → 18.9), and a discharge 56 days
    /// later (all answered, 8/50). Returns the store, the patient, the visit and the three events.
    static func answerSets(_ directory: URL) throws -> (EventStore, PatientID, EventID, [EventID]) {
        let store = try EventStore.create(at: directory, site: "Carlton", projections: [PatientProjection()], wallClock: .stepping(from: .now()))
        let (patient, visit, sets) = try ClinicalRecord(store: store).write { s -> (PatientID, EventID, [EventID]) in
            let patient = try s.register(.init(name: "Mia Thompson", dateOfBirth: "1988-04-12"), author: "jo").patient!
            let p = IDReference(patient)
            func at(_ days: Int64) -> EntryDate { EntryDate(Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + days * day)) }
            let visit = try s.startVisit(p, reason: "Neck pain", date: at(0), author: "alex")
            let baseline = try s.recordOutcome(p, instrument: "ndi", answers: [2, 3, 1, 0, 4, 2, 1, 3, 2, nil], context: "baseline", note: "Filled in <alone>",
                                               date: at(0), author: "alex")
            try s.endVisit(p, date: at(0), author: "alex")
            let reassessment = try s.recordOutcome(p, instrument: "ndi", answers: [2, 2, 2, 2, 2, 2, 2, 3, nil, 0], context: "reassessment", date: at(28),
                                                   author: "alex")
            let discharge = try s.recordOutcome(p, instrument: "ndi", answers: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0], context: "discharge", date: at(56), author: "alex")
            return (patient, visit.id, [baseline.id, reassessment.id, discharge.id])
        }
        return (store, patient, visit, sets)
    }

    func bundle(_ store: EventStore, _ patient: PatientID) throws -> JSONValue {
        try #require(try store.read { try FHIRPatientBundle.make(patient: patient, events: $0.events(patient: patient), sites: $0.sites()) })
    }

    func resources(_ bundle: JSONValue, _ type: String) -> [[String: JSONValue]] {
        (bundle.objectValue?["entry"]?.arrayValue ?? []).compactMap { $0.objectValue?["resource"]?.objectValue }.filter { $0["resourceType"] == .string(type) }
    }

    func codings(_ concept: JSONValue?) -> [String] {
        (concept?.objectValue?["coding"]?.arrayValue ?? []).compactMap { coding in
            coding.objectValue.map { "\($0["system"]?.stringValue ?? "")|\($0["code"]?.stringValue ?? "")" }
        }
    }

    func derived(from response: EventID, _ observations: [[String: JSONValue]]) -> [[String: JSONValue]] {
        observations.filter { $0["derivedFrom"] == [["reference": .string("urn:uuid:\(response.rawValue)"), "type": "QuestionnaireResponse"]] }
    }

    /// A made-up instrument of nine 0–1 items with a distress subscale of items 5–9 and risk
    /// bands, LOINC codes in its file, and its items' wording written but licensed `licence`.
    static func screening(licence: String) throws -> Instrument {
        let items = (1...9).map { #"{"number": \#($0), "text": "Wording of item \#($0)", "min": 0, "max": 1}"# }.joined(separator: ", ")
        return try Instrument(json: JSONParser.parse(#"""
            {"id": "screen", "version": 2, "name": "Back Screening", "abbreviation": "BS", "licence": {"itemText": "\#(licence)", "note": "Test licence"},
             "items": [\#(items)],
             "scores": [{"id": "total", "label": "Total", "rule": "sum", "range": [0, 9], "decimals": 0, "higherIs": "worse", "unit": "points"},
                        {"id": "distress", "label": "Distress", "rule": "sum", "items": [5, 6, 7, 8, 9], "range": [0, 5], "decimals": 0, "higherIs": "worse"}],
             "bands": [{"id": "high", "label": "High risk", "when": [{"score": "distress", "atLeast": "4"}]},
                       {"id": "medium", "label": "Medium risk", "when": [{"score": "total", "atLeast": "4"}]},
                       {"id": "low", "label": "Low risk", "when": []}],
             "change": {"score": "total", "mcid": {"points": "2", "source": "made up"}},
             "reassessEveryDays": 28, "codes": {"loincPanel": "91349-1", "loincScore": "91351-7", "loincSource": "test"}, "sources": ["made up"]}
            """#))
    }

    @Test("an NDI answer set is a QuestionnaireResponse of ndi|1: completed, authored when answered, in its visit; linkIds the item numbers, answers integers, the skipped item absent, the headings as the licence allows")
    func questionnaireResponse() throws {
        let (store, patient, visit, sets) = try Self.answerSets(scratch.url("store"))
        let b = try bundle(store, patient)
        let responses = resources(b, "QuestionnaireResponse")
        #expect(responses.count == 3)
        let baseline = try #require(responses.first { $0["id"] == .string(sets[0].rawValue) })
        #expect(baseline["questionnaire"] == "https://myolog.invalid/fhir/Questionnaire/ndi|1" && baseline["status"] == "completed")
        #expect(baseline["subject"] == ["reference": .string("urn:uuid:\(patient.rawValue)")])
        #expect(baseline["authored"] == .string(Self.start.description))
        #expect(baseline["encounter"] == ["reference": .string("urn:uuid:\(visit.rawValue)")])
        #expect(baseline["author"]?.objectValue?["identifier"]?.objectValue?["value"] == "alex", "an unsigned author is named as written")
        let items = baseline["item"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(items.map { $0["linkId"] } == (1...9).map { .string(String($0)) }, "item 10 was skipped: no item")
        #expect(items.map { $0["answer"] } == [2, 3, 1, 0, 4, 2, 1, 3, 2].map { [["valueInteger": .int($0)]] })
        let ndi = try #require(Instruments.latest("ndi"))
        #expect(ndi.licence.itemText == "headings")
        #expect(items.map { $0["text"] } == ndi.items.prefix(9).map { $0.text.map(JSONValue.string) ?? .null })
        #expect(baseline["text"]?.objectValue?["div"]?.stringValue?.contains("Note: Filled in &lt;alone&gt;") == true)
        // Outside the visit: no encounter.
        #expect(responses.first { $0["id"] == .string(sets[1].rawValue) }?["encounter"] == nil)
        // The Questionnaire they answer is in the Bundle, once.
        let questionnaires = resources(b, "Questionnaire")
        #expect(questionnaires.count == 1)
        let form = try #require(questionnaires.first)
        #expect(form["url"] == "https://myolog.invalid/fhir/Questionnaire/ndi" && form["version"] == "1" && form["copyright"] == .string(ndi.licence.note))
        let formItems = form["item"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(formItems.map { $0["linkId"] } == (1...10).map { .string(String($0)) } && formItems.allSatisfy { $0["type"] == "integer" })
        #expect(formItems[0]["text"] == "Pain intensity" && formItems[0]["extension"]?.arrayValue?.compactMap { $0.objectValue?["valueInteger"] } == [0, 5])
    }

    @Test("item wording only as the licence allows: none for `none` even when the file has it, all of it for `full` and `headings`; a PSFS-like activity is the patient's words")
    func licenceRule() throws {
        let (store, patient, _, sets) = try Self.answerSets(scratch.url("store"))
        let entry = try #require(try store.read { try PatientFold.fold(patient, events: $0.events(patient: patient)) }.outcomes.first { $0.event.id == sets[0] })
        let answers: [Int?] = [1, 0, 1, nil, 1, 1, 0, 1, 1]
        let payload = OutcomeRecorded(instrument: "screen", version: 2, answers: answers, context: "baseline")
        for licence in ["none", "headings", "full"] {
            let instrument = try Self.screening(licence: licence)
            let items = FHIRPatientBundle.responseItems(payload, instrument: instrument).compactMap(\.objectValue)
            #expect(items.map { $0["linkId"] } == ["1", "2", "3", "5", "6", "7", "8", "9"])
            #expect(items.map { $0["text"] } == (licence == "none" ? Array(repeating: nil, count: 8) : [1, 2, 3, 5, 6, 7, 8, 9].map { .string("Wording of item \($0)") }),
                    "\(licence)")
            let form = FHIRPatientBundle.questionnaire(instrument).objectValue?["item"]?.arrayValue?.compactMap(\.objectValue) ?? []
            #expect(form.count == 9 && form.allSatisfy { ($0["text"] != nil) == (licence != "none") }, "\(licence)")
            let resources = FHIRPatientBundle.outcome(entry, payload, instrument: instrument, course: nil, patient: patient, visit: nil)
            #expect(!resources[0].canonicalString.contains("Wording of item") || licence != "none", "nothing of the wording anywhere in the response")
        }
        // Activities are the patient's own words, whatever the licence.
        let rated = OutcomeRecorded(instrument: "psfs", version: 1, answers: [3, 7], activities: ["Reaching overhead", "Driving"], context: "baseline")
        let items = FHIRPatientBundle.responseItems(rated, instrument: nil).compactMap(\.objectValue)
        #expect(items.map { $0["text"] } == ["Reaching overhead", "Driving"] && items.map { $0["answer"] } == [[["valueInteger": 3]], [["valueInteger": 7]]])
    }

    @Test("each score is a survey Observation derived from its response: Myolog's ndi-v1-total code (no LOINC in the file), the exact value, the context; 18.9 as 189 tenths of a point with the score noted")
    func scoreObservations() throws {
        let (store, patient, visit, sets) = try Self.answerSets(scratch.url("store"))
        let b = try bundle(store, patient)
        let observations = resources(b, "Observation")
        #expect(observations.count == 3)
        let baseline = try #require(derived(from: sets[0], observations).first)
        #expect(baseline["id"] == .string(FHIRPatientBundle.derivedID("Observation", sets[0].rawValue, "total")))
        #expect(baseline["status"] == "final" && codings(baseline["category"]?.arrayValue?.first) == ["http://terminology.hl7.org/CodeSystem/observation-category|survey"])
        #expect(codings(baseline["code"]) == ["https://myolog.invalid/fhir/CodeSystem/outcome-score|ndi-v1-total"])
        #expect(baseline["valueQuantity"] == ["value": 20, "unit": "points", "system": "http://unitsofmeasure.org", "code": "{score}"])
        #expect(baseline["effectiveDateTime"] == .string(Self.start.description) && baseline["encounter"] == ["reference": .string("urn:uuid:\(visit.rawValue)")])
        #expect(codings(baseline["component"]?.arrayValue?.first?.objectValue?["valueCodeableConcept"]) == ["https://myolog.invalid/fhir/CodeSystem/myolog|outcome-context-baseline"])
        #expect(baseline["note"] == nil && baseline["interpretation"] == nil, "a baseline has no change; NDI has no bands")
        let reassessment = try #require(derived(from: sets[1], observations).first)
        #expect(reassessment["valueQuantity"] == ["value": 189, "unit": "tenths of a point", "system": "http://unitsofmeasure.org", "code": "10*-1.{score}"])
        let notes = reassessment["note"]?.arrayValue?.compactMap { $0.objectValue?["text"]?.stringValue } ?? []
        #expect(notes.first == "Scored 18.9 of 0–50 points (higher is worse)", "\(notes)")
        // The change against the baseline, as show has it.
        #expect(notes.last?.hasPrefix("Change from the baseline of \(Self.start) (20.0 points): -1.1 points (improvement 1.1; higher is worse); MCID 7.5 points not reached")
                == true, "\(notes)")
        let discharge = try #require(derived(from: sets[2], observations).first)
        #expect(discharge["valueQuantity"]?.objectValue?["value"] == 8)
        #expect(discharge["note"]?.arrayValue?.last?.objectValue?["text"]?.stringValue?.hasSuffix("-12.0 points (improvement 12.0; higher is worse); MCID 7.5 points reached")
                == true, "\(discharge)")
        let shown = try #require(try store.read { try PatientFold.fold(patient, events: $0.events(patient: patient)) }.view.care.outcomeCourses.first)
        #expect(shown.reached == true && shown.change == ExactScore(-12))
        // Every Observation and response has its Provenance; every reference resolves.
        let provenanceTargets = Set(resources(b, "Provenance").compactMap { $0["target"]?.arrayValue?.first?.objectValue?["reference"]?.stringValue })
        for resource in observations + resources(b, "QuestionnaireResponse") {
            #expect(provenanceTargets.contains("urn:uuid:\(resource["id"]!.stringValue!)"))
        }
        #expect(unresolvedReferences(b).isEmpty, "\(unresolvedReferences(b))")
    }

    @Test("subscales and bands: one Observation per score, LOINC from the instrument's file on its own score only, Myolog's code on every one, the band its interpretation")
    func subscalesAndBands() throws {
        let (store, patient, _, sets) = try Self.answerSets(scratch.url("store"))
        let entry = try #require(try store.read { try PatientFold.fold(patient, events: $0.events(patient: patient)) }.outcomes.first { $0.event.id == sets[0] })
        let instrument = try Self.screening(licence: "none")
        let payload = OutcomeRecorded(instrument: "screen", version: 2, answers: [1, 1, 1, 1, 1, 1, 1, 1, 0], context: "baseline")
        let resources = FHIRPatientBundle.outcome(entry, payload, instrument: instrument, course: nil, patient: patient, visit: nil).compactMap(\.objectValue)
        #expect(resources.map { $0["resourceType"] } == ["QuestionnaireResponse", "Observation", "Observation"])
        #expect(resources[0]["questionnaire"] == "https://myolog.invalid/fhir/Questionnaire/screen|2")
        let (total, distress) = (resources[1], resources[2])
        #expect(codings(total["code"]) == ["http://loinc.org|91351-7", "https://myolog.invalid/fhir/CodeSystem/outcome-score|screen-v2-total"])
        #expect(codings(distress["code"]) == ["https://myolog.invalid/fhir/CodeSystem/outcome-score|screen-v2-distress"])
        #expect(total["valueQuantity"]?.objectValue?["value"] == 8 && distress["valueQuantity"]?.objectValue?["value"] == 4)
        #expect(codings(total["interpretation"]?.arrayValue?.first) == ["https://myolog.invalid/fhir/CodeSystem/outcome-score|screen-v2-band-high"])
        #expect(total["interpretation"]?.arrayValue?.first?.objectValue?["text"] == "High risk" && distress["interpretation"] == nil)
        #expect(total["id"] != distress["id"] && distress["id"] == .string(FHIRPatientBundle.derivedID("Observation", sets[0].rawValue, "distress")))
        // A subscale with an item skipped beyond its limit has no Observation; the other scores stand.
        let skipped = OutcomeRecorded(instrument: "screen", version: 2, answers: [1, 1, 1, 1, nil, 1, 1, 1, 0], context: "baseline")
        let partial = FHIRPatientBundle.outcome(entry, skipped, instrument: instrument, course: nil, patient: patient, visit: nil)
        #expect(partial.count == instrument.score(answers: skipped.answers).values.count + 1)
    }

    @Test("PSFS: each activity's rating an item in the patient's words; the mean's change against the MDC and each activity's against the single-activity MDC, as show has them")
    func activities() throws {
        try #require(Instruments.latest("psfs") != nil)
        let store = try EventStore.create(at: scratch.url("store"), site: "Carlton", projections: [PatientProjection()], wallClock: .stepping(from: .now()))
        let (patient, sets) = try ClinicalRecord(store: store).write { s -> (PatientID, [EventID]) in
            let patient = try s.register(.init(name: "Mia Thompson", dateOfBirth: "1988-04-12"), author: "jo").patient!
            func at(_ days: Int64) -> EntryDate { EntryDate(Timestamp(millisecondsSinceEpoch: Self.start.millisecondsSinceEpoch + days * Self.day)) }
            let baseline = try s.recordOutcome(IDReference(patient), instrument: "psfs", answers: [],
                                               activities: [RatedActivity(name: "Reaching overhead", rating: 3), RatedActivity(name: "Driving", rating: 5)],
                                               context: "baseline", date: at(0), author: "alex")
            let later = try s.recordOutcome(IDReference(patient), instrument: "psfs", answers: [],
                                            activities: [RatedActivity(name: "Driving", rating: 6), RatedActivity(name: "Reaching overhead", rating: 7)],
                                            context: "reassessment", date: at(28), author: "alex")
            return (patient, [baseline.id, later.id])
        }
        let b = try bundle(store, patient)
        let response = try #require(resources(b, "QuestionnaireResponse").first { $0["id"] == .string(sets[1].rawValue) })
        #expect(response["item"] == [["linkId": "1", "text": "Driving", "answer": [["valueInteger": 6]]],
                                     ["linkId": "2", "text": "Reaching overhead", "answer": [["valueInteger": 7]]]])
        let mean = try #require(derived(from: sets[1], resources(b, "Observation")).first)
        #expect(mean["valueQuantity"]?.objectValue?["value"] == 65 && mean["valueQuantity"]?.objectValue?["code"] == "10*-1.{score}")
        let notes = mean["note"]?.arrayValue?.compactMap { $0.objectValue?["text"]?.stringValue } ?? []
        #expect(notes.contains { $0.hasSuffix("2.5 points (improvement 2.5; higher is better); MDC 2 points reached") }, "\(notes)")
        #expect(notes.last == "Each activity from the baseline: Driving 5 → 6 (MDC 3 not reached); Reaching overhead 3 → 7 (MDC 3 reached)", "\(notes)")
        let shown = try #require(try store.read { try PatientFold.fold(patient, events: $0.events(patient: patient)) }.view.care.outcomeCourses.first)
        #expect(shown.activityChanges.map(\.reached) == [false, true])
        #expect(resources(b, "Questionnaire").first?["item"]?.arrayValue?.allSatisfy { $0.objectValue?["text"] == nil } == true, "PSFS's own wording is not licensed")
    }

    @Test("an answer set of a version this Myolog does not know is its answers alone: the response, no wording, no score, no Observation")
    func unknownVersion() throws {
        let (store, patient, _, sets) = try Self.answerSets(scratch.url("store"))
        let entry = try #require(try store.read { try PatientFold.fold(patient, events: $0.events(patient: patient)) }.outcomes.first { $0.event.id == sets[0] })
        let payload = OutcomeRecorded(instrument: "ndi", version: 9, answers: [1, nil, 3], context: "reassessment")
        #expect(payload.knownInstrument == nil)
        let resources = FHIRPatientBundle.outcome(entry, payload, instrument: nil, course: nil, patient: patient, visit: nil).compactMap(\.objectValue)
        #expect(resources.count == 1 && resources[0]["questionnaire"] == "https://myolog.invalid/fhir/Questionnaire/ndi|9")
        #expect(resources[0]["item"] == [["linkId": "1", "answer": [["valueInteger": 1]]], ["linkId": "3", "answer": [["valueInteger": 3]]]])
        #expect(resources[0]["text"]?.objectValue?["div"]?.stringValue?.contains("not scored") == true)
    }

    @Test("an answer set that does not fit its version (a peer's) is its answers alone, as show leaves it unscored: no Questionnaire answered, no Observation")
    func misfit() throws {
        let (store, patient, _, sets) = try Self.answerSets(scratch.url("store"))
        let entry = try #require(try store.read { try PatientFold.fold(patient, events: $0.events(patient: patient)) }.outcomes.first { $0.event.id == sets[0] })
        for payload in [OutcomeRecorded(instrument: "psfs", version: 1, answers: [2, 9, 9], activities: ["Reaching"], context: "baseline"),
                        OutcomeRecorded(instrument: "ndi", version: 1, answers: [1, 1, 1, 1, 1, 1, 1, 1, 1, 50], context: "baseline")] {
            #expect(payload.misfit != nil)
            let resources = FHIRPatientBundle.outcome(entry, payload, instrument: payload.knownInstrument, course: nil, patient: patient, visit: nil).compactMap(\.objectValue)
            #expect(resources.count == 1 && resources[0]["resourceType"] == "QuestionnaireResponse" && resources[0]["questionnaire"] == nil, "\(payload.instrument)")
        }
    }

    @Test("every instrument this Myolog knows exports an answer set at its items' maxima: one Observation per score, its file's LOINC score code where it has one, wording only if licensed")
    func everyInstrument() throws {
        let (store, patient, _, sets) = try Self.answerSets(scratch.url("store"))
        let entry = try #require(try store.read { try PatientFold.fold(patient, events: $0.events(patient: patient)) }.outcomes.first { $0.event.id == sets[0] })
        for instrument in Instruments.all {
            let activities = instrument.activities.map { rule in (1...rule.count.upperBound).map { "Activity \($0)" } }
            let answers: [Int?] = activities.map { $0.map { _ in instrument.activities!.range.upperBound } } ?? instrument.items.map { $0.range.upperBound }
            let payload = OutcomeRecorded(instrument: instrument.id, version: instrument.version, answers: answers, activities: activities, context: "baseline")
            let resources = FHIRPatientBundle.outcome(entry, payload, instrument: instrument, course: nil, patient: patient, visit: nil).compactMap(\.objectValue)
            #expect(resources.count == 1 + instrument.scores.count, "\(instrument.reference)")
            let own = try #require(resources.dropFirst().first)
            #expect(codings(own["code"]) == (instrument.codes["loincScore"].map { ["http://loinc.org|\($0)"] } ?? [])
                    + ["https://myolog.invalid/fhir/CodeSystem/outcome-score|\(instrument.id)-v\(instrument.version)-\(instrument.primary.id)"], "\(instrument.reference)")
            if instrument.licence.itemText == "none" && instrument.activities == nil {
                #expect(resources[0]["item"]?.arrayValue?.allSatisfy { $0.objectValue?["text"] == nil } == true, "\(instrument.reference)")
            }
            let codes = FHIRCodes.outcomeCodes.map(\.code)
            #expect(resources.dropFirst().allSatisfy { codings($0["code"]).last.map { code in codes.contains { code.hasSuffix("|\($0)") } } == true })
        }
    }

    @Test("a corrected answer set is amended with its scores, the correction a revision in each Provenance; a retracted one is absent with its scores and its Questionnaire")
    func correctionsAndRetractions() throws {
        let (store, patient, _, sets) = try Self.answerSets(scratch.url("store"))
        try ClinicalRecord(store: store).write { s in _ = try s.correct(IDReference(sets[1]), fields: ["note": "Read aloud to the patient"], reason: "Missed", author: "alex") }
        let b = try bundle(store, patient)
        let response = try #require(resources(b, "QuestionnaireResponse").first { $0["id"] == .string(sets[1].rawValue) })
        #expect(response["status"] == "amended")
        let observation = try #require(derived(from: sets[1], resources(b, "Observation")).first)
        #expect(observation["status"] == "amended")
        for id in [response["id"], observation["id"]] {
            let provenance = try #require(resources(b, "Provenance").first { $0["target"]?.arrayValue?.first?.objectValue?["reference"] == .string("urn:uuid:\(id!.stringValue!)") })
            #expect(provenance["entity"]?.arrayValue?.compactMap { $0.objectValue?["role"] } == ["source", "revision"])
        }
        try ClinicalRecord(store: store).write { s in for set in sets { _ = try s.retract(IDReference(set), reason: "Wrong patient", author: "alex") } }
        let retracted = try bundle(store, patient)
        #expect(resources(retracted, "QuestionnaireResponse").isEmpty && resources(retracted, "Observation").isEmpty && resources(retracted, "Questionnaire").isEmpty)
        #expect(unresolvedReferences(retracted).isEmpty)
    }

    @Test("exporting twice gives the same bytes; the ids come from the events")
    func deterministic() throws {
        let (store, patient, _, sets) = try Self.answerSets(scratch.url("store"))
        let first = try bundle(store, patient), second = try bundle(store, patient)
        #expect(first.canonicalString == second.canonicalString)
        #expect(Set(resources(first, "QuestionnaireResponse").compactMap { $0["id"]?.stringValue }) == Set(sets.map(\.rawValue)))
        #expect(Set(resources(first, "Observation").compactMap { $0["id"]?.stringValue }) == Set(sets.map { FHIRPatientBundle.derivedID("Observation", $0.rawValue, "total") }))
        #expect(resources(first, "Questionnaire").first?["id"] == .string(FHIRPatientBundle.derivedID("Questionnaire", "ndi", "1")))
    }

    @Test("a score is exact in integers: whole in {score} or %, else in the first finer power of ten", arguments: [
        (ExactScore(20), 1, nil, 20, "{score}", "points"), (ExactScore(170, over: 9), 1, "points", 189, "10*-1.{score}", "tenths of a point"),
        (ExactScore(15, over: 2), 0, "points", 8, "{score}", "points"), (ExactScore(1, over: 3), 2, "%", 33, "10*-2.%", "hundredths of a percent"),
        (ExactScore(91, over: 2), 1, "%", 455, "10*-1.%", "tenths of a percent"), (ExactScore(45), 2, "%", 45, "%", "%"),
    ] as [(ExactScore, Int, String?, Int, String, String)])
    func quantities(score: ExactScore, decimals: Int, unit: String?, value: Int, code: String, display: String) throws {
        let rule = Instrument.ScoreRule(id: "total", label: "Total", rule: .sum, items: nil, scale: nil, maxSkipped: 0, range: 0...100, decimals: decimals,
                                        higherIsBetter: false, unit: unit)
        let (quantity, finer) = ScoreQuantity.json(score, rule: rule)
        #expect(quantity == ["value": .int(value), "unit": .string(display), "system": "http://unitsofmeasure.org", "code": .string(code)])
        #expect(finer == code.hasPrefix("10*"))
    }
}
