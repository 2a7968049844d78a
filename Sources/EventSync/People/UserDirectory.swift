import Foundation
import EventModel

/// The store's people, folded from its user events (`SystemEventType/people`) —
/// the same events give the same directory at every site, in any arrival order.
///
/// Each change is folded in causal order (Lamport time, then origin and sequence: a total order
/// every store computes alike) and obeyed only if its author could make it at that point: a
/// practice manager adds, removes and changes roles and keys; a person may rotate their own key
/// (signing with the old one proves they hold it); a store's first user adds themselves — a
/// `UserAdded` with no user event in its causal past, as `init` writes it. Any other change is
/// kept in the log (it is signed history) but changes nothing, and ``fold(at:)`` lists it for
/// `verify` and the audit review.
///
/// ``standing(of:at:)`` answers *at a point in causal order* (an event's clock): a removal, a role
/// change or a key rotation applies to what was written after it, never to what was written
/// before it or concurrently with it at another site.
public struct UserDirectory: Sendable {
    /// One user event, parsed.
    struct Change: Sendable {
        var id: EventID
        var origin: NodeID
        var sequence: Int
        var lamport: Int
        var clock: VectorClock
        var author: String
        var kind: Kind
    }

    enum Kind: Sendable {
        case added(user: String, displayName: String, roles: [String], registration: String?, key: Data)
        case granted(user: String, role: String)
        case revoked(user: String, role: String)
        case removed(user: String, reason: String)
        case rotated(user: String, key: Data)

        var user: String {
            switch self {
            case .added(let user, _, _, _, _), .granted(let user, _), .revoked(let user, _), .removed(let user, _), .rotated(let user, _): user
            }
        }
    }

    /// A user event that changed nothing, and why.
    public struct IneffectiveChange: Sendable, Equatable {
        public var event: EventID
        public var author: String
        public var reason: String
    }

    /// What the directory holds at a point: every user, and the changes it did not obey.
    public struct Fold: Sendable {
        public var users: [String: UserStanding]
        public var ineffective: [IneffectiveChange]
    }

    private var changes: [Change] = []

    /// An empty directory.
    public init() {}

    /// The directory of these events (others are ignored).
    ///
    /// - Parameter events: Any events; the user events among them are folded.
    public init(events: some Sequence<EventEnvelope>) {
        for event in events { record(event) }
    }

    /// Whether no user event is known: a store from before people had keys.
    public var isEmpty: Bool { changes.isEmpty }

    /// Adds a user event (stored or received); any other event is ignored. A user event whose
    /// payload is not as this version writes it is kept out: it changes nothing.
    ///
    /// - Parameter event: The event.
    public mutating func record(_ event: EventEnvelope) {
        // A user change no person signed (no role named: the receive rules refuse it, and a row
        // written with sqlite3 is caught by verify) changes nothing.
        guard SystemEventType.people.contains(event.type), event.authorRole != nil, let kind = Self.kind(of: event) else { return }
        let change = Change(id: event.id, origin: event.origin, sequence: event.sequence, lamport: event.lamport, clock: event.clock,
                            author: event.author, kind: kind)
        let index = changes.firstIndex { Self.precedes(change, $0) } ?? changes.endIndex
        changes.insert(change, at: index)
    }

    /// Whether `event` (of `SystemEventType.people`) has a payload the directory can fold.
    ///
    /// - Parameter event: A user event.
    /// - Returns: Whether ``record(_:)`` would fold it.
    public static func isWellFormed(_ event: EventEnvelope) -> Bool { kind(of: event) != nil }

    /// Why `event`, a user event, may not enter the log, or nil (also for any other event): it
    /// must name its author's role (so carry their signature) and a payload the fold reads.
    /// The one rule receipt and the stored-chain walk both apply.
    ///
    /// - Parameter event: Any event.
    /// - Returns: The reason in words, or nil.
    public static func refusal(of event: EventEnvelope) -> String? {
        guard SystemEventType.people.contains(event.type) else { return nil }
        guard event.authorRole != nil else { return "a \(event.type) must name its author's role and carry their signature" }
        guard isWellFormed(event) else { return "its \(event.type) payload is not one this version reads (a user name, known roles, a 32-byte key)" }
        return nil
    }

