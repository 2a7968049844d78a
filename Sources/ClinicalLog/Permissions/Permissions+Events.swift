import ClinicalEvents
import EventModel

/// What a person needs to write an event of a given type.
public enum EventRequirement: Sendable, Hashable {
    /// A role that grants this permission.
    case permission(Permission)
    /// Any role at all: the record of a read that was refused is written whoever tried.
    case anyRole
    /// No person writes it: the node does, by itself (its enrolment, an erasure it relays).
    case nodeOnly
}

extension Permissions {
    /// The permission each event type a person writes needs. A type not named here is written
    /// by no one (fail closed): a new event type is refused until it has a row.
    ///
    /// The types of the sign-off, co-signature and late-entry rule, and of the user directory,
    /// are named by their strings: their payloads live in other modules, and the strings are
    /// what the log stores.
    public static let eventPermissions: [String: Permission] = [
        PatientRegistered.eventType: .registerPatients,
        PatientDetailsChanged.eventType: .registerPatients,
        HistoryEntryRecorded.eventType: .recordCare,
        VisitStarted.eventType: .recordCare,
        VisitEnded.eventType: .recordCare,
        TriggerPointFound.eventType: .recordCare,
        TriggerPointResolved.eventType: .recordCare,
        TechniqueApplied.eventType: .recordCare,
        PainScoreRecorded.eventType: .recordCare,
        TreatmentNoteRecorded.eventType: .recordCare,
        ConsentRecorded.eventType: .recordCare,
        PrecautionRecorded.eventType: .recordCare,
        PrecautionResolved.eventType: .recordCare,
        AdverseEventRecorded.eventType: .recordCare,
        MeasurementRecorded.eventType: .recordCare,
        OutcomeRecorded.eventType: .recordCare,
        EntryCorrected.eventType: .amendEntries,
        EntryRetracted.eventType: .amendEntries,
        "VisitSignedOff": .signOffVisits,
        "EntryCoSigned": .coSignEntries,
        "UserAdded": .manageUsers,
        "UserRoleGranted": .manageUsers,
        "UserRoleRevoked": .manageUsers,
        "UserRemoved": .manageUsers,
        "UserKeyRotated": .manageUsers,
        RetentionPolicySet.eventType: .manageRetention,
        LegalHoldPlaced.eventType: .manageRetention,
        LegalHoldReleased.eventType: .manageRetention,
        PatientErased.eventType: .eraseRecords,
        SiteTimeZoneSet.eventType: .configureSite,
        "LateEntryRuleSet": .configureSite,
        // The least a read needs; ``requirement(forType:payload:)`` asks more of a read of entries.
        RecordAccessed.eventType: .seePatientList,
    ]

    /// The event types a node writes by itself, which no person may write in their name.
    public static let nodeAuthored: Set<String> = SystemEventType.nodeAuthored

    /// The type of a key rotation: a person's own needs no role beyond the one they hold.
    static let ownKeyRotation = "UserKeyRotated"

    /// The event types amending an earlier event, whose author and type decide who may write them.
    public static let amending: Set<String> = [EntryCorrected.eventType, EntryRetracted.eventType]

    /// What a person needs to write an event of `type` with `payload`.
    ///
    /// A `RecordAccessed` needs the read it records: a patient's entries shown, reported or
    /// exported need ``Permission/readClinicalRecords``; a listing needs
    /// ``Permission/seePatientList``; a disclosure to a peer ``Permission/syncRecords``; and the
    /// record of a refused read needs any role, because every attempt is recorded.
    ///
    /// A person rotating their own key needs any role (signing with their current key proves
    /// they hold it); rotating another's is managing users.
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - payload: Its payload, in plaintext.
    ///   - author: Who writes it.
    /// - Returns: What the author needs.
    /// - Throws: ``PermissionRefusal/unknownEventType(_:)`` for a type no row names.
    public static func requirement(forType type: String, payload: JSONValue, by author: String) throws -> EventRequirement {
        if nodeAuthored.contains(type) { return .nodeOnly }
        guard let permission = eventPermissions[type] else { throw PermissionRefusal.unknownEventType(type) }
        guard case .object(let members) = payload else { return .permission(permission) }
        if type == ownKeyRotation, members["user"]?.stringValue == author { return .anyRole }
        guard type == RecordAccessed.eventType else { return .permission(permission) }
        if members["outcome"]?.stringValue == RecordAccessed.Outcome.refused.rawValue { return .anyRole }
        switch members["action"]?.stringValue.flatMap(RecordAccessed.Action.init(rawValue:)) {
        case .read?, .report?, .export?: return .permission(.readClinicalRecords)
        case .disclosure?: return .permission(.syncRecords)
        case .query?, nil: return .permission(permission)
        }
    }
}

extension Permissions {
    /// The role `author`, holding `roles`, writes an event of `type` with `payload` in, by the
    /// table alone — what every site can decide from the event and the author's roles at that
    /// point. Whose entry an amendment or a co-signature is about is decided apart
    /// (``ClinicalPermissions``), against the stored entry.
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - payload: Its payload, in plaintext.
    ///   - author: Who writes it.
    ///   - roles: The roles they hold.
    /// - Returns: The role they write it in.
    /// - Throws: ``PermissionRefusal`` naming the author, the act and the roles that may.
    public static func role(forEvent type: String, payload: JSONValue, by author: String, among roles: Set<Role>) throws -> Role {
        let permission: Permission
        switch try requirement(forType: type, payload: payload, by: author) {
        case .nodeOnly: throw PermissionRefusal.nodeAuthored(type)
        case .anyRole:
            if let role = anyRole(among: roles) { return role }
            permission = .seePatientList
        case .permission(let needed):
            if let role = role(for: needed, among: roles) { return role }
            permission = needed
        }
        throw PermissionRefusal.notPermitted(user: author, held: roles.sorted(), action: permission, permitted: Self.roles(permitting: permission))
    }
}
