import Crypto
import Foundation
import EventModel

/// A store's identity: its Ed25519 key pair, the node id derived from the public key, and its site name.
///
/// The private key never leaves the store directory (`node.key`, mode 0600). Later layers sign
/// chain heads with it and peers check those signatures against ``publicKey``; because the node
/// id is a digest of the public key, a peer can check that a key belongs to an id without trusting anyone.
public struct NodeIdentity: Sendable {
    public let nodeID: NodeID
    public let site: String
    public let publicKey: Curve25519.Signing.PublicKey
    /// Nil for a store opened without its key (lost, or not readable by this user): it can be
    /// read and verified, never written.
    private let privateKey: Curve25519.Signing.PrivateKey?
    /// Where the key file was expected, for the refusal of a write without it.
    private let keyPath: String

    package init(privateKey: Curve25519.Signing.PrivateKey, site: String, keyPath: String) {
        self.privateKey = privateKey
        self.publicKey = privateKey.publicKey
        self.site = site
        self.keyPath = keyPath
        self.nodeID = NodeIdentity.nodeID(forPublicKey: privateKey.publicKey.rawRepresentation)
        self.storeKey = Self.derive(from: privateKey, label: Self.storeKeyLabel)
    }

    /// An identity known from the database alone, without its private key.
    package init(publicKey: Curve25519.Signing.PublicKey, site: String, keyPath: String) {
        self.privateKey = nil
        self.publicKey = publicKey
        self.site = site
        self.keyPath = keyPath
        self.nodeID = NodeIdentity.nodeID(forPublicKey: publicKey.rawRepresentation)
        self.storeKey = nil
    }

    /// Whether this store holds its private key: only then may it write, sign or serve.
    public var canSign: Bool { privateKey != nil }

    /// The private key; package-wide so the TLS layer can present a certificate bound to it.
    package func signingKey() throws -> Curve25519.Signing.PrivateKey {
        guard let privateKey else { throw EventLogError.missingNodeKey(path: keyPath) }
        return privateKey
    }

    /// The store's key-encryption key, under which each patient's data key is kept
    /// (`PatientKeyRing`). Derived from the node key (HKDF-SHA256, its own label), so the one
    /// secret beside the database is `node.key`: a copied `myolog.sqlite` alone opens nothing.
    /// Nil without the node key. Derived once, when the identity is made: every write
    /// transaction opens keys with it.
    public let storeKey: SymmetricKey?
    private static let storeKeyLabel = "myolog store key-encryption key v1"

    /// The node's X25519 key for receiving patient keys from peers (HPKE), derived from the node
    /// key under its own label; its public half is published in the node's `NodeEnrolled`.
    public var agreementKey: Curve25519.KeyAgreement.PrivateKey? {
        privateKey.flatMap { try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: Self.derive(from: $0, label: "myolog key agreement v1").withUnsafeBytes { Data($0) }) }
    }

    private static func derive(from key: Curve25519.Signing.PrivateKey, label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: key.rawRepresentation), info: Data(label.utf8), outputByteCount: 32)
    }

    /// The node id a public key implies.
    ///
    /// - Parameter raw: The raw 32-byte Ed25519 public key.
    /// - Returns: Base32 of the first 10 bytes of its SHA-256.
    public static func nodeID(forPublicKey raw: Data) -> NodeID {
        NodeID(unchecked: Base32.encode(Array(SHA256.hash(data: raw).prefix(10))))
    }

    /// Signs `data` with the node key.
    ///
    /// - Parameter data: The bytes to sign.
    /// - Returns: The 64-byte Ed25519 signature.
    /// - Throws: `EventLogError.missingNodeKey(path:)` for a store opened without its key.
    public func signature(for data: some DataProtocol) throws -> Data {
        try signingKey().signature(for: data)
    }

    /// The key file's text: one line of base64 of the raw 32-byte private key.
    package func keyFileContents() throws -> Data { Data((try signingKey().rawRepresentation.base64EncodedString() + "\n").utf8) }

    package static func readPrivateKey(from url: URL) throws -> Curve25519.Signing.PrivateKey {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            throw EventLogError.damagedStore(path: url.deletingLastPathComponent().path, reason: "the node key \(url.lastPathComponent) is missing")
        }
        let mode = UInt16(status.st_mode & 0o777)
        guard mode & 0o077 == 0 else { throw EventLogError.insecureKeyFile(path: url.path, mode: mode) }
        guard let text = try? String(contentsOf: url, encoding: .utf8),
            let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw EventLogError.damagedStore(path: url.deletingLastPathComponent().path, reason: "the node key \(url.lastPathComponent) is not a base64 Ed25519 private key")
        }
        return key
    }
}
