import Crypto
import CryptoExtras
import Foundation
import EventModel

/// The plaintext header of a backup file: what it is (magic, format version), how its key is
/// derived from the passphrase (scrypt's cost parameters and salt), how it is sealed (AES-256-GCM
/// in chunks of a stated size), and a commitment to the key.
///
/// Guarantees: every byte of the header is authenticated — it is the associated data of every
/// chunk, and its last 32 bytes are an HMAC of the rest under a key derived from the passphrase —
/// so a header altered in any byte, like a wrong passphrase, opens nothing. The commitment also
/// tells a wrong passphrase (refused before any chunk is read) from a chunk altered later.
/// Parameters read from a file are bounded before any work is done with them: a crafted header
/// cannot make a restore allocate gigabytes for scrypt or for a chunk.
public struct BackupHeader: Sendable, Equatable {
    /// The file's first bytes: a backup is recognised, and anything else refused, by these.
    public static let magic = Array("MYOLOG-BACKUP\n".utf8)
    /// The one format this build writes and reads.
    public static let version: UInt16 = 1
    static let scryptID: UInt8 = 1
    static let aesGCMID: UInt8 = 1
    static let saltSize = 32
    static let commitmentSize = 32
    /// magic, version, KDF id, log2 N, r, p, salt, AEAD id, chunk size, commitment.
    public static let size = magic.count + 2 + 1 + 1 + 4 + 4 + saltSize + 1 + 4 + commitmentSize

    /// scrypt's cost: N = 2^logN, block size r, parallelism p. The default, 2^17 × 8 × 1, takes
    /// 128 MiB and about half a second on a clinic machine: cheap once per backup or restore,
    /// costly for a guesser, whose every guess needs the same memory.
    public struct Cost: Sendable, Equatable {
        public var logN: UInt8
        public var r: UInt32
        public var p: UInt32

        public static let standard = Cost(logN: 17, r: 8, p: 1)

        /// The bounds a file's parameters must keep (at most 1 GiB of scrypt memory): what this
        /// build writes is well inside them.
        var isAccepted: Bool { (10...20).contains(logN) && (1...16).contains(r) && (1...4).contains(p) && memory <= 1 << 30 }
        var memory: Int { 128 * (1 << Int(logN)) * Int(r) * Int(p) }
    }

    public var cost: Cost
    public var salt: [UInt8]
    /// Plaintext bytes per chunk (the last may hold fewer).
    public var chunkSize: Int
    var commitment: [UInt8]

    /// The chunk sizes a file may state: from 4 KiB to 16 MiB.
    static let acceptedChunkSizes = 4096...(16 << 20)

    /// The header's bytes without the commitment: what the commitment authenticates.
    var committedBytes: [UInt8] {
        var bytes = Self.magic
        bytes += withUnsafeBytes(of: Self.version.bigEndian, Array.init)
        bytes += [Self.scryptID, cost.logN]
        bytes += withUnsafeBytes(of: cost.r.bigEndian, Array.init)
        bytes += withUnsafeBytes(of: cost.p.bigEndian, Array.init)
        bytes += salt
        bytes.append(Self.aesGCMID)
        bytes += withUnsafeBytes(of: UInt32(chunkSize).bigEndian, Array.init)
        return bytes
    }

    /// The whole header as written: the associated data of every chunk.
    var bytes: [UInt8] { committedBytes + commitment }

    /// A new header for a file sealed under `passphrase`, with a fresh random salt; returns the
    /// chunk key with it.
    static func sealing(passphrase: [UInt8], cost: Cost = .standard, chunkSize: Int) throws -> (BackupHeader, SymmetricKey) {
        var header = BackupHeader(cost: cost, salt: Array(SymmetricKey(size: .bits256).withUnsafeBytes(Array.init)), chunkSize: chunkSize, commitment: [])
        let keys = try header.derive(passphrase)
        header.commitment = Array(HMAC<SHA256>.authenticationCode(for: header.committedBytes, using: keys.commitment))
        return (header, keys.chunks)
    }

    /// The chunk key, if `passphrase` is the one this header was made with and no byte of the
    /// header changed since; nil otherwise (the two cannot be told apart, by design).
    func chunkKey(for passphrase: [UInt8]) throws -> SymmetricKey? {
        let keys = try derive(passphrase)
        guard HMAC<SHA256>.isValidAuthenticationCode(commitment, authenticating: committedBytes, using: keys.commitment) else { return nil }
        return keys.chunks
    }

    /// scrypt of the passphrase and salt, then two keys apart by HKDF: one seals the chunks, the
    /// other commits to them in the header (AES-GCM alone does not commit to its key).
    private func derive(_ passphrase: [UInt8]) throws -> (chunks: SymmetricKey, commitment: SymmetricKey) {
        let master = try KDF.Scrypt.deriveKey(from: passphrase, salt: salt, outputByteCount: 32, rounds: 1 << Int(cost.logN),
                                              blockSize: Int(cost.r), parallelism: Int(cost.p))
        func key(_ purpose: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: master, salt: committedBytes, info: Data("myolog backup v1 \(purpose)".utf8), outputByteCount: 32)
        }
        return (key("chunks"), key("commitment"))
    }

    /// Reads and checks the header at the start of `handle`; `field` and `path` name the file in
    /// a refusal. Refuses a file that is not a Myolog backup, a version this build does not read,
    /// and parameters outside the accepted bounds.
    static func read(from handle: FileHandle, field: String, path: String) throws -> BackupHeader {
        let data = Array((try? handle.read(upToCount: size)) ?? Data())
        func refuse(_ accepted: String) -> EventLogError { .invalidField(field: field, value: path, accepted: accepted) }
        guard data.count >= magic.count, Array(data[..<magic.count]) == magic else {
            throw refuse("a file written by `myolog backup`; this one does not begin as a Myolog backup does")
        }
        guard data.count == size else { throw refuse("a Myolog backup whole; this one ends inside its header (truncated)") }
        var offset = magic.count
        func take(_ count: Int) -> [UInt8] {
            defer { offset += count }
            return Array(data[offset..<offset + count])
        }
        func integer<T: FixedWidthInteger>(_: T.Type) -> T { take(MemoryLayout<T>.size).reduce(T.zero) { $0 << 8 | T($1) } }
        let version = integer(UInt16.self)
        guard version == Self.version else {
            throw refuse("a backup of format version \(Self.version), which this myolog reads; this one is version \(version) (written by another myolog, or altered)")
        }
        let kdf = integer(UInt8.self)
        let cost = Cost(logN: integer(UInt8.self), r: integer(UInt32.self), p: integer(UInt32.self))
        let salt = take(saltSize)
        let aead = integer(UInt8.self)
        let chunkSize = Int(integer(UInt32.self))
        let commitment = take(commitmentSize)
        guard kdf == scryptID, aead == aesGCMID, cost.isAccepted, acceptedChunkSizes.contains(chunkSize) else {
            throw refuse("a backup sealed with scrypt (log2 N 10–20, r 1–16, p 1–4) and AES-256-GCM in chunks of 4 KiB–16 MiB; this header states other parameters (altered?)")
        }
        return BackupHeader(cost: cost, salt: salt, chunkSize: chunkSize, commitment: commitment)
    }
}
