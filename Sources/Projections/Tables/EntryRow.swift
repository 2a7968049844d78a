import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel
import GRDB

/// A clinical payload stored as a row of an ``EntryTable``: its members bound, typed, in the
/// order of the table's ``EntryTable/fields``, and read back by column name.
///
/// Rows are written only by the projection, from payloads that passed the strict decoder, so
/// reading one back does not check it again.
protocol EntryRow: ClinicalPayload {
    static var table: EntryTable { get }
    init(row: Row)
    func bindMembers(_ row: inout BoundStatement.Values)
}

extension ClinicalEvent {
    /// The payload as the row it is stored as, if its type has a table: chosen by case, not by
    /// casting `payload` to `any EntryRow` — a dynamic cast on every row a fold writes.
    var entryRow: (any EntryRow)? {
        switch self {
        case .painScoreRecorded(let p): p
        case .triggerPointFound(let p): p
        case .techniqueApplied(let p): p
        case .historyEntryRecorded(let p): p
        case .visitStarted(let p): p
        case .visitEnded(let p): p
        case .triggerPointResolved(let p): p
        case .treatmentNoteRecorded(let p): p
        case .consentRecorded(let p): p
        case .precautionRecorded(let p): p
        case .adverseEventRecorded(let p): p
        case .measurementRecorded(let p): p
        case .outcomeRecorded(let p): p
        case .patientRegistered, .patientDetailsChanged, .entryCorrected, .entryRetracted, .patientErased, .erasureAcknowledged, .retentionPolicySet,
             .legalHoldPlaced, .legalHoldReleased, .siteTimeZoneSet, .precautionResolved, .visitSignedOff, .entryCoSigned, .lateEntryRuleSet:
            nil
        }
    }
}

extension PainScoreRecorded: EntryRow {
    static var table: EntryTable { .painScores }
    init(row: Row) { self.init(score: row["score"], region: row["region"], context: row["context"], visit: row["visit"]) }
    func bindMembers(_ row: inout BoundStatement.Values) { row.integer(score); row.text(region); row.text(context); row.text(visit?.rawValue) }
}

extension TriggerPointFound: EntryRow {
    static var table: EntryTable { .triggerPoints }
    init(row: Row) {
        self.init(muscle: row["muscle"], side: row["side"], status: row["status"], referral: row["referral"], note: row["note"], visit: row["visit"])
    }
    func bindMembers(_ row: inout BoundStatement.Values) {
        row.text(muscle); row.text(side); row.text(status); row.text(referral); row.text(note); row.text(visit?.rawValue)
    }
}

extension TechniqueApplied: EntryRow {
    static var table: EntryTable { .techniques }
    init(row: Row) {
        let acknowledged = EntryTable.correctedBy(row["acknowledgedPrecautions"] as String?)
        self.init(technique: row["technique"], region: row["region"], minutes: row["minutes"], note: row["note"], visit: row["visit"],
                  needles: row["needles"], gauge: row["gauge"], depthMm: row["depthMm"], twitch: row["twitch"],
                  acknowledgedPrecautions: acknowledged.isEmpty ? nil : acknowledged)
    }
    func bindMembers(_ row: inout BoundStatement.Values) {
        row.text(technique); row.text(region); row.integer(minutes); row.text(note); row.text(visit?.rawValue)
        row.integer(needles); row.text(gauge); row.integer(depthMm); row.integer(twitch.map { $0 ? 1 : 0 })
        // A JSON array of event ids, as `correctedBy` is, so `myolog query` can `json_each` it.
        row.text(acknowledgedPrecautions.map(EntryTable.correctedBy))
    }
}

extension HistoryEntryRecorded: EntryRow {
    static var table: EntryTable { .history }
    init(row: Row) { self.init(kind: row["kind"], text: row["text"], date: row["date"], ergonomics: row["ergonomics"]) }
    func bindMembers(_ row: inout BoundStatement.Values) { row.text(kind); row.text(text); row.text(date); row.text(ergonomics) }
}

