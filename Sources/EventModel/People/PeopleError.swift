/// A refusal about who is writing or reading: the person, their key, or their place in the
/// store's user directory. One line each, naming the user and what is accepted; the front end
/// says what to do (``remedy``) in its own words.
public enum PeopleError: Remediable, CodedError, Sendable, Equatable {
    /// The name is not a user name (``UserName``).
    case invalidUserName(String)
    /// No user of this name in the store's directory.
    case unknownUser(String)
    /// A user of this name exists already.
    case userExists(String)
    /// The user was removed: nothing more is written under their name.
    case userRemoved(String)
    /// The person's private key is not where it was looked for.
    case keyMissing(user: String, path: String)
    /// The key file can be read by other OS users.
    case insecureKey(path: String, mode: UInt16)
    /// The key file belongs to another OS account.
    case keyOfAnotherAccount(path: String)
    /// The key file is not an Ed25519 private key as Myolog writes it.
    case malformedKey(path: String)
    /// A key file exists already where a new one was to be made.
    case keyExists(path: String)
    /// The private key is not the one the directory binds to the user.
    case keyNotBound(user: String, path: String)
    /// An append names an author who is not signed in to this store.
    case notSignedIn(author: String)
    /// The store has no users yet, so only its first user can be added (by themselves).
    case noUsersYet
    /// A role the permission table does not name.
    case unknownRole(String, accepted: [String])
    /// The user holds (or lacks) the role already.
    case roleUnchanged(user: String, role: String, held: Bool)
    /// The user may not do this: it takes a role they do not hold.
    case needsRole(user: String, action: String, role: String)

    /// Codes are stable: scripts and tests match them.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case invalidUserName, unknownUser, userExists, userRemoved, keyMissing, insecureKey, keyOfAnotherAccount, malformedKey, keyExists, keyNotBound, notSignedIn
        case noUsersYet, unknownRole, roleUnchanged, needsRole
    }

    public var code: Code {
        switch self {
        case .invalidUserName: .invalidUserName
        case .unknownUser: .unknownUser
        case .userExists: .userExists
        case .userRemoved: .userRemoved
        case .keyMissing: .keyMissing
        case .insecureKey: .insecureKey
        case .keyOfAnotherAccount: .keyOfAnotherAccount
        case .malformedKey: .malformedKey
        case .keyExists: .keyExists
        case .keyNotBound: .keyNotBound
        case .notSignedIn: .notSignedIn
        case .noUsersYet: .noUsersYet
        case .unknownRole: .unknownRole
        case .roleUnchanged: .roleUnchanged
        case .needsRole: .needsRole
        }
    }

    public var fact: String {
        switch self {
        case .invalidUserName(let name): "user: \"\(name.prefix(80))\" is not a user name; accepted: \(UserName.accepted)"
        case .unknownUser(let name): "user: no user \"\(name)\" in this store"
        case .userExists(let name): "user: \"\(name)\" exists already in this store"
        case .userRemoved(let name): "user: \"\(name)\" was removed from this store and may not write or read here"
        case .keyMissing(let user, let path): "user key: no private key for \"\(user)\" at \(path)"
        case .insecureKey(let path, let mode): "user key: \(path) has mode \(String(mode, radix: 8)); accepted: 0600 (readable by its owner only)"
        case .keyOfAnotherAccount(let path): "user key: \(path) belongs to another OS account; a person's key is theirs alone"
        case .malformedKey(let path): "user key: \(path) is not an Ed25519 private key (one line of base64 of 32 bytes in a regular file, not a link)"
        case .keyExists(let path): "user key: \(path) exists already; a key is never overwritten"
        case .keyNotBound(let user, let path): "user key: the key at \(path) is not a key this store binds to \"\(user)\""
        case .notSignedIn(let author): "author: \"\(author)\" is not signed in to this store with their key, so nothing is written in their name"
        case .noUsersYet: "user: this store has no users yet; the first is added by themselves, as its practice manager"
        case .unknownRole(let role, let accepted): "role: \"\(role.prefix(40))\" is not a role; accepted: \(accepted.joined(separator: ", "))"
        case .roleUnchanged(let user, let role, let held): "role: \"\(user)\" \(held ? "holds" : "does not hold") the role \(role) already"
        case .needsRole(let user, let action, let role): "as: \"\(user)\" may not \(action): it takes the \(role) role, which they do not hold"
        }
    }

    public var remedy: Remedy? {
        switch self {
        case .keyMissing(let user, _): .createUserKey(user: user)
        case .keyNotBound(let user, _): .bindUserKey(user: user)
        default: nil
        }
    }
}
