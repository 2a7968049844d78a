import Foundation
import EventModel

/// Signatures already found valid, so that a long-running reader (`myolog ui`) checking the same
/// records again and again verifies each signature once. A valid Ed25519 signature over a hash
/// by a key stays valid: what is remembered is that fact for the exact (key, hash, signature),
/// never "this event is fine" — the event's bytes are still hashed on every check. Bounded:
/// forgotten wholesale when full.
public final class SignatureMemo: @unchecked Sendable {
    // NSLock, not Synchronization's Mutex: the package still builds for macOS 14.
    private let lock = NSLock()
    private var valid: Set<String> = []
    private let capacity: Int
    /// How many signatures were actually verified (not answered from memory).
    var verifications: Int { lock.withLock { verified } }
    private var verified = 0

    /// An empty memo.
    ///
    /// - Parameter capacity: How many signatures to remember before forgetting them all.
    public init(capacity: Int = 200_000) { self.capacity = capacity }

    /// ``ChainSignature/isValid(for:publicKey:)``, remembered when true.
    package func isValid(_ signature: ChainSignature, for hash: EventHash, publicKey: Data) -> Bool {
        let key = publicKey.base64EncodedString() + hash.description + signature.rawValue
        if lock.withLock({ valid.contains(key) }) { return true }
        let isValid = signature.isValid(for: hash, publicKey: publicKey)
        lock.withLock { verified += 1 }
        guard isValid else { return false }
        lock.withLock {
            if valid.count >= capacity { valid.removeAll(keepingCapacity: true) }
            valid.insert(key)
        }
        return true
    }
}
