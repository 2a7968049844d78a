/// Something a person does in the clinic's record, as the permission table grants it: each
/// command and each event type a person writes needs exactly one of these (``Permissions``).
public enum Permission: String, CaseIterable, Sendable, Hashable, Comparable {
    /// Register patients and change their details (`patient register`, `patient update`, which
    /// also resolves a conflict between two sites' changes), withdraw a mistaken registration.
    case registerPatients = "register-patients"
    /// See who the patients are: names, dates of birth and contact details (`patients`, `id`,
    /// `retention due`), never a clinical entry.
    case seePatientList = "see-patient-list"
    /// Read clinical entries: `show`, `timeline`, `history`, `report`, `export fhir`, `ui`, `log`,
    /// `conflicts`, `query`.
    case readClinicalRecords = "read-clinical-records"
    /// Record care: visits started and ended, every `record …`, a trigger point or precaution resolved.
    case recordCare = "record-care"
    /// Correct or retract a clinical entry: one's own; a therapist also a student's; a practice
    /// manager anyone's (``Permissions/amendingRole(of:writtenAs:by:among:)``).
    case amendEntries = "amend-entries"
    /// Sign off a visit's entries (`visit end --sign`): afterwards they change only by addendum.
    case signOffVisits = "sign-off-visits"
    /// Co-sign a student's entry (`cosign`); never one's own entry.
    case coSignEntries = "co-sign-entries"
    /// Add people, grant and revoke their roles, remove them, bind their new keys (`user …`).
    case manageUsers = "manage-users"
    /// Set the retention policy, place and release legal holds (`retention policy|hold|release`).
    case manageRetention = "manage-retention"
    /// Erase a patient's record everywhere it syncs (`erase`).
    case eraseRecords = "erase-records"
    /// Read the access audit: who was shown which patient's data (`audit list|review|export`).
    case reviewAccess = "review-access"
    /// Set the site's time zone and its late-entry rule (`site …`).
    case configureSite = "configure-site"
    /// Decide which machines this store trusts (`peer add|remove`).
    case trustPeers = "trust-peers"
    /// Exchange the record with the clinic's other machines: `sync`, `serve`, `bundle`, `hub`
    /// — each a disclosure of every patient it carries, recorded as one.
    case syncRecords = "sync-records"
    /// Take an encrypted copy of the whole store (`backup`): every patient's record and key and
    /// the node's own private key — more than any sync discloses, so apart from it.
    case backUpStore = "back-up-store"

    /// What the permission lets a person do, in one phrase: what a refusal and `user roles` say.
    public var summary: String {
        switch self {
        case .registerPatients: "register patients and update their details"
        case .seePatientList: "see patients' names and contact details"
        case .readClinicalRecords: "read clinical entries"
        case .recordCare: "record care (visits, entries, resolutions)"
        case .amendEntries: "correct or retract entries"
        case .signOffVisits: "sign off visits"
        case .coSignEntries: "co-sign students' entries"
        case .manageUsers: "manage users and their roles and keys"
        case .manageRetention: "set the retention policy and legal holds"
        case .eraseRecords: "erase patients' records"
        case .reviewAccess: "read the access audit"
        case .configureSite: "configure the site (time zone, late-entry rule)"
        case .trustPeers: "manage the trusted machines"
        case .syncRecords: "sync the record with the clinic's machines"
        case .backUpStore: "back up the whole store (every record and the node's key)"
        }
    }

    /// Ordered as declared, so lists print the same everywhere.
    public static func < (lhs: Permission, rhs: Permission) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
