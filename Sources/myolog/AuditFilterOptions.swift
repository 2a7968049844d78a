import AccessAudit
import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

/// Which accesses: what `audit`, `audit review` and `audit export fhir` share.
struct AuditFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only accesses to this patient (id or first 8+ characters).", valueName: "patient"), transform: IDReference.init)
    var patient: IDReference?

    @Option(help: ArgumentHelp("Only accesses by this user.", valueName: "user"))
    var user: String?

    @Option(help: ArgumentHelp("From this instant or day (inclusive; a day is its start, here).", valueName: "time"), transform: AuditFilterOptions.start)
    var since: Timestamp?

    @Option(help: ArgumentHelp("Up to this instant or day (inclusive of the whole day).", valueName: "time"), transform: AuditFilterOptions.end)
    var until: Timestamp?

    @Option(help: ArgumentHelp("Only this kind of access.", valueName: "action"))
    var action: RecordAccessed.Action?

    func validate() throws {
        if let user, user.isEmpty { throw ValidationError("user: an empty user is not accepted; give a user name") }
        if let since, let until, until < since { throw ValidationError("until: \(until) is before --since \(since); give an --until after --since") }
    }

    /// The filter, with the patient resolved in `reader`.
    func filter(in reader: EventReader) throws -> AccessFilter {
        // An erased patient's accesses stay answerable: resolved by id among every patient the log names.
        let patientID = try patient.map { try ClinicalQueries(reader).resolvePatient($0) }
        return AccessFilter(patient: patientID, user: user, since: since, until: until.map { Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + 1) }, action: action)
    }

    @Sendable static func start(_ text: String) throws -> Timestamp {
        if let date = CivilDate(iso: text) { return Timestamp(startOf: date, in: .current) }
        guard let instant = Timestamp(rfc3339: text) else { throw refusal("since", text) }
        return instant
    }

    @Sendable static func end(_ text: String) throws -> Timestamp {
        if CivilDate(iso: text) != nil { return try TimeTravelOptions.instant(text) }
        guard let instant = Timestamp(rfc3339: text) else { throw refusal("until", text) }
        return instant
    }

    static func refusal(_ field: String, _ text: String) -> ValidationError {
        ValidationError("\(field): \"\(text.prefix(60))\" is not accepted; accepted: an ISO 8601 instant like 2026-03-03T09:15:00Z or a date YYYY-MM-DD")
    }
}
