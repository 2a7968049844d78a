import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509
import EventModel
import EventCrypto

/// The TLS face of a node: a self-signed X.509 certificate for the node's own Ed25519 key, and
/// the rule that turns a presented certificate back into a node id.
///
/// No certificate authority and no passwords: a node is known by its id (a digest of its public
/// key), the certificate carries that key, and the TLS handshake proves the peer holds the
/// private key. So a certificate is accepted exactly when its key hashes to a node id the
/// accepting store trusts — pinning by node id. TLS 1.3 only, Ed25519 signatures only, the
/// same key that signs the node's chain (BoringSSL supports Ed25519 in TLS 1.3, so no separate
/// TLS key is needed). A fresh certificate is made each time a process starts; what is pinned
/// is the key, not the certificate's bytes.
public struct NodeCertificate: Sendable {
    public let node: NodeID
    public let certificate: NIOSSLCertificate
    public let privateKey: NIOSSLPrivateKey
    /// The certificate as PEM, for tools that speak TLS to a node (`myolog tls-identity`).
    public let certificatePEM: String

    /// Makes the certificate for `identity`, valid from an hour ago for ten years.
    public init(identity: NodeIdentity, now: Date = Date()) throws {
        let key = try identity.signingKey()
        let name = try DistinguishedName {
            OrganizationName("Myolog")
            CommonName("myolog node \(identity.nodeID.rawValue)")
        }
        // A positive 63-bit random serial (RFC 5280 §4.1.2.2: unique per issuer, at most 20 bytes).
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(UInt64.random(in: 1...UInt64(Int64.max))),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ed25519,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                // keyCertSign: the certificate is its own issuer, and the pinning client holds it as
                // its only trust root; BoringSSL will not accept an issuer whose key usage omits it.
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.node = identity.nodeID
        self.certificate = try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
        self.privateKey = try NIOSSLPrivateKey(bytes: Self.pkcs8Prefix + Array(key.rawRepresentation), format: .der)
        self.certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
    }

    /// The node's private key as PKCS #8 PEM, for `myolog tls-identity` only.
    public static func privateKeyPEM(identity: NodeIdentity) throws -> String {
        let base64 = Data(pkcs8Prefix + Array(try identity.signingKey().rawRepresentation)).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN PRIVATE KEY-----\n\(base64)\n-----END PRIVATE KEY-----\n"
    }

    /// PKCS #8 (RFC 8410) wrapping of a raw Ed25519 private key: SEQUENCE { version 0,
    /// AlgorithmIdentifier { id-Ed25519 }, OCTET STRING { OCTET STRING key } }.
    static let pkcs8Prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    /// SubjectPublicKeyInfo (RFC 8410) of an Ed25519 key, before the 32 key bytes.
    static let spkiPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// The node id whose key the certificate carries; nil unless it is an Ed25519 key.
    public static func node(of certificate: NIOSSLCertificate) -> NodeID? {
        guard let spki = try? certificate.extractPublicKey().toSPKIBytes(), spki.count == spkiPrefix.count + 32,
            Array(spki.prefix(spkiPrefix.count)) == spkiPrefix
        else { return nil }
        return NodeIdentity.nodeID(forPublicKey: Data(spki.suffix(32)))
    }

    /// The TLS settings both sides share: TLS 1.3, Ed25519 only, this node's certificate, and
    /// a peer certificate always requested — whose acceptance is decided by node id, not by a CA.
    public func configuration(server: Bool) -> TLSConfiguration {
        var configuration = server
            ? TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(privateKey))
            : TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = [.certificate(certificate)]
        configuration.privateKey = .privateKey(privateKey)
        configuration.minimumTLSVersion = .tlsv13
        configuration.signingSignatureAlgorithms = [.ed25519]
        configuration.verifySignatureAlgorithms = [.ed25519]
        configuration.certificateVerification = .noHostnameVerification
        // Never the system's CA bundle: no CA vouches for a node, and loading the bundle costs
        // more than the rest of an incremental sync's TLS set-up. Acceptance is decided by the
        // server's verification callback and the client's pinned certificate.
        configuration.trustRoots = .certificates([certificate])
        return configuration
    }
}
