import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel
import EventSync

/// Outcome measures as FHIR R4 resources:
///
/// - each answer set is a `QuestionnaireResponse` (`completed`, `amended` once corrected) of its
///   instrument version's Questionnaire (``FHIRCodes/questionnaire(_:version:)``), authored when
///   it was answered, by its author, in its visit's Encounter; one item per answer, its `linkId`
///   the item number (for patient-chosen activities, the activity's position, its text the
///   activity in the patient's words), the answer a `valueInteger`; a skipped item has no
///   answer and so no item — FHIR's rule (FHIR-25949, a constraint from R5 on) that a question
///   is in a response only with an answer; its number missing from the linkIds says it was
///   skipped. An item's wording is given only where the instrument's licence lets Myolog
///   reproduce it (`licence.itemText` `full` or `headings`), never for `none`;
/// - the Bundle carries that Questionnaire (url, version, items with their ranges, the licence
///   note as its `copyright`, LOINC panel code where the file has it), once per version answered;
/// - each score the answer set has (the instrument's own, then each subscale) is an
///   `Observation` (category `survey`) derived from the QuestionnaireResponse, coded as
///   ``FHIRCodes`` codes outcome scores, its value exact (``ScoreQuantity``), its context
///   (baseline, reassessment, discharge) a component, the risk band its `interpretation`, and on
///   the score a change is judged by, once there is a baseline to compare with, a note of the
///   change and whether it reaches the MCID (or MDC), and for patient-chosen activities each
///   one's change against the single-activity threshold — as `show` computes them
///   (``OutcomeCourse``). The scores are derived by the version's own rules from the answers as
///   they stand, so a corrected answer set exports corrected scores.
///
/// An answer set of a version this Myolog does not know is exported as its answers, unscored.
extension FHIRPatientBundle {
    /// Each scored answer set's course as it stood at that answer set (by event): what `show`
    /// would have said of its change then. `outcomes`: the standing answer sets, oldest first.
    static func outcomeCourses(_ outcomes: [ClinicalEntry]) -> [EventID: OutcomeCourse] {
        let views = outcomes.compactMap { $0.view(as: OutcomeRecorded.self).map(OutcomeView.init) }
        var courses: [EventID: OutcomeCourse] = [:]
        for (index, view) in views.enumerated() {
            let earlier = views[...index].filter { $0.entry.payload.instrument == view.entry.payload.instrument && $0.entry.payload.version == view.entry.payload.version }
            if let course = OutcomeCourse.courses(of: Array(earlier)).first, course.latest.entry.eventId == view.entry.eventId {
                courses[view.entry.eventId] = course
            }
        }
        return courses
    }