extension VisitStarted: EntryRow {
    static var table: EntryTable { .visits }
    init(row: Row) { self.init(reason: row["reason"]) }
    func bindMembers(_ row: inout BoundStatement.Values) { row.text(reason) }
}

extension VisitEnded: EntryRow {
    static var table: EntryTable { .visitEnds }
    init(row: Row) { self.init(visit: row["visit"], note: row["note"]) }
    func bindMembers(_ row: inout BoundStatement.Values) { row.text(visit.rawValue); row.text(note) }
}

extension TriggerPointResolved: EntryRow {
    static var table: EntryTable { .resolutions }
    init(row: Row) { self.init(finding: row["finding"], note: row["note"], visit: row["visit"]) }
    func bindMembers(_ row: inout BoundStatement.Values) { row.text(finding.rawValue); row.text(note); row.text(visit?.rawValue) }
}

extension TreatmentNoteRecorded: EntryRow {
    static var table: EntryTable { .treatmentNotes }
    init(row: Row) { self.init(subjective: row["subjective"], objective: row["objective"], assessment: row["assessment"], plan: row["plan"], visit: row["visit"]) }
    func bindMembers(_ row: inout BoundStatement.Values) { row.text(subjective); row.text(objective); row.text(assessment); row.text(plan); row.text(visit?.rawValue) }
}

extension ConsentRecorded: EntryRow {
    static var table: EntryTable { .consents }
    init(row: Row) {
        self.init(technique: row["technique"], decision: row["decision"], form: row["form"], risks: row["risks"], note: row["note"], visit: row["visit"])
    }
    func bindMembers(_ row: inout BoundStatement.Values) {
        row.text(technique); row.text(decision); row.text(form); row.text(risks); row.text(note); row.text(visit?.rawValue)
    }
}

extension PrecautionRecorded: EntryRow {
    static var table: EntryTable { .precautions }
    init(row: Row) { self.init(kind: row["kind"], note: row["note"], visit: row["visit"]) }
    func bindMembers(_ row: inout BoundStatement.Values) { row.text(kind); row.text(note); row.text(visit?.rawValue) }
}

extension AdverseEventRecorded: EntryRow {
    static var table: EntryTable { .adverseEvents }
    init(row: Row) { self.init(kind: row["kind"], severity: row["severity"], after: row["after"], note: row["note"], visit: row["visit"]) }
    func bindMembers(_ row: inout BoundStatement.Values) { row.text(kind); row.text(severity); row.text(after.rawValue); row.text(note); row.text(visit?.rawValue) }
}

extension MeasurementRecorded: EntryRow {
    static var table: EntryTable { .measurements }
    init(row: Row) {
        self.init(test: row["test"], side: row["side"], value: row["value"], unit: row["unit"], result: row["result"], note: row["note"], visit: row["visit"])
    }
    func bindMembers(_ row: inout BoundStatement.Values) {
        row.text(test); row.text(side); row.text(value); row.text(unit); row.text(result); row.text(note); row.text(visit?.rawValue)
    }
}

/// The answers and activities are stored as canonical JSON arrays (`[2,3,null,…]`), so
/// `myolog query` reads them with `json_each`; the scores are not stored: they are derived from the
/// answers by the instrument version's rules wherever they are shown.
extension OutcomeRecorded: EntryRow {
    static var table: EntryTable { .outcomes }
    init(row: Row) {
        let answers = (try? JSONParser.parse(row["answers"] as String))?.arrayValue?.map(\.intValue) ?? []
        let activities = (row["activities"] as String?).flatMap { try? JSONParser.parse($0) }?.arrayValue?.compactMap(\.stringValue)
        self.init(instrument: row["instrument"], version: row["version"], answers: answers, activities: activities, context: row["context"],
                  note: row["note"], visit: row["visit"])
    }
    func bindMembers(_ row: inout BoundStatement.Values) {
        row.text(instrument); row.integer(version)
        row.text(JSONValue.array(answers.map { $0.map(JSONValue.int) ?? .null }).canonicalString)
        row.text(activities.map { JSONValue.array($0.map(JSONValue.string)).canonicalString })
        row.text(context); row.text(note); row.text(visit?.rawValue)
    }
}
