import Foundation

/// What went wrong in the event log, with the context an operator needs to act on it.
///
/// Every case renders as one line (``description``) naming the thing refused and what is accepted;
/// what to do about it is a ``Remedy``, for the front end to put in its own words.
public enum EventLogError: Remediable, CodedError, Sendable, Equatable {
    /// No store at the directory.
    case noStore(path: String)
    /// `init` found a store (or other files) already there.
    case storeExists(path: String)
    /// The store is missing a part or a part is unreadable.
    case damagedStore(path: String, reason: String)
    /// The private key can be read by other users.
    case insecureKeyFile(path: String, mode: UInt16)
    /// The store directory can be read or entered by other users.
    case insecureStoreDirectory(path: String, mode: UInt16)
    /// An input field's value is not accepted.
    case invalidField(field: String, value: String, accepted: String)
    /// No event has this id (or prefix).
    case unknownEvent(String)
    /// A prefix matches more than one event.
    case ambiguousEvent(prefix: String, count: Int, matches: [EventID])
    /// An id prefix is too short to look up.
    case prefixTooShort(String, minimum: Int)
    /// A stored row does not decode: the store was altered outside Myolog.
    case corruptEvent(position: Int64, reason: String)
    /// The store was written by a newer Myolog.
    case unknownMigration(String)
    /// The store's private key is missing: it can be read and verified, not written.
    case missingNodeKey(path: String)
    /// The store's database is read-only here (a backup, a read-only mount, another user's store).
    case readOnlyStore(path: String)
    /// The store exists but this user may not open it.
    case storeInaccessible(path: String, reason: String)
    /// The file where the database should be is not a Myolog store, or is damaged.
    case notAStore(path: String, reason: String)
    /// This node's own chain no longer ends where this node signed it (`SignedHead`): the
    /// database was rewritten without the key. Writes are refused; `reason` says what disagrees.
    case localChainAltered(signedUpTo: Int?, reason: String)
    /// This node's own chain ends before the head it last signed (`SignedHead`): events were
    /// removed, or an older copy of the database (a backup) was put in place. This node writes
    /// nothing of its own until sync brings its missing events back from a peer.
    case localChainBehind(head: Int, signedUpTo: Int)
    /// The patient was erased here (by `event`): nothing more is written or kept readable for them.
    case patientErased(patient: String, event: String)
    /// This store holds sealed events of the patient but not yet their key (written at `origin`).
    case keyNotReceived(patient: String, origin: String)
    /// A patient key offered by a peer or a bundle was refused.
    case keyRefused(patient: PatientID, reason: String)
    /// A store written before payloads were sealed per patient: it holds plaintext health data in
    /// its log that no erasure could reach.
    case plaintextStore(path: String)
    /// This store's trust list fails its check as a whole (`TrustListCheck.altered`): changes
    /// were removed or altered outside Myolog, or the database is older than `trust.head`. No
    /// peer is trusted — nothing is synced, sent or applied — until it is restored.
    case trustListAltered(reason: String)
    /// Another refusal, with what to do about it.
    indirect case remedied(EventLogError, Remedy)