    /// The answer set as a QuestionnaireResponse, then an Observation per score. `instrument`:
    /// the version the answers were given in (``OutcomeRecorded/knownInstrument``), nil when this
    /// Myolog does not know it.
    static func outcome(_ entry: ClinicalEntry, _ outcome: OutcomeRecorded, instrument: Instrument?, course: OutcomeCourse?, patient: PatientID,
                        visit: EventID?, people: [String: UserStanding] = [:]) -> [JSONValue] {
        // A set that does not fit its version (``OutcomeRecorded/misfit``) is exported as an
        // unknown version's is — its answers alone, answering no Questionnaire, scored nowhere —
        // as `show` shows it unscored.
        let fits = outcome.misfit == nil
        let instrument = fits ? instrument : nil
        let responseID = entry.event.id.rawValue
        var response: [String: JSONValue] = [
            "resourceType": "QuestionnaireResponse", "id": .string(responseID), "identifier": identifier(entry.event).arrayValue![0],
            "questionnaire": .string(FHIRCodes.questionnaire(outcome.instrument, version: outcome.version)),
            "status": entry.corrections.isEmpty ? "completed" : "amended",
            "subject": reference(patient), "authored": .string(entry.event.occurredAt.description), "author": practitioner(entry.event, people: people),
        ]
        if !fits { response["questionnaire"] = nil }
        let items = responseItems(outcome, instrument: instrument)
        if !items.isEmpty { response["item"] = .array(items) }  // FHIR JSON has no empty arrays
        if let visit { response["encounter"] = encounterReference(visit) }
        // R4's QuestionnaireResponse has no note: the reading, the context and the note go in its narrative.
        response["text"] = narrative([outcome.reading] + (outcome.note.map { ["Note: \($0)"] } ?? []))
        guard let instrument else { return [.object(response)] }
        let scores = instrument.score(answers: outcome.answers)
        var resources: [JSONValue] = [.object(response)]
        for rule in instrument.scores {
            guard let score = scores.values[rule.id] else { continue }  // a subscale with too many of its items skipped
            let id = derivedID("Observation", responseID, rule.id)
            let (quantity, finer) = ScoreQuantity.json(score, rule: rule)
            var members: [String: JSONValue] = [
                "resourceType": "Observation", "id": .string(id),
                "identifier": [["system": .string(FHIRCodes.outcomeScoreIdentifier), "value": .string("\(responseID)/\(rule.id)")]],
                "status": status(entry), "category": [FHIRCodes.survey.concept], "code": FHIRCodes.outcomeScoreConcept(instrument, rule),
                "subject": reference(patient), "effectiveDateTime": .string(entry.event.occurredAt.description),
                "valueQuantity": quantity,
                "derivedFrom": [["reference": .string("urn:uuid:\(responseID)"), "type": "QuestionnaireResponse"]],
                "component": [["code": FHIRCodes.outcomeContext.concept, "valueCodeableConcept": FHIRCodes.outcomeContextValue(outcome.context).concept]],
            ]
            if let visit { members["encounter"] = encounterReference(visit) }
            if rule.id == instrument.primary.id, let band = scores.band {
                let code = FHIRCodes.outcomeBand(instrument, band)
                members["interpretation"] = [["coding": [code.coding], "text": .string(band.label)]]
            }
            var notes: [JSONValue] = []
            let reads = "\(score.text(decimals: rule.decimals)) of \(rule.range.lowerBound)–\(rule.range.upperBound)" + (rule.unit.map { " \($0)" } ?? "")
            if finer { notes.append(["text": .string("Scored \(reads) (higher is \(rule.higherIsBetter ? "better" : "worse"))")]) }
            if let course, rule.id == course.changeScore, let change = course.change, let threshold = instrument.change?.threshold, let reached = course.reached,
               let improvement = course.improvement, let start = course.baseline.scores?.values[rule.id] {
                let unit = rule.unit.map { " \($0)" } ?? ""
                let shown = { (value: ExactScore) in value.text(decimals: rule.decimals) + unit }
                let points = thresholdText(threshold.value.points)
                notes.append(["text": .string("Change from the baseline of \(course.baseline.entry.occurredAt) (\(shown(start))): \(shown(change)) "
                    + "(improvement \(improvement.text(decimals: rule.decimals)); higher is \(rule.higherIsBetter ? "better" : "worse")); "
                    + "\(threshold.kind) \(points)\(unit) \(reached ? "reached" : "not reached")")])
            }
            if let course, rule.id == course.changeScore, !course.activityChanges.isEmpty {
                // Patient-chosen activities: each one's change, judged by the single-activity threshold.
                let single = instrument.change?.threshold.flatMap { threshold in threshold.value.singleItemPoints.map { (threshold.kind, $0) } }
                let changes = course.activityChanges.map { change in
                    "\(change.activity) \(change.baseline) → \(change.latest)"
                        + (single.map { kind, points in " (\(kind) \(thresholdText(points)) \(change.reached == true ? "reached" : "not reached"))" } ?? "")
                }
                notes.append(["text": .string("Each activity from the baseline: " + changes.joined(separator: "; "))])
            }
            if !notes.isEmpty { members["note"] = .array(notes) }
            resources.append(.object(members))
        }
        return resources
    }

