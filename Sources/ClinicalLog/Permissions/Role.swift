/// A role a person holds in a store: a closed vocabulary, so every site reads a user's roles
/// the same way and a misspelt role is refused, never silently powerless.
///
/// What each role may do is ``Permissions/table``; a person may hold several roles, and acts
/// in the first of them, in ``Permissions/preference`` order, that may do what they do.
public enum Role: String, CaseIterable, Sendable, Hashable, Comparable {
    /// A registered myotherapist: records and amends care, signs off visits, co-signs students.
    case therapist
    /// A student on placement: records care, which stays *awaiting co-signature* until a
    /// therapist co-signs it.
    case student
    /// Reception: registers patients and keeps their details; sees names and contact details,
    /// never clinical entries.
    case frontDesk = "front-desk"
    /// Runs the practice: its people, retention policy and legal holds, the site's settings and
    /// trusted machines; may amend anyone's entry.
    case practiceManager = "practice-manager"
    /// Answers for privacy: erases records, reviews who read what.
    case privacyOfficer = "privacy-officer"
    /// Reads everything and the access audit, every read recorded; writes nothing clinical.
    case auditor

    /// How the role reads in a sentence.
    public var display: String {
        switch self {
        case .therapist: "therapist"
        case .student: "student"
        case .frontDesk: "front desk"
        case .practiceManager: "practice manager"
        case .privacyOfficer: "privacy officer"
        case .auditor: "auditor"
        }
    }

    /// Ordered as the vocabulary lists them (``allCases``), so sets of roles print the same everywhere.
    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The roles among `names` this vocabulary knows, sorted; a name it does not know (a role a
    /// newer Myolog granted) gives no permission here.
    public static func known(_ names: some Sequence<String>) -> Set<Role> {
        Set(names.compactMap(Role.init(rawValue:)))
    }
}
