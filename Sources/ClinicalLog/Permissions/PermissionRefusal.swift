import EventModel

/// A person refused an act their roles do not allow. One line, naming the user, what they tried
/// and who may do it; nothing was written (a refused read is recorded as refused by the caller).
///
/// Each case has a stable ``Code``: tests and scripts match the code, people read the line.
public enum PermissionRefusal: Remediable, CodedError, Sendable, Equatable {
    /// `user`, holding `held`, may not do `action`; `permitted` are the roles that may.
    case notPermitted(user: String, held: [Role], action: Permission, permitted: [Role])
    /// `user` may amend entries, but not this one: it is `author`'s, written as `authorRole`.
    case notTheirEntry(user: String, held: [Role], entry: String, author: String, authorRole: String?)
    /// `user` may co-sign, but not their own entry.
    case ownEntry(user: String, entry: String)
    /// An event type a node writes by itself, never a person.
    case nodeAuthored(String)
    /// An event type the permission table does not name, so no one may write it.
    case unknownEventType(String)
    /// No one is signed in to a store that has people, so no role can be checked.
    case signInNeeded(action: Permission, permitted: [Role])

    /// One code per case. Codes are stable: scripts and tests match them, so one is never
    /// renamed nor reused for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case notPermitted, notTheirEntry, ownEntry, nodeAuthored, unknownEventType, signInNeeded
    }

    public var code: Code {
        switch self {
        case .notPermitted: .notPermitted
        case .notTheirEntry: .notTheirEntry
        case .ownEntry: .ownEntry
        case .nodeAuthored: .nodeAuthored
        case .unknownEventType: .unknownEventType
        case .signInNeeded: .signInNeeded
        }
    }

    public var remedy: Remedy? {
        if case .signInNeeded = self { return .giveAuthor }
        return nil
    }

    public var fact: String {
        switch self {
        case .notPermitted(let user, let held, let action, let permitted):
            let may = permitted.isEmpty ? "no role may" : "roles that may: \(Self.list(permitted))"
            return "permission: \(user) (\(Self.list(held))) may not \(action.summary); \(may)"
        case .notTheirEntry(let user, let held, let entry, let author, let authorRole):
            let role = authorRole.map { " as \(Role(rawValue: $0)?.display ?? $0)" } ?? ""
            return "permission: \(user) (\(Self.list(held))) may not correct or retract entry \(entry): it is \(author)'s (written\(role)); "
                + "accepted: its author, a therapist for a student's entry, or a practice manager"
        case .ownEntry(let user, let entry):
            return "permission: \(user) may not co-sign entry \(entry): it is their own; another therapist co-signs it"
        case .nodeAuthored(let type):
            return "permission: a \(type) event is written by a node by itself, never in a person's name"
        case .unknownEventType(let type):
            return "permission: no role may write a \(type) event (the permission table does not name it)"
        case .signInNeeded(let action, let permitted):
            return "permission: this store has users, and no one signed in may \(action.summary); roles that may: \(Self.list(permitted))"
        }
    }

    /// Roles as a refusal lists them, in the vocabulary's order; "no role" for none.
    static func list(_ roles: [Role]) -> String {
        roles.isEmpty ? "no role" : roles.sorted().map(\.display).joined(separator: ", ")
    }
}
