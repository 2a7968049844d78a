import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto
import EventSync

/// The store's people (issue 33): signing in with a person's own key, the permission table the
/// store obeys, and the user events — each a signed event every site applies in causal order
/// (`UserDirectory`).
extension EventStore {
    /// The store's user directory, as stored.
    public func userDirectory() throws -> UserDirectory {
        try read { UserDirectory(events: try $0.userEvents()) }
    }

    /// Signs `key`'s user in (beside any other signed in): from now on this process's appends in
    /// their name carry their role and signature. Refused for a user the directory does not know, a removed one, and a key
    /// the directory does not bind to them.
    ///
    /// - Parameter key: The person's key (read from their configuration directory).
    /// - Returns: Their standing.
    /// - Throws: `PeopleError`.
    @discardableResult
    public func signIn(_ key: UserKey) throws -> UserStanding {
        let directory = try userDirectory()
        guard let standing = directory.standing(of: key.user) else {
            throw directory.isEmpty ? PeopleError.noUsersYet : PeopleError.unknownUser(key.user)
        }
        guard !standing.isRemoved else { throw PeopleError.userRemoved(key.user) }
        guard standing.keys.contains(key.publicKey) else { throw PeopleError.keyNotBound(user: key.user, path: key.path) }
        people.withLock { $0.signers[key.user] = SignedInUser(standing: standing, key: key) }
        return standing
    }

    /// The person signed in under `name`, if any, as they stood when they signed in.
    ///
    /// - Parameter name: The user name.
    /// - Returns: Their standing.
    public func signedIn(_ name: String) -> UserStanding? { people.withLock { $0.signers[name]?.standing } }

    /// Makes every later append by a signed-in person ask `permissions` first.
    ///
    /// - Parameter permissions: The permission table.
    public func obey(_ permissions: any AuthorPermissions) {
        people.withLock { $0.permissions = permissions }
    }

    /// Adds a store's first user — themselves, with `key` — and signs them in. Refused once the
    /// store has any user.
    ///
    /// - Parameters:
    ///   - key: The founder's key.
    ///   - displayName: How people see them named.
    ///   - roles: Their roles (a solo practice: practice manager and therapist).
    ///   - registration: A professional registration number, if any.
    /// - Returns: The `UserAdded` envelope.
    /// - Throws: `PeopleError`, or the store's error.
    @discardableResult
    public func foundFirstUser(_ key: UserKey, displayName: String, roles: [String], registration: String?) throws -> EventEnvelope {
        try Self.checkUserFields(name: key.user, displayName: displayName, roles: roles, registration: registration)
        let envelope = try write { transaction -> EventEnvelope in
            guard try transaction.storedUserEvents().isEmpty else { throw PeopleError.userExists(key.user) }
            transaction.signInFounder(key, displayName: displayName, roles: Set(roles), registration: registration)
            // The founder's enrolment is theirs alone to write: no permission table applies yet.
            transaction.permissions = nil
            return try transaction.append(Self.userAdded(key.user, displayName: displayName, roles: roles, registration: registration, key: key.publicKey),
                                          author: key.user)
        }
        try signIn(key)
        return envelope
    }

    /// The `UserAdded` event.
    static func userAdded(_ name: String, displayName: String, roles: [String], registration: String?, key: Data) -> NewEvent {
        var payload: [String: JSONValue] = [
            "user": .string(name), "displayName": .string(displayName), "roles": .array(roles.sorted().map(JSONValue.string)),
            "publicKey": .string(key.base64EncodedString()),
        ]
        if let registration { payload["registration"] = .string(registration) }
        return NewEvent(type: SystemEventType.userAdded, schemaVersion: 1, patient: nil, payload: .object(payload))
    }

    /// Adds a user, by the signed-in person (a practice manager, as the permission table says).
    ///
    /// - Parameters:
    ///   - name: The new user's name.
    ///   - displayName: How people see them named.
    ///   - roles: Their roles.
    ///   - registration: A registration number, if any.
    ///   - key: Their raw Ed25519 public key.
    ///   - author: Who adds them.
    /// - Returns: The event.
    /// - Throws: `PeopleError`, or the store's error.
    @discardableResult
    public func addUser(_ name: String, displayName: String, roles: [String], registration: String?, key: Data, by author: String) throws -> EventEnvelope {
        try Self.checkUserFields(name: name, displayName: displayName, roles: roles, registration: registration)
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil else {
            throw EventLogError.invalidField(field: "key", value: key.base64EncodedString(), accepted: "the base64 of a 32-byte Ed25519 public key")
        }
        return try write { transaction in
            let directory = try Self.managedBy(author, "add users", in: transaction)
            if directory.standing(of: name) != nil { throw PeopleError.userExists(name) }
            return try transaction.append(Self.userAdded(name, displayName: displayName, roles: roles, registration: registration, key: key), author: author)
        }
    }

