import ClinicalEvents
import EventLog
import EventModel

/// Outcome measures: a patient's answers to an instrument, linked to the open visit.
extension ClinicalSession {
    /// Records `answers` to the newest version of `instrument` (or `version`), or the activities
    /// rated for an instrument of activities (PSFS). Refused, naming the field and what is
    /// accepted, for an instrument or version this Myolog does not know, the wrong number of
    /// answers, an answer outside its item's range, more skipped items than the instrument
    /// allows, or activities where there are none, too few or too many.
    @discardableResult
    public func recordOutcome(_ reference: IDReference, instrument id: String, version: Int? = nil, answers: [Int?], activities: [RatedActivity]? = nil,
                              context: OutcomeContext, note: String? = nil, date: EntryDate? = nil, author: String) throws -> EventEnvelope {
        let key = id.lowercased()
        guard let latest = Instruments.latest(key) else {
            throw ClinicalError.invalidField(field: "instrument", value: id, accepted: Instruments.ids.joined(separator: ", ") + " (myolog outcome instruments)")
        }
        guard let instrument = version.map({ Instruments.instrument(key, version: $0) }) ?? latest else {
            let versions = Instruments.all.filter { $0.id == key }.map { String($0.version) }
            throw ClinicalError.invalidField(field: "version", value: String(version!), accepted: "\(versions.joined(separator: ", ")) for \(key)")
        }
        let names = try activities.map {
            try $0.map { activity in
                let name = try input.name(activity.name, field: "activity")
                guard OutcomeRecorded.isActivityName(name) else {
                    throw ClinicalError.invalidField(field: "activity", value: activity.name, accepted: "an activity's name without = or ; (they join activities and ratings on screen)")
                }
                return name
            }
        }
        let given = activities.map { $0.map { Optional($0.rating) } } ?? answers
        if activities != nil, !answers.isEmpty {
            throw ClinicalError.invalidField(field: "answers", value: answers.map { $0.map(String.init) ?? "-" }.joined(separator: ","),
                                             accepted: "none for \(instrument.reference): its answers are the activities' ratings (--activity)")
        }
        if let refusal = instrument.refusal(answers: given, activities: names) {
            let typed = activities.map { $0.map { "\($0.name)=\($0.rating)" }.joined(separator: "; ") } ?? given.map { $0.map(String.init) ?? "-" }.joined(separator: ",")
            throw ClinicalError.invalidField(field: refusal.field, value: typed.isEmpty ? "(none)" : typed, accepted: refusal.accepted)
        }
        let note = try note.map { try input.text($0, field: "note") }
        let when = try date.map(input.occurredAt)
        let patient = try patient(reference)
        if let when { try refuseBeforeBirth(when, of: patient) }
        let visit = try openVisit(of: patient)
        let payload = OutcomeRecorded(instrument: instrument.id, version: instrument.version, answers: given, activities: names, context: context.id, note: note, visit: visit)
        return try transaction.append(Self.event(payload, patient: patient, occurredAt: when), author: author)
    }
}
