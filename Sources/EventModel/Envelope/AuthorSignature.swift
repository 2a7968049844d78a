import Crypto
import Foundation

/// A person's Ed25519 signature over a run of the events they authored in one origin's chain:
/// the events from ``EventEnvelope/sequence`` `first` through the signed event, every one of them
/// naming the same author. The signed event's hash fixes every event before it (each names its
/// predecessor's hash), and `first` bounds the run, so one signature proves who wrote each event
/// of it — a write of fifty events pays one signature, as the node's commit signature does.
///
/// It travels on the run's last event (the envelope's `authorSignature`), is not part of the
/// event's hash (it signs the hash), and is kept with the event in the append-only log.
public struct AuthorSignature: HexSignature {
    /// 128 lower-case hex digits: the 64-byte Ed25519 signature.
    public let rawValue: String

    public init(checked rawValue: String) { self.rawValue = rawValue }

    /// What is signed: a fixed label (so a person's signature can never be taken for a node's
    /// chain signature, nor for anything else a key signs), the author's name, the origin, the
    /// run's first sequence and the last event's hash.
    ///
    /// - Parameters:
    ///   - author: The user name every event of the run carries.
    ///   - origin: The chain the run is in.
    ///   - first: The run's first sequence.
    ///   - hash: The hash of the run's last event (the one that carries the signature).
    /// - Returns: The bytes signed.
    public static func message(author: String, origin: NodeID, first: Int, hash: EventHash) -> Data {
        Data("myolog author run v1\n\(author)\n\(origin.rawValue)\n\(first)\n\(hash.rawValue)".utf8)
    }

    /// Signs a run with a person's private key.
    ///
    /// - Parameters:
    ///   - key: The person's private key.
    ///   - author: The user name of every event of the run.
    ///   - origin: The chain.
    ///   - first: The run's first sequence.
    ///   - hash: The hash of the run's last event.
    /// - Returns: The signature.
    /// - Throws: The signing library's error.
    public static func sign(with key: Curve25519.Signing.PrivateKey, author: String, origin: NodeID, first: Int, hash: EventHash) throws -> AuthorSignature {
        AuthorSignature(bytes: try key.signature(for: message(author: author, origin: origin, first: first, hash: hash)))
    }

    /// Whether this is `publicKey`'s signature over the run.
    ///
    /// - Parameters:
    ///   - publicKey: The raw 32-byte Ed25519 public key bound to the author.
    ///   - author: The user name of every event of the run.
    ///   - origin: The chain.
    ///   - first: The run's first sequence.
    ///   - hash: The hash of the run's last event.
    /// - Returns: False for any other key, run, hash, or a malformed key.
    public func isValid(publicKey: Data, author: String, origin: NodeID, first: Int, hash: EventHash) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey), let bytes = Hex.decode(rawValue) else { return false }
        return key.isValidSignature(bytes, for: Self.message(author: author, origin: origin, first: first, hash: hash))
    }
}
