import Crypto
import Foundation

/// An origin's Ed25519 signature over one event of its chain: the origin vouches for that event
/// and — because every event names its predecessor's hash — for every event before it.
///
/// A store signs the head of its own chain at the end of every commit (and every
/// ``interval``-th event inside a long one), so a bulk append pays one signature per commit, not
/// per event, and every event is covered by a signature at most ``interval`` events later.
/// A signature travels with the event it signs (the envelope's `signature` member), is not part
/// of the event's hash, and is kept in `chain_signatures`, append-only like the log.
public struct ChainSignature: HexSignature {
    /// 128 lower-case hex digits: the 64-byte Ed25519 signature.
    public let rawValue: String

    public init(checked rawValue: String) { self.rawValue = rawValue }

    /// The most events a store writes before it signs, even inside one commit.
    public static let interval = 1024

    /// What is signed: a fixed label (so a chain signature can never be mistaken for any other
    /// signature the node key makes, such as its TLS certificate's) and the event's hash.
    package static func message(for hash: EventHash) -> Data {
        Data("myolog chain head v1\n\(hash.rawValue)".utf8)
    }

    /// Whether this is `publicKey`'s signature over the event with this hash.
    ///
    /// - Parameters:
    ///   - hash: The signed event's hash.
    ///   - publicKey: The raw 32-byte Ed25519 public key the origin enrolled with.
    /// - Returns: False for any other key, hash or a malformed key.
    public func isValid(for hash: EventHash, publicKey: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey), let bytes = Hex.decode(rawValue) else { return false }
        return key.isValidSignature(bytes, for: Self.message(for: hash))
    }
}
