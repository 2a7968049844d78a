/// A 64-byte Ed25519 signature written as 128 lower-case hex digits, the one spelling the log
/// stores and hashes nothing of: a node's chain signature and a person's run signature alike.
public protocol HexSignature: Sendable, Hashable, CustomStringConvertible {
    /// 128 lower-case hex digits.
    var rawValue: String { get }
    /// A signature from text already checked to be 128 lower-case hex digits.
    init(checked rawValue: String)
}

extension HexSignature {
    /// Accepts 128 lower-case hex digits; nil for anything else.
    ///
    /// - Parameter text: The signature as hex text.
    public init?(_ text: String) {
        guard text.utf8.count == 128, text.utf8.allSatisfy(Hex.isDigit) else { return nil }
        self.init(checked: text)
    }

    package init(bytes: some Sequence<UInt8>) { self.init(checked: Hex.encode(bytes)) }

    public var description: String { rawValue }
}
