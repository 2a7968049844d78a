/// Who may do what: the permission table, as data, in this one file. `Schemas/permissions.json`
/// is generated from it (`myolog user roles --json`) and a test keeps the two equal; the README's
/// table is the same table in words.
///
/// Guarantees: every role's permissions are listed here and nowhere else; a person holding
/// several roles acts in the first of them, in ``preference`` order, that may do what they do,
/// so the role written into an event (`authorRole`) is the same at every site for the same
/// person, roles and act.
public enum Permissions {
    /// What each role may do. Reads are recorded (`RecordAccessed`) whoever reads; an auditor's
    /// reads too. Why each row is as it is:
    /// - therapist: the clinician; syncs because a solo or small practice has no one else to
    ///   carry the day's record between its machines, and sync goes only to machines the
    ///   practice manager trusts.
    /// - student: records and amends their own care, which waits for a therapist's co-signature;
    ///   signs off nothing, co-signs nothing, discloses nothing (no sync).
    /// - front-desk: demographics only.
    /// - practice-manager: the practice's people, records policy, holds, site and machines; reads
    ///   clinical entries and may amend anyone's (a note filed under the wrong patient) but
    ///   authors no care; alone takes backups, which carry every record and the node's key.
    /// - privacy-officer: erasure and the access audit; sees names to find the record to erase,
    ///   not clinical entries (hold a second role for that).
    /// - auditor: reads everything and the audit, writes nothing but the record of their reads.
    public static let table: [Role: Set<Permission>] = [
        .therapist: [
            .registerPatients, .seePatientList, .readClinicalRecords, .recordCare, .amendEntries, .signOffVisits, .coSignEntries, .syncRecords,
        ],
        .student: [.seePatientList, .readClinicalRecords, .recordCare, .amendEntries],
        .frontDesk: [.registerPatients, .seePatientList],
        .practiceManager: [
            .registerPatients, .seePatientList, .readClinicalRecords, .amendEntries, .manageUsers, .manageRetention, .reviewAccess,
            .configureSite, .trustPeers, .syncRecords, .backUpStore,
        ],
        .privacyOfficer: [.seePatientList, .eraseRecords, .reviewAccess],
        .auditor: [.seePatientList, .readClinicalRecords, .reviewAccess],
    ]

    /// The order in which a person's roles are tried: the first that may do the act is the role
    /// they act in. A therapist who is also a student (newly registered) writes as a therapist,
    /// so their entries do not wait for a co-signature; a practice manager who is also a
    /// therapist records care as the therapist and adds users as the manager.
    public static let preference: [Role] = [.therapist, .practiceManager, .privacyOfficer, .auditor, .frontDesk, .student]

    /// The roles that may do `permission`, in ``preference`` order.
    public static func roles(permitting permission: Permission) -> [Role] {
        preference.filter { table[$0, default: []].contains(permission) }
    }

    /// The role a person holding `roles` acts in to do `permission`: the first in ``preference``
    /// order that may; nil when none may.
    public static func role(for permission: Permission, among roles: Set<Role>) -> Role? {
        preference.first { roles.contains($0) && table[$0, default: []].contains(permission) }
    }

    /// The role a person holding `roles` acts in when any role will do (recording a read that
    /// was refused): the first they hold in ``preference`` order.
    public static func anyRole(among roles: Set<Role>) -> Role? {
        preference.first(where: roles.contains)
    }

    /// The role in which `user`, holding `roles`, may correct or retract an entry written by
    /// `author` in the role `authorRole` (nil for an entry written before roles were recorded):
    /// any role that may amend, for their own entry; a therapist, as the student's supervisor,
    /// for an entry written as a student; a practice manager for anyone's. Nil when none may.
    public static func amendingRole(of author: String, writtenAs authorRole: String?, by user: String, among roles: Set<Role>) -> Role? {
        preference.first { role in
            guard roles.contains(role), table[role, default: []].contains(.amendEntries) else { return false }
            return author == user || role == .practiceManager || (role == .therapist && authorRole == Role.student.rawValue)
        }
    }

    /// The role in which `user`, holding `roles`, may co-sign an entry written by `author`:
    /// a role that may co-sign, and never for their own entry. Nil when they may not.
    public static func coSigningRole(of author: String, by user: String, among roles: Set<Role>) -> Role? {
        author == user ? nil : role(for: .coSignEntries, among: roles)
    }
}
