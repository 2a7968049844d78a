import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto

/// What a store needs to check its trust list: its own node id and public key, and where
/// `trust.head` lives — plus the memory of signatures already found valid, so that the trust
/// checks a sync makes on every request verify each row once per process, not once per request.
///
/// The key is the one this store was opened with (from `node.key`, which opening checked against
/// the database), kept in memory: a key swapped into the database while a server runs is never
/// the one trust rows are checked against.
final class TrustKeeper: @unchecked Sendable {
    let store: NodeID
    let publicKey: Curve25519.Signing.PublicKey
    /// The store directory (`trust.head`).
    let directory: URL
    // NSLock, not Synchronization's Mutex: the package still builds for macOS 14.
    private let lock = NSLock()
    /// Digests of (message, signature) pairs found valid with ``publicKey``. A valid Ed25519
    /// signature stays valid: what is remembered is that fact for exact bytes, never "this row is fine".
    private var valid: Set<Data> = []
    /// The `trust.head` bytes last verified, and what they said.
    private var recorded: (bytes: Data, head: TrustHead.Link?)?
    /// The last check made, under the fingerprint of the rows and the `trust.head` bytes it read.
    private var lastCheck: (fingerprint: String, record: Data?, check: TrustListCheck)?

    func rememberedCheck(fingerprint: String, record: Data?) -> TrustListCheck? {
        lock.withLock { lastCheck.flatMap { $0.fingerprint == fingerprint && $0.record == record ? $0.check : nil } }
    }

    func remember(_ check: TrustListCheck, fingerprint: String, record: Data?) {
        lock.withLock { lastCheck = (fingerprint, record, check) }
    }

    /// How many signatures were actually verified (not answered from memory).
    var verifications: Int { lock.withLock { verified } }
    private var verified = 0

    init(store: NodeID, publicKey: Curve25519.Signing.PublicKey, directory: URL) {
        self.store = store
        self.publicKey = publicKey
        self.directory = directory
    }

    convenience init(identity: NodeIdentity, directory: URL) {
        self.init(store: identity.nodeID, publicKey: identity.publicKey, directory: directory)
    }

    /// Whether `signature` is this store's over `message`, remembered when true.
    func isValid(_ signature: Data, for message: Data) -> Bool {
        var digest = SHA256()
        digest.update(data: message)
        digest.update(data: signature)
        let key = Data(digest.finalize())
        if lock.withLock({ valid.contains(key) }) { return true }
        lock.withLock { verified += 1 }
        guard publicKey.isValidSignature(signature, for: message) else { return false }
        lock.withLock {
            if valid.count >= 10_000 { valid.removeAll(keepingCapacity: true) }
            valid.insert(key)
        }
        return true
    }

    enum Recorded {
        case absent
        case invalid(String)
        case recorded(TrustHead.Link?)
    }

    /// The bytes of `trust.head`; nil if it is absent, empty if it exists but cannot be read.
    func recordBytes() -> Data? {
        let url = directory.appendingPathComponent(TrustHead.fileName)
        guard let bytes = FileManager.default.contents(atPath: url.path) else {
            return FileManager.default.fileExists(atPath: url.path) ? Data() : nil
        }
        return bytes
    }

    /// What `trust.head`'s `bytes` record, checked (unchanged bytes are not verified again).
    func recordedHead(_ bytes: Data?) -> Recorded {
        guard let bytes else { return .absent }
        guard !bytes.isEmpty else { return .invalid("\(TrustHead.fileName) cannot be read or is empty") }
        if let known = lock.withLock({ recorded }), known.bytes == bytes { return .recorded(known.head) }
        guard let head = TrustHead(parsing: bytes), head.store == store, isValid(head.signature, for: head.signedBytes) else {
            return .invalid("\(TrustHead.fileName), the record of the newest signed trust change, is not signed by this node")
        }
        lock.withLock { recorded = (bytes, head.head) }
        return .recorded(head.head)
    }
}