    /// `user`'s standing, from the changes causally before `clock` (all known, when nil).
    ///
    /// - Parameters:
    ///   - user: The user name.
    ///   - clock: The point in causal order: an event's clock; nil for everything known.
    /// - Returns: Their standing, or nil if they were never (effectively) added by then.
    public func standing(of user: String, at clock: VectorClock? = nil) -> UserStanding? {
        fold(at: clock).users[user]
    }

    /// The keys that may sign `user`'s run of events in `origin`'s chain, sequences `first` through
    /// `last` (clocks `firstClock`, `lastClock`): a key bound to them just before the run began
    /// *and* still bound at its end — so a key revoked anywhere in the run's causal past signs
    /// nothing — with two exceptions, each for a change the run itself makes:
    /// - a person rotating their own key in the run signs it with the key it replaces (proof they
    ///   held it), never with the new key it names;
    /// - a store's first user, enrolling themselves in the run, signs with the key their
    ///   enrolment names (they had none before).
    ///
    /// - Parameters:
    ///   - user: The author.
    ///   - origin: The chain.
    ///   - first: The run's first sequence.
    ///   - last: The run's last sequence (the signed event).
    ///   - firstClock: The clock of the run's first event.
    ///   - lastClock: The clock of the run's last event.
    /// - Returns: The keys; empty if none may sign.
    public func signingKeys(of user: String, origin: NodeID, first: Int, last: Int, firstClock: VectorClock, lastClock: VectorClock) -> [Data] {
        let before = standing(of: user, at: Self.clock(firstClock, before: first, of: origin))
        let after = standing(of: user, at: lastClock)
        let inRun = changes.filter { $0.origin == origin && (first...last).contains($0.sequence) && $0.author == user && $0.kind.user == user }
        guard let before else {
            // No standing before the run: only a founder's own enrolment, made in it, may sign.
            let founded = inRun.contains { if case .added = $0.kind { true } else { false } }
            return founded && after?.addedBy == user ? after?.keys ?? [] : []
        }
        // A rotation of their own key: signed with a key bound before the run and still bound
        // just before the rotation (a key a manager revoked in its causal past signs none).
        if let rotation = inRun.first(where: { if case .rotated = $0.kind { true } else { false } }) {
            let bound = standing(of: user, at: Self.clock(rotation.clock, before: rotation.sequence, of: rotation.origin))?.keys ?? []
            return before.keys.filter(bound.contains)
        }
        return before.keys.filter { after?.keys.contains($0) ?? false }
    }

    /// `clock` just before `origin`'s event at `sequence`: what that event's author had seen,
    /// the event itself left out.
    private static func clock(_ clock: VectorClock, before sequence: Int, of origin: NodeID) -> VectorClock {
        var entries = clock.entries
        entries[origin] = sequence - 1
        return VectorClock(entries.filter { $0.value > 0 })
    }

    /// Every key the directory ever bound to `user` (obeyed additions and rotations, whatever
    /// came after): a person's event signed with a key outside these was signed under a name
    /// another store's founder took, and is named by `verify`.
    ///
    /// - Parameter user: The user name.
    /// - Returns: The keys.
    public func keysEverBound(to user: String) -> Set<Data> {
        var keys: Set<Data> = []
        for index in changes.indices where changes[index].kind.user == user {
            // Each change as the fold obeys it: the standing just after it, in the total order.
            let prefix = Array(changes[...index])
            let directory = UserDirectory(ordered: prefix)
            keys.formUnion(directory.fold().users[user]?.keys ?? [])
        }
        return keys
    }

    private init(ordered: [Change]) { changes = ordered }

