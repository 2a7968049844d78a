import Foundation
import EventLog
import EventModel
import EventSync

/// What people wrote beyond their roles, found in the log: every event a person signed is judged
/// against the roles the user directory gave them *at that point in causal order* — the same
/// events give the same findings at every site. A store refuses such an event when its own
/// person writes it (``ClinicalPermissions``); one received from a peer is kept, because it is
/// signed history, and named here for `verify` and `audit review`. So are the user changes the
/// directory did not obey (a user added by someone without the practice-manager role).
///
/// Judged by the table alone: whose entry a correction amends is a rule the writing store checks
/// against the entry it holds, and is not repeated here.
public enum AuthorityCheck {
    /// One finding: the event, who wrote it, in which role, and why it went beyond it.
    public struct Finding: Sendable, Hashable, Encodable {
        public var event: EventID
        public var author: String
        public var role: String?
        public var at: Timestamp
        public var reason: String
    }

    /// Every finding in the log, in arrival order.
    ///
    /// - Parameter reader: The store.
    /// - Returns: The findings; empty for a log where everyone kept to their roles.
    /// - Throws: The store's read errors.
    public static func findings(_ reader: EventReader) throws -> [Finding] {
        let stored = try reader.userEvents()
        let directory = UserDirectory(events: stored)
        guard !directory.isEmpty else { return [] }
        let userEvents = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // The directory at an event depends only on which user events its clock covers — per
        // origin, how many — so it is folded once per such point, not once per event: a store
        // has a handful of user events and millions of others.
        let userSequences = Dictionary(grouping: stored, by: \.origin).mapValues { $0.map(\.sequence) }.sorted { $0.key < $1.key }
        var folds: [[Int]: [String: UserStanding]] = [:]
        var findings = directory.fold().ineffective.map { change in
            Finding(event: change.event, author: change.author, role: userEvents[change.event]?.authorRole, at: userEvents[change.event]?.recordedAt ?? Timestamp(millisecondsSinceEpoch: 0),
                    reason: "a user change not obeyed: \(change.reason)")
        }
        var everBound: [String: Set<Data>] = [:]
        try reader.forEachEvent { event in
            guard let claimed = event.authorRole else { return }
            func flag(_ reason: String) { findings.append(Finding(event: event.id, author: event.author, role: claimed, at: event.recordedAt, reason: reason)) }
            let point = userSequences.map { origin, sequences in sequences.count { $0 <= event.clock[origin] } }
            let users = folds[point] ?? directory.fold(at: event.clock).users
            folds[point] = users
            guard let standing = users[event.author] else { return flag("\(event.author) was no user at that point") }
            // Keys from a second store founded under the same name never became this user's.
            let bound = everBound[event.author] ?? directory.keysEverBound(to: event.author)
            everBound[event.author] = bound
            if !standing.keys.contains(where: bound.contains) {
                return flag("signed with a key this store's directory never bound to \(event.author): a second store founded under that name")
            }
            guard let role = Role(rawValue: claimed), !standing.isRemoved, Role.known(standing.roles).contains(role) else {
                return flag("written as \(claimed), a role \(event.author) did not hold at that point (held: \(standing.roles.sorted().joined(separator: ", ")))")
            }
            // A sealed payload this store cannot open is judged by its type alone.
            let payload = (try? event.payloadValue()) ?? .object([:])
            do {
                _ = try Permissions.role(forEvent: event.type, payload: payload, by: event.author, among: [role])
            } catch let refusal as PermissionRefusal {
                flag("\(event.type) written as \(claimed): \(refusal.fact)")
            }
        }
        return findings
    }
}
