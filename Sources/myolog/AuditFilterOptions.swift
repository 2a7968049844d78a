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

    @Option(help: ArgumentHelp("From this day, local time or instant (inclusive; a day is its start in the site's zone).", valueName: "time"),
            transform: { try EntryDate($0, field: "since") })
    var since: EntryDate?

    @Option(help: ArgumentHelp("Up to this day, local time or instant (inclusive of the whole day).", valueName: "time"),
            transform: { try EntryDate($0, field: "until") })
    var until: EntryDate?

    @Option(help: ArgumentHelp("Only this kind of access.", valueName: "action"))
    var action: RecordAccessed.Action?

    func validate() throws {
        if let user, user.isEmpty { throw ValidationError("user: an empty user is not accepted; give a user name") }
    }

    /// The filter, with the patient resolved in `reader` and the typed days and times read on
    /// the site's `clock`.
    func filter(in reader: EventReader, clock: SiteClock) throws -> AccessFilter {
        let since = try since?.instant(on: clock), until = try until?.lastInstant(on: clock)
        if let since, let until, until < since {
            throw ValidationError("until: \(self.until!) is before --since \(self.since!); give an --until after --since")
        }
        // An erased patient's accesses stay answerable: resolved by id among every patient the log names.
        let patientID = try patient.map { try ClinicalQueries(reader).resolvePatient($0) }
        return AccessFilter(patient: patientID, user: user, since: since, until: until.map { Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + 1) }, action: action)
    }
}
