import Foundation
import GRDB
import EventModel
import EventCrypto
import EventSync

/// A person signed in to a store: their standing in its user directory and their private key.
/// Made only by ``EventStore/signIn(_:)`` (the key checked against the directory) or by the
/// founding of a store's first user.
public struct SignedInUser: Sendable {
    public let standing: UserStanding
    let key: UserKey
}

/// What a store asks before a signed-in person appends an event: the role they write it in, or
/// a refusal. The clinical library's permission table is one; the log itself knows no roles.
public protocol AuthorPermissions: Sendable {
    /// The role `user` writes `event` in, or throws the refusal (nothing of the transaction is
    /// then written).
    ///
    /// - Parameters:
    ///   - event: The event about to be appended.
    ///   - user: Who appends it.
    ///   - transaction: The transaction, to read what the decision depends on (whose entry a
    ///     correction amends, say).
    /// - Returns: The role, one of `user.roles`.
    /// - Throws: The refusal.
    func role(for event: NewEvent, by user: UserStanding, in transaction: AppendTransaction) throws -> String
}

/// Authorship of local appends: each event a person writes names the role they wrote it in
/// (hashed), and each run of their events ends on their signature (`AuthorSignature`)
/// — at a change of author, before a node's own event, and wherever the node signs.
extension AppendTransaction {
    /// The person signed in for this transaction under `name`, if any.
    ///
    /// - Parameter name: The user name.
    /// - Returns: Their standing as checked (at their first append in this transaction, rechecked).
    public func signedIn(_ name: String) -> UserStanding? { signers[name]?.standing }

    /// The role `author` appends `event` in: nil for a node's own event, and in a store from
    /// before people had keys (no user event stored). Refuses an author who is not the signed-in
    /// person in a store that has people, and what the permission table refuses.
    func authorship(of event: NewEvent, author: String) throws -> String? {
        if SystemEventType.nodeAuthored.contains(event.type) { return nil }
        guard var signer = signers[author] else {
            if hasPeople == nil { hasPeople = try !storedUserEvents().isEmpty }
            if hasPeople == false { return nil }
            throw PeopleError.notSignedIn(author: author)
        }
        if !signersChecked.contains(author) {
            // Once per transaction: a removal or a key rotation received since the sign-in
            // (a long-running `ui` or `serve`) ends the person's authority here too.
            signer = try recheck(signer)
            signersChecked.insert(author)
        }
        if let permissions { return try permissions.role(for: event, by: signer.standing, in: self) }
        // Without a permission table: the first of their roles by name (the log knows no roles).
        guard let role = signer.standing.roles.min() else { throw PeopleError.unknownUser(author) }
        return role
    }

    private func recheck(_ signer: SignedInUser) throws -> SignedInUser {
        let directory = UserDirectory(events: try storedUserEvents())
        guard let standing = directory.standing(of: signer.standing.name) else { throw PeopleError.unknownUser(signer.standing.name) }
        guard !standing.isRemoved else { throw PeopleError.userRemoved(standing.name) }
        guard standing.keys.contains(signer.key.publicKey) else { throw PeopleError.keyNotBound(user: standing.name, path: signer.key.path) }
        let checked = SignedInUser(standing: standing, key: signer.key)
        signers[standing.name] = checked
        return checked
    }

    /// Adds a stored event of the signer's to their unsigned run.
    func extendLocalRun(_ envelope: EventEnvelope) {
        if let run = localRun, run.author == envelope.author {
            localRun = (run.author, run.first, envelope.sequence, envelope.hash)
        } else {
            localRun = (envelope.author, envelope.sequence, envelope.sequence, envelope.hash)
        }
    }

    /// Signs the signer's open run, if any, on its last event.
    func signLocalRun() throws {
        guard let run = localRun, let signer = signers[run.author] else { return }
        let signature = try AuthorSignature.sign(with: signer.key.privateKey, author: run.author, origin: identity.nodeID, first: run.first, hash: run.hash)
        try storeAuthorSignature(signature, origin: identity.nodeID, sequence: run.last)
        localRun = nil
        if let index = written.lastIndex(where: { $0.origin == identity.nodeID && $0.sequence == run.last }) {
            written[index].authorSignature = signature
        }
    }

    /// Founding: signs in a store's first user for this transaction, before their `UserAdded`
    /// (which names their key) is stored.
    func signInFounder(_ key: UserKey, displayName: String, roles: Set<String>, registration: String?) {
        signers[key.user] = SignedInUser(standing: UserStanding(name: key.user, displayName: displayName, roles: roles, registration: registration,
                                                                keys: [key.publicKey], isRemoved: false, removalReason: nil, addedBy: key.user), key: key)
        // The founding transaction signs in its founder before their UserAdded is stored.
        signersChecked.insert(key.user)
    }
}
