/// The event types the log itself writes and obeys, whatever the domain: every node's first
/// event, and the two that erase a patient wherever they are stored. Declared once here, below
/// the store, the sync rules and the hub, so each of them names the same strings.
public enum SystemEventType {
    /// The type of the first event of every node's chain: the node's public key and site.
    public static let nodeEnrolled = "NodeEnrolled"
    /// The type of the event that erases a patient: every store that holds it destroys the
    /// patient's data key (`SealedPayload`). Stored in plaintext; it carries no personal data.
    public static let patientErased = "PatientErased"
    /// A node's signed word that it applied another node's erasure: what carries an erasure to
    /// stores that trust this node but not the one that erased (EventStore+ErasureRelay.swift).
    public static let erasureAcknowledged = "ErasureAcknowledged"
    /// The event types that erase a patient wherever they are stored.
    public static let erasing: Set<String> = [patientErased, erasureAcknowledged]
    /// The events that change who the store's people are (UserDirectory in EventSync): each is
    /// about no patient, signed by its author like any event a person writes, and obeyed at every
    /// site in causal order.
    public static let userAdded = "UserAdded"
    public static let userRoleGranted = "UserRoleGranted"
    public static let userRoleRevoked = "UserRoleRevoked"
    public static let userRemoved = "UserRemoved"
    public static let userKeyRotated = "UserKeyRotated"
    /// Every event type of the user directory.
    public static let people: Set<String> = [userAdded, userRoleGranted, userRoleRevoked, userRemoved, userKeyRotated]
    /// The roles a user may hold, as user events name them (the permission table, in the clinical
    /// library, says what each may do; a test keeps the two lists equal). A user event naming any
    /// other is not obeyed, and is refused at receipt.
    public static let roles: Set<String> = ["therapist", "student", "front-desk", "practice-manager", "privacy-officer", "auditor"]
    /// The events a node writes by itself — its enrolment, an erasure it relays on receipt —
    /// under its own signature alone: no person authors them, so none carries a person's signature.
    public static let nodeAuthored: Set<String> = [nodeEnrolled, erasureAcknowledged]

    /// Patient events stored in plaintext: they carry no personal data by design.
    public static let plaintext: Set<String> = erasing

    /// The largest sequence, Lamport time or clock entry accepted from another node: 2^53, more
    /// than a clinic could write in a million years, and exact in every JSON reader.
    public static let maximumCounter = 1 << 53
}
