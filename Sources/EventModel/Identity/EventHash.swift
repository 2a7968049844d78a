/// A SHA-256 digest as 64 lower-case hex characters.
public struct EventHash: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts a SHA-256 digest as 64 lower-case hex digits; nil for anything else.
    ///
    /// - Parameter text: 64 lower-case hex digits.
    public init?(_ text: String) {
        guard text.utf8.count == 64, text.utf8.allSatisfy(Hex.isDigit) else { return nil }
        rawValue = text
    }

    package init(unchecked text: String) { rawValue = text }
    public var description: String { rawValue }
}
