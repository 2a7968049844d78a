import Foundation
import EventModel

/// One person as the store's user directory stands at some point in causal order: their name,
/// the roles they hold, the public keys that sign in their name, and whether they were removed.
public struct UserStanding: Sendable, Equatable {
    /// The user name (`UserName`): what `--as` and every event's author say.
    public let name: String
    /// How people see them named ("Alex Ng").
    public var displayName: String
    /// The roles they hold (the permission table's vocabulary), as stored strings.
    public var roles: Set<String>
    /// A professional registration number, if given ("MAA 12345").
    public var registration: String?
    /// The raw Ed25519 public keys bound to them and not revoked.
    public var keys: [Data]
    /// Whether they were removed: from then on (in causal order) nothing is accepted in their name.
    public var isRemoved: Bool
    /// Why they were removed.
    public var removalReason: String?
    /// Who added them (themselves, for a store's first user).
    public var addedBy: String

    /// A standing from its parts (the directory's fold, or a founder signing in before their
    /// enrolment is stored).
    public init(name: String, displayName: String, roles: Set<String>, registration: String?, keys: [Data], isRemoved: Bool, removalReason: String?, addedBy: String) {
        (self.name, self.displayName, self.roles, self.registration, self.keys) = (name, displayName, roles, registration, keys)
        (self.isRemoved, self.removalReason, self.addedBy) = (isRemoved, removalReason, addedBy)
    }

    /// Whether `role` is one they hold and they were not removed.
    public func holds(_ role: String) -> Bool { !isRemoved && roles.contains(role) }
}