    /// One code per case (``remedied(_:_:)`` has its refusal's). Codes are stable: scripts and
    /// tests match them, so one is never renamed nor reused for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case noStore
        case storeExists
        case damagedStore
        case insecureKeyFile
        case insecureStoreDirectory
        case invalidField
        case unknownEvent
        case ambiguousEvent
        case prefixTooShort
        case corruptEvent
        case unknownMigration
        case missingNodeKey
        case readOnlyStore
        case storeInaccessible
        case notAStore
        case localChainAltered
        case localChainBehind
        case patientErased
        case keyNotReceived
        case keyRefused
        case plaintextStore
        case trustListAltered
    }

    public var code: Code {
        switch self {
        case .noStore: .noStore
        case .storeExists: .storeExists
        case .damagedStore: .damagedStore
        case .insecureKeyFile: .insecureKeyFile
        case .insecureStoreDirectory: .insecureStoreDirectory
        case .invalidField: .invalidField
        case .unknownEvent: .unknownEvent
        case .ambiguousEvent: .ambiguousEvent
        case .prefixTooShort: .prefixTooShort
        case .corruptEvent: .corruptEvent
        case .unknownMigration: .unknownMigration
        case .missingNodeKey: .missingNodeKey
        case .readOnlyStore: .readOnlyStore
        case .storeInaccessible: .storeInaccessible
        case .notAStore: .notAStore
        case .localChainAltered: .localChainAltered
        case .localChainBehind: .localChainBehind
        case .patientErased: .patientErased
        case .keyNotReceived: .keyNotReceived
        case .keyRefused: .keyRefused
        case .plaintextStore: .plaintextStore
        case .trustListAltered: .trustListAltered
        case .remedied(let error, _): error.code
        }
    }

    /// This refusal with `remedy` attached.
    package func with(_ remedy: Remedy) -> EventLogError { .remedied(self, remedy) }

    /// Refuses `value` for `field` unless it is a name a person typed: not blank, at most
    /// `maximumLength` characters, no control characters. Authors, sites and peer names share it.
    /// Bounded in bytes too (4 per character), so that one "character" of ten thousand combining
    /// marks is not a name.
    package static func checkName(_ value: String, field: String, maximumLength: Int, accepted: String) throws {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty, value.count <= maximumLength, value.utf8.count <= 4 * maximumLength,
            VisibleText.firstHiddenScalar(in: value, allowingLineBreaks: false) == nil
        else { throw EventLogError.invalidField(field: field, value: value, accepted: accepted) }
    }

    public var remedy: Remedy? {
        switch self {
        case .noStore(let path): .createStore(path: path)
        case .storeExists: .chooseAnotherDirectory
        case .localChainAltered: .verify
        case .trustListAltered: .verify
        case .localChainBehind: .syncThenVerify
        case .missingNodeKey: .restoreOrReEnrol
        case .storeInaccessible: .openAsOwner
        case .unknownMigration: .upgrade
        case .remedied(_, let remedy): remedy
        default: nil
        }
    }

    public var fact: String {
        switch self {
        case .remedied(let error, _):
            error.fact
        case .noStore(let path):
            "no store at \(path)"
        case .storeExists(let path):
            "a store already exists at \(path)"
        case .damagedStore(let path, let reason):
            "the store at \(path) is damaged: \(reason)"
        case .insecureKeyFile(let path, let mode):
            "the node key \(path) is readable by others (mode \(String(mode, radix: 8))): run `chmod 600 \(path)` and retry"
        case .insecureStoreDirectory(let path, let mode):
            "the store directory \(path) is open to other users (mode \(String(mode, radix: 8))); it holds health records: run `chmod 700 \(path)` and retry"
        case .invalidField(let field, let value, let accepted):
            "\(field): \(value.isEmpty ? "an empty value" : "\"\(VisibleText.escaped(String(String.UnicodeScalarView(value.unicodeScalars.prefix(60)))))\(value.unicodeScalars.count > 60 ? "…" : "")\"") is not accepted; accepted: \(accepted)"
        case .unknownEvent(let id):
            "event: no event with id \(id)"
        case .ambiguousEvent(let prefix, let count, let matches):
            "event: \(prefix) matches \(count) events (\(matches.map(\.rawValue).joined(separator: ", "))\(count > matches.count ? ", …" : "")); give the whole id or its last 12 characters"
        case .prefixTooShort(let prefix, let minimum):
            "id: \"\(prefix)\" is too short; give at least \(minimum) characters of the id"
        case .corruptEvent(let position, let reason):
            "the event at log position \(position) cannot be read: \(reason)"
        case .localChainAltered(let signed, let reason):
            "the local chain was altered after its last signature\(signed.map { " at sequence \($0)" } ?? ""): \(reason); nothing was written"
        case .localChainBehind(let head, let signed):
            "this store's own chain ends at sequence \(head), but this node signed up to sequence \(signed): events were removed, or an older copy of the database (a backup?) was put in place; nothing was written"
        case .missingNodeKey(let path):
            "the node key \(path) is missing: this store can be verified, not written (nor its patient data shown: every read is recorded, signed)"
        case .readOnlyStore(let path):
            "the store at \(path) is read-only here (a backup, a read-only mount, or another user's): it can be verified, not written (nor its patient data shown: every read is recorded)"
        case .storeInaccessible(let path, let reason):
            "cannot open the store at \(path): \(reason)"
        case .notAStore(let path, let reason):
            "\(path) is not a Myolog store or is damaged: \(reason); nothing was written to it: restore the store directory from a backup"
        case .unknownMigration(let name):
            "the store was written by a newer Myolog (it has migration \(name))"
        case .patientErased(let patient, let event):
            "patient: \(patient) was erased (event \(event)); nothing more is recorded or shown for them"
        case .keyNotReceived(let patient, let origin):
            "patient: the key of patient \(patient) has not been received yet from node \(origin) (their record is sealed under it); sync with a site that holds it, then retry"
        case .keyRefused(let patient, let reason):
            "key: the key offered for patient \(patient) is refused: \(reason); nothing was written"
        case .trustListAltered(let reason):
            "this store's trust list fails its signature check: \(reason); no peer is trusted until the store directory (myolog.sqlite with its trust.head) is restored from a backup"
        case .plaintextStore(let path):
            "the store at \(path) was written before payloads were sealed per patient (its log holds plaintext that erasure could never reach); it is not opened: create a new store with `myolog init` and re-enter or re-import its records"
        }
    }
}