    /// Grants or revokes one role.
    ///
    /// - Parameters:
    ///   - role: The role.
    ///   - name: Whose.
    ///   - grant: True to grant, false to revoke.
    ///   - author: Who changes it.
    /// - Returns: The event.
    /// - Throws: `PeopleError`, or the store's error.
    @discardableResult
    public func changeRole(_ role: String, of name: String, grant: Bool, by author: String) throws -> EventEnvelope {
        try write { transaction in
            _ = try Self.managedBy(author, "change roles", in: transaction)
            let standing = try Self.existing(name, in: transaction)
            guard standing.roles.contains(role) != grant else { throw PeopleError.roleUnchanged(user: name, role: role, held: grant) }
            return try transaction.append(NewEvent(type: grant ? SystemEventType.userRoleGranted : SystemEventType.userRoleRevoked, schemaVersion: 1, patient: nil,
                                                   payload: ["user": .string(name), "role": .string(role)]), author: author)
        }
    }

    /// Removes a user: from this point in causal order nothing is accepted in their name.
    ///
    /// - Parameters:
    ///   - name: Whom.
    ///   - reason: Why (required).
    ///   - author: Who removes them.
    /// - Returns: The event.
    /// - Throws: `PeopleError`, or the store's error.
    @discardableResult
    public func removeUser(_ name: String, reason: String, by author: String) throws -> EventEnvelope {
        try EventLogError.checkName(reason, field: "reason", maximumLength: 500, accepted: "a reason of 1–500 characters without control or invisible characters")
        return try write { transaction in
            _ = try Self.managedBy(author, "remove users", in: transaction)
            _ = try Self.existing(name, in: transaction)
            return try transaction.append(NewEvent(type: SystemEventType.userRemoved, schemaVersion: 1, patient: nil,
                                                   payload: ["user": .string(name), "reason": .string(reason)]), author: author)
        }
    }

    /// Binds a new key to a user and revokes their others, from this point in causal order.
    ///
    /// - Parameters:
    ///   - name: Whose key.
    ///   - key: The new raw Ed25519 public key.
    ///   - author: Who rotates it: the person (signing with the old key) or a practice manager.
    /// - Returns: The event.
    /// - Throws: `PeopleError`, or the store's error.
    @discardableResult
    public func rotateKey(of name: String, to key: Data, by author: String) throws -> EventEnvelope {
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil else {
            throw EventLogError.invalidField(field: "key", value: key.base64EncodedString(), accepted: "the base64 of a 32-byte Ed25519 public key")
        }
        return try write { transaction in
            // Their own key, or a practice manager's binding: what the directory obeys.
            if author != name { _ = try Self.managedBy(author, "rotate another user's key", in: transaction) }
            let standing = try Self.existing(name, in: transaction)
            guard standing.keys != [key] else { throw EventLogError.invalidField(field: "key", value: key.base64EncodedString(), accepted: "a key other than the one bound now") }
            return try transaction.append(NewEvent(type: SystemEventType.userKeyRotated, schemaVersion: 1, patient: nil,
                                                   payload: ["user": .string(name), "publicKey": .string(key.base64EncodedString())]), author: author)
        }
    }

    /// The directory, after checking that `author` holds the practice-manager role in it: the
    /// directory obeys no other author's change (`UserDirectory`), so none is written.
    private static func managedBy(_ author: String, _ action: String, in transaction: AppendTransaction) throws -> UserDirectory {
        let directory = UserDirectory(events: try transaction.storedUserEvents())
        guard directory.standing(of: author)?.holds("practice-manager") == true else {
            throw directory.isEmpty ? PeopleError.noUsersYet : PeopleError.needsRole(user: author, action: action, role: "practice-manager")
        }
        return directory
    }

    private static func existing(_ name: String, in transaction: AppendTransaction) throws -> UserStanding {
        guard UserName.isValid(name) else { throw PeopleError.invalidUserName(name) }
        guard let standing = UserDirectory(events: try transaction.storedUserEvents()).standing(of: name) else { throw PeopleError.unknownUser(name) }
        guard !standing.isRemoved else { throw PeopleError.userRemoved(name) }
        return standing
    }

    static func checkUserFields(name: String, displayName: String, roles: [String], registration: String?) throws {
        guard UserName.isValid(name) else { throw PeopleError.invalidUserName(name) }
        try EventLogError.checkName(displayName, field: "display", maximumLength: 100, accepted: "a name of 1–100 characters without control or invisible characters")
        if let registration {
            try EventLogError.checkName(registration, field: "registration", maximumLength: 60, accepted: "1–60 characters without control or invisible characters")
        }
        guard !roles.isEmpty else { throw EventLogError.invalidField(field: "role", value: "", accepted: "at least one role") }
    }
}
