/// The id of one node (one store, one clinic machine): base32 of the first 10 bytes of the
/// SHA-256 of its Ed25519 public key, so anyone holding the key can check the id.
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 16 characters of lower-case RFC 4648 base32.
    ///
    /// - Parameter text: The id as written in the log, `myolog id` or a trust list.
    public init?(_ text: String) {
        guard text.utf8.count == 16, text.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "2")...UInt8(ascii: "7")).contains($0) }) else { return nil }
        rawValue = text
    }

    package init(unchecked text: String) { rawValue = text }

    public var description: String { rawValue }
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
}