    /// Every user and every change not obeyed, from the changes causally before `clock`.
    ///
    /// - Parameter clock: The point in causal order; nil for everything known.
    /// - Returns: The fold.
    public func fold(at clock: VectorClock? = nil) -> Fold {
        var users: [String: UserStanding] = [:]
        var ineffective: [IneffectiveChange] = []
        let included = changes.filter { change in clock.map { $0[change.origin] >= change.sequence } ?? true }
        for change in included {
            let author = users[change.author]
            let isManager = author?.holds("practice-manager") ?? false
            func refuse(_ reason: String) { ineffective.append(IneffectiveChange(event: change.id, author: change.author, reason: reason)) }
            switch change.kind {
            case .added(let user, let displayName, let roles, let registration, let key):
                if change.author == user {
                    // Added by themselves: a store's first user (a founder), with no user event in
                    // the causal past of the addition — two stores founded apart each have one —
                    // or a person founding another store with the key they already hold: then
                    // one person, and no role they did not hold (roles come from a manager).
                    if let existing = users[user] {
                        guard !existing.isRemoved, existing.keys.contains(key) else {
                            refuse("\(user) added themselves again with a key \(user) does not hold (or after their removal)"); continue
                        }
                        continue
                    }
                    let founder = !included.contains { $0.id != change.id && change.clock[$0.origin] >= $0.sequence }
                    guard founder else { refuse("\(user) added themselves, but only a store's first user does"); continue }
                } else {
                    guard isManager else { refuse("\(change.author) added \(user) without the practice-manager role"); continue }
                }
                if var existing = users[user] {
                    // Two managers added the same person concurrently: one person, both keys.
                    guard !existing.isRemoved else { refuse("\(user) was removed; a removed user is not added again"); continue }
                    existing.roles.formUnion(roles)
                    if !existing.keys.contains(key) { existing.keys.append(key) }
                    users[user] = existing
                } else {
                    users[user] = UserStanding(name: user, displayName: displayName, roles: Set(roles), registration: registration, keys: [key],
                                               isRemoved: false, removalReason: nil, addedBy: change.author)
                }
            case .granted(let user, let role), .revoked(let user, let role):
                guard isManager else { refuse("\(change.author) changed the roles of \(user) without the practice-manager role"); continue }
                guard var standing = users[user] else { refuse("no user \(user)"); continue }
                if case .granted = change.kind { standing.roles.insert(role) } else { standing.roles.remove(role) }
                users[user] = standing
            case .removed(let user, let reason):
                guard isManager else { refuse("\(change.author) removed \(user) without the practice-manager role"); continue }
                guard var standing = users[user] else { refuse("no user \(user)"); continue }
                standing.isRemoved = true
                standing.removalReason = reason
                users[user] = standing
            case .rotated(let user, let key):
                let own = change.author == user && !(author?.isRemoved ?? true)
                guard own || isManager else { refuse("\(change.author) rotated the key of \(user) without the practice-manager role"); continue }
                guard var standing = users[user] else { refuse("no user \(user)"); continue }
                standing.keys = [key]
                users[user] = standing
            }
        }
        return Fold(users: users, ineffective: ineffective)
    }

    /// The total causal order the directory folds in: Lamport time, then origin, then sequence.
    private static func precedes(_ a: Change, _ b: Change) -> Bool {
        (a.lamport, a.origin.rawValue, a.sequence) < (b.lamport, b.origin.rawValue, b.sequence)
    }

    private static func kind(of event: EventEnvelope) -> Kind? {
        guard case .object(let payload)? = try? event.payloadValue(), let user = payload["user"]?.stringValue, UserName.isValid(user) else { return nil }
        func key() -> Data? {
            payload["publicKey"]?.stringValue.flatMap { Data(base64Encoded: $0) }.flatMap { $0.count == 32 ? $0 : nil }
        }
        switch event.type {
        case SystemEventType.userAdded:
            guard let displayName = payload["displayName"]?.stringValue, case .array(let roles)? = payload["roles"], let key = key() else { return nil }
            let names = roles.compactMap(\.stringValue)
            guard names.count == roles.count, !names.isEmpty, names.allSatisfy(SystemEventType.roles.contains) else { return nil }
            return .added(user: user, displayName: displayName, roles: names, registration: payload["registration"]?.stringValue, key: key)
        case SystemEventType.userRoleGranted, SystemEventType.userRoleRevoked:
            guard let role = payload["role"]?.stringValue, SystemEventType.roles.contains(role) else { return nil }
            return event.type == SystemEventType.userRoleGranted ? .granted(user: user, role: role) : .revoked(user: user, role: role)
        case SystemEventType.userRemoved:
            return .removed(user: user, reason: payload["reason"]?.stringValue ?? "")
        case SystemEventType.userKeyRotated:
            return key().map { .rotated(user: user, key: $0) }
        default:
            return nil
        }
    }
}
