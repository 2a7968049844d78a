import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

/// The permission table at the command: a command that reads, discloses or changes what no
/// event records (the trust list) checks the signed-in person's roles before it opens patient
/// data; what a command writes is checked again by the store itself (``ClinicalLog/ClinicalPermissions``).
extension GlobalOptions {
    /// Refuses, in one line, a person whose roles do not grant `permission`, and a store with
    /// people where no one is signed in (`--as`); returns the role they act in. A store made
    /// before people had keys has plain author names and no roles: nothing to check there.
    @discardableResult
    func require(_ permission: Permission, in store: EventStore) throws -> Role? {
        guard let person = user.flatMap(store.signedIn) else {
            guard try store.userDirectory().isEmpty else { throw PermissionRefusal.signInNeeded(action: permission, permitted: Permissions.roles(permitting: permission)) }
            return nil
        }
        let roles = Role.known(person.roles)
        guard !person.isRemoved, let role = Permissions.role(for: permission, among: roles) else {
            throw PermissionRefusal.notPermitted(user: person.name, held: roles.sorted(), action: permission, permitted: Permissions.roles(permitting: permission))
        }
        return role
    }
}

extension GlobalOptions {
    /// ``require(_:in:)`` for a read of `patients`, identified before their data is opened: a
    /// refusal is recorded first, as a refused access (as ``recordedRead(_:command:patients:detail:in:by:_:)`` does).
    func require(_ permission: Permission, in store: EventStore, reading patients: [PatientID], command: String, by user: String) throws {
        do {
            try require(permission, in: store)
        } catch let refusal as PermissionRefusal where !patients.isEmpty {
            try record(RecordAccessed(action: .read, command: command, patients: patients, purpose: purpose, outcome: .refused, detail: String(refusal.fact.prefix(200))),
                       in: store, by: user)
            throw refusal
        }
    }
}
