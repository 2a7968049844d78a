import ArgumentParser
import ClinicalEvents
import EventLog
import Foundation
import EventModel

/// Every command that shows patient data records who was shown what — in the store's log, as a
/// ``RecordAccessed`` event committed *before* the data is printed (fail closed: when the record
/// cannot be written, nothing is shown). `myolog audit` reads them back.
extension GlobalOptions {
    /// Who is reading: --as or $MYOLOG_USER, required before a store is opened.
    func requireReader() throws -> String {
        guard let user else {
            throw ValidationError("as: no user given; pass --as USER or set $MYOLOG_USER (every read of patient data is recorded with who read it)")
        }
        return user
    }

    /// Appends the access to `store`'s log, or fails the command: a read that cannot be recorded
    /// is not shown.
    func record(_ access: RecordAccessed, in store: EventStore, by user: String) throws {
        do {
            _ = try store.append([access.newEvent], author: user)
        } catch {
            throw CommandFailure("audit: this access could not be recorded, so nothing is shown: \(error)")
        }
    }

    /// The access of `command` to `patients`: `produce` makes what is to be shown; its refusal is
    /// recorded as a refused access (the patients were identified) and rethrown; its success is
    /// recorded before the value is returned to be shown.
    func recordedRead<Value>(_ action: RecordAccessed.Action, command: String, patients: [PatientID], detail: String? = nil,
                             in store: EventStore, by user: String, _ produce: () throws -> Value) throws -> Value {
        let value: Value
        do {
            value = try produce()
        } catch {
            let reason = ((error as? any Remediable)?.fact ?? "\(error)").prefix(200)
            try record(RecordAccessed(action: action, command: command, patients: patients, purpose: purpose, outcome: .refused,
                                      detail: [detail, String(reason)].compactMap { $0 }.joined(separator: ": ")), in: store, by: user)
            throw error
        }
        try record(RecordAccessed(action: action, command: command, patients: patients, purpose: purpose, detail: detail), in: store, by: user)
        return value
    }
}
