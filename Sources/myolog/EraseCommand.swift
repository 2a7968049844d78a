import ArgumentParser
import ClinicalEvents
import EventLog
import ClinicalFold
import Projections
import EventModel

struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a patient's record everywhere it syncs: their key is destroyed, their views deleted.",
        discussion: """
            Every payload about a patient is sealed under the patient's own key. Erasing appends a
            PatientErased event (who, when, the basis and reason — no personal data) and destroys
            the key in the same transaction; every store the erasure reaches by sync or bundle
            does the same. The events stay, unreadable, so every chain and signature still
            verifies. What was copied out of Myolog (FHIR exports, printed reports) and backups
            taken before the erasure are beyond its reach.

            Examples:
              myolog --as privacy.officer erase 3f2a9c1b --basis retention --reason "7 years since last visit (HPP 4)" --yes
              myolog --as privacy.officer erase 3f2a9c1b --basis request --reason "Patient's written request of 2033-05-02" --yes
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference?
    @Option(help: "The lawful ground for destroying the record.") var basis: PatientErased.Basis?
    @Option(help: "Why (kept forever: name no personal data).") var reason: String?
    @Flag(help: "Every record whose retention has ended (`myolog retention due`), basis retention.") var due = false
    @Flag(help: "Confirm: the record is destroyed everywhere it syncs, for good (with --due: erase them; without it, --due only lists them).")
    var yes = false

    func validate() throws {
        if due {
            guard patient == nil, basis == nil, reason == nil else { throw ValidationError("due: --due erases the records due, each for its retention; give no patient, --basis or --reason") }
        } else {
            guard patient != nil else { throw ValidationError("patient: give a patient id (or its first 8+ characters), or --due") }
            guard basis != nil else { throw ValidationError("basis: give --basis (retention, request, duplicate or legal)") }
            guard reason != nil else { throw ValidationError("reason: give --reason (kept forever: name no personal data)") }
            // Destroyed for good at every site: never on a mistyped id or a command recalled from history.
            guard yes else { throw ValidationError("yes: erasing destroys the patient's record everywhere it syncs, for good; nothing was erased — add --yes to confirm") }
        }
    }

    func run() throws {
        let author = try global.requireAuthor()
        let record = try global.clinicalRecord()
        try global.require(.eraseRecords, in: record.store)
        guard due else {
            let envelope = try record.write { try $0.erase(patient!, basis: basis!, reason: reason!, author: author) }
            global.printWritten(envelope, message: "Erased patient \(envelope.patient!.rawValue); erasure event:")
            try Self.requireCheckpointed(record.store)
            return
        }
        let clock = try global.siteClock(record.store)
        let day = clock.day(.now())
        guard yes else {
            let due = try record.store.read { try RetentionSchedule($0).entries(asOf: day, clock: clock).filter(\.isDue) }
            try global.record(RecordAccessed(action: .query, command: "erase --due", patients: due.map(\.patientId), purpose: global.purpose), in: record.store, by: author)
            for entry in due { print("\(entry.patientId)  \(VisibleText.escaped(entry.name ?? "-"))  kept until \(entry.retainUntil): \(VisibleText.escaped(entry.because))") }
            guard due.isEmpty else { throw ValidationError("yes: nothing was erased; --due lists the \(due.count) record\(due.count == 1 ? "" : "s") due and erases them only with --yes") }
            print("No record is due for erasure on \(day) (\(clock.identifier)).")
            return
        }
        // One transaction: the records judged due are exactly the ones erased, all or none.
        let erased = try record.write { session in
            try RetentionSchedule(session.transaction).entries(asOf: day, clock: clock).filter(\.isDue).map { entry in
                (entry, try session.erase(IDReference(entry.patientId), basis: .retention, reason: "retention ended on \(entry.retainUntil)", author: author))
            }
        }
        if global.json {
            print(JSONValue.array(erased.map { .object(["patientId": .string($0.0.patientId.rawValue), "eventId": .string($0.1.id.rawValue)]) }).canonicalString)
        } else {
            for (entry, event) in erased { print("Erased \(entry.patientId) (kept until \(entry.retainUntil)); erasure event \(event.id)") }
            print("\(erased.count) record\(erased.count == 1 ? "" : "s") erased.")
        }
        try Self.requireCheckpointed(record.store)
    }

    /// An erasure is not reported done while erased text may remain in a file of the store.
    static func requireCheckpointed(_ store: EventStore) throws {
        guard store.erasedTextMayRemain else { return }
        throw CommandFailure("erase: the erasure is committed, but erased text may remain in \(EventStore.databaseFileName)-wal: another process holds the store open (close `ui`, `serve`, `sqlite3` or a backup reading it); every later myolog command on this store retries, and `verify` says when it is done")
    }
}

extension PatientErased.Basis: ExpressibleByArgument {}
