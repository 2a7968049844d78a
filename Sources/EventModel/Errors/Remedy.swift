/// What a person can do about a refusal — as data, so that each front end says it in its own
/// words: the CLI names its commands and options (`myolog peer add …`), and a library caller
/// gets ``plainWords``. Libraries never spell a command line.
public enum Remedy: Sendable, Equatable {
    /// Create a store at `path`, or point at an existing one.
    case createStore(path: String)
    /// Choose another directory: creating a store never overwrites one.
    case chooseAnotherDirectory
    /// Check the whole store: every hash, signature and view.
    case verify
    /// Bring the missing events back from a peer that holds them, then check the store.
    case syncThenVerify
    /// The node key is gone: restore the store directory, or re-enrol this machine as a new node.
    case restoreOrReEnrol
    /// Open the store as the user who owns it.
    case openAsOwner
    /// Use a newer Myolog.
    case upgrade
    /// Add `node` to the trust list of the store at `store` (this store when nil), if it is
    /// one of the clinic's machines.
    case trust(node: NodeID, store: String?)
    /// Have the peer add this store's `node` to its trust list.
    case askPeerToTrust(node: NodeID)
    /// Look at the quarantined forks.
    case listForks
    /// Look at the trust list.
    case listPeers
    /// Look at the registered patients.
    case listPatients
    /// End the patient's open visit first.
    case endVisit(patient: String)
    /// Start a visit for the patient first.
    case startVisit(patient: String)
    /// A patient's details are changed, not corrected.
    case changeDetailsInstead
    /// Say who is writing.
    case giveAuthor
    /// Record the patient's consent for the technique first.
    case recordConsent(patient: String, technique: String)
    /// Acknowledge the precautions alerted, to go ahead.
    case acknowledgePrecaution
    /// Register a different person of the same name and date of birth as a new patient.
    case registerAsNewPatient
    /// The person makes their key on this machine, and a practice manager binds it to them.
    case createUserKey(user: String)
    /// A practice manager binds this key to the person (or the person rotates to it).
    case bindUserKey(user: String)

    /// The remedy in words that name no command line.
    public var plainWords: String {
        switch self {
        case .createStore: "create a store there, or open an existing one"
        case .chooseAnotherDirectory: "a store is never overwritten; choose another directory"
        case .verify: "verify the store"
        case .syncThenVerify: "sync with a peer that holds them, then verify the store"
        case .restoreOrReEnrol:
            "restore the whole store directory from a backup; if the key is lost, this machine re-enrols as a new node and every peer removes the old one from its trust list"
        case .openAsOwner: "does it belong to another user? open it as the store's owner"
        case .upgrade: "upgrade Myolog to open it"
        case .trust(let node, _): "if it is one of the clinic's machines, add node \(node) to the trust list and retry"
        case .askPeerToTrust(let node): "add node \(node) to the peer's trust list and retry"
        case .listForks: "see the quarantined forks"
        case .listPeers: "see the trust list"
        case .listPatients: "see the registered patients"
        case .endVisit: "end the open visit first"
        case .startVisit: "start a visit first"
        case .changeDetailsInstead: "correct the entry itself; a patient's details are changed, not corrected"
        case .giveAuthor: "say who is writing"
        case .recordConsent(_, let technique): "record the patient's consent for \(technique) first"
        case .acknowledgePrecaution: "acknowledge the precaution to go ahead"
        case .registerAsNewPatient: "if it is a different person, register them as a new patient"
        case .createUserKey: "the person creates their key on this machine and a practice manager binds its public half to them"
        case .bindUserKey: "a practice manager binds this key to the person, or the person rotates to it with their current key"
        }
    }
}