    /// A threshold as its file writes it (`7.5`, `3`): judged exactly, so never rounded to the
    /// score's decimals (7.5 stays 7.5 on a score shown whole).
    static func thresholdText(_ value: ExactScore) -> String {
        var text = value.text(decimals: 2)
        while text.hasSuffix("0") || text.hasSuffix(".") { if text.removeLast() == "." { break } }
        return text
    }

    /// One item per answer given, in order: its number (or the activity's position) as
    /// `linkId`, the wording only as the licence allows; none for a skipped item.
    static func responseItems(_ outcome: OutcomeRecorded, instrument: Instrument?) -> [JSONValue] {
        outcome.answers.enumerated().compactMap { index, answer -> JSONValue? in
            guard let answer else { return nil }
            var item: [String: JSONValue] = ["linkId": .string(String(index + 1))]
            if let activities = outcome.activities, index < activities.count {
                item["text"] = .string(activities[index])  // the patient's own words, not the instrument's
            } else if let instrument, instrument.licence.itemText != "none", index < instrument.items.count, let text = instrument.items[index].text {
                item["text"] = .string(text)
            }
            item["answer"] = [["valueInteger": .int(answer)]]
            return .object(item)
        }
    }

    /// An instrument version's Questionnaire: its items and their ranges, the wording only as
    /// the licence allows, the licence note as its copyright.
    static func questionnaire(_ instrument: Instrument) -> JSONValue {
        func range(_ range: ClosedRange<Int>) -> JSONValue {
            [["url": .string(FHIRCodes.minValueExtension), "valueInteger": .int(range.lowerBound)],
             ["url": .string(FHIRCodes.maxValueExtension), "valueInteger": .int(range.upperBound)]]
        }
        let items: [JSONValue]
        if let activities = instrument.activities {
            // Patient-chosen activities: one item per possible activity, its text the patient's words in each response.
            items = (1...activities.count.upperBound).map { position in
                ["linkId": .string(String(position)), "type": "integer", "required": .bool(position <= activities.count.lowerBound),
                 "prefix": .string("Activity \(position)"), "extension": range(activities.range)]
            }
        } else {
            items = instrument.items.map { item in
                var members: [String: JSONValue] = ["linkId": .string(String(item.number)), "type": "integer", "prefix": .string(String(item.number)),
                                                    "required": false, "extension": range(item.range)]
                if instrument.licence.itemText != "none", let text = item.text { members["text"] = .string(text) }
                return .object(members)
            }
        }
        let computable = instrument.abbreviation.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        var members: [String: JSONValue] = [
            "resourceType": "Questionnaire", "id": .string(derivedID("Questionnaire", instrument.id, String(instrument.version))),
            "url": .string("\(FHIRCodes.questionnaireBase)/\(instrument.id)"), "version": .string(String(instrument.version)),
            "name": .string((computable.first?.isUppercase == true ? "" : "Q") + computable + "_v\(instrument.version)"),
            "title": .string(instrument.name), "status": "active", "subjectType": ["Patient"],
            "description": .string("\(instrument.name) (\(instrument.abbreviation)) version \(instrument.version) as Myolog records and scores it from its instrument file. Sources: "
                + instrument.sources.joined(separator: " ")),
            "copyright": .string(instrument.licence.note),
            "item": .array(items),
        ]
        if let panel = instrument.codes["loincPanel"] { members["code"] = [["system": .string(FHIRCodes.loinc), "code": .string(panel)]] }
        return .object(members)
    }

    /// Who wrote an entry: their `Practitioner` in the Bundle when the event is signed by a person
    /// (as its Provenance names them), else their name as written, by identifier.
    static func practitioner(_ event: EventEnvelope, people: [String: UserStanding]) -> JSONValue {
        guard event.authorRole != nil else { return author(event) }
        return ["reference": .string("urn:uuid:\(derivedID("Practitioner", event.author))"),
                "identifier": ["system": .string(FHIRCodes.authorIdentifier), "value": .string(event.author)],
                "display": .string(people[event.author]?.displayName ?? event.author)]
    }
}
