import ClinicalEvents
import EventLog
import EventModel
import EventSync

/// The permission table (``Permissions``) as a store obeys it: every local append by a
/// signed-in person asks it first, inside the append's transaction, and writes the role it
/// answers into the event's `authorRole` (hashed, signed, synced). A refusal writes nothing of
/// the transaction.
///
/// Guarantees: the same person, roles, event and record give the same answer at every site; an
/// event type the table does not name is refused (fail closed); a correction or retraction of
/// another person's entry is allowed only to a therapist for a student's entry or to a practice
/// manager, and its refusal names whose entry it was; a co-signature is never of one's own entry.
public struct ClinicalPermissions: AuthorPermissions {
    public init() {}

    public func role(for event: NewEvent, by user: UserStanding, in transaction: AppendTransaction) throws -> String {
        guard !user.isRemoved else { throw PeopleError.userRemoved(user.name) }
        let roles = Role.known(user.roles)
        if Permissions.amending.contains(event.type), let target = try referenced(event.payload.objectValue?["target"], in: transaction).first {
            // Withdrawing a mistaken registration is reception's work, not an amendment of care.
            if Self.registrationTypes.contains(target.type) {
                return try Permissions.role(forEvent: PatientRegistered.eventType, payload: event.payload, by: user.name, among: roles).rawValue
            }
            _ = try Permissions.role(forEvent: event.type, payload: event.payload, by: user.name, among: roles)
            guard let role = Permissions.amendingRole(of: target.author, writtenAs: target.authorRole, by: user.name, among: roles) else {
                throw PermissionRefusal.notTheirEntry(user: user.name, held: roles.sorted(), entry: target.id.rawValue, author: target.author, authorRole: target.authorRole)
            }
            return role.rawValue
        }
        let role = try Permissions.role(forEvent: event.type, payload: event.payload, by: user.name, among: roles)
        if event.type == Self.coSignature {
            // Every event the co-signature names (an entry, a visit) must be someone else's.
            for member in (event.payload.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let own = try referenced(member.value, in: transaction).first(where: { $0.author == user.name }) {
                    throw PermissionRefusal.ownEntry(user: user.name, entry: own.id.rawValue)
                }
            }
        }
        return role.rawValue
    }

    /// The type of a co-signature.
    static let coSignature = "EntryCoSigned"

    /// Registrations and changes of details: amended as demographics, by those who register.
    static let registrationTypes: Set<String> = [PatientRegistered.eventType, PatientDetailsChanged.eventType]

    /// The stored events a payload member names: one event id, or an array of them.
    private func referenced(_ member: JSONValue?, in transaction: AppendTransaction) throws -> [EventEnvelope] {
        let texts: [String]
        switch member {
        case .string(let text)?: texts = [text]
        case .array(let items)?: texts = items.compactMap(\.stringValue)
        default: texts = []
        }
        return try texts.compactMap(EventID.init).compactMap { try transaction.event($0) }
    }
}
