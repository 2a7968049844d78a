/// A person's user name in a store: what `--as` names, what every event they write carries as
/// its author, and what their key file is called. Lower-case letters, digits, `.`, `_` and `-`,
/// starting with a letter or digit, at most 64 characters: one spelling per person (no case or
/// Unicode look-alikes), safe as a file name and in every view.
public enum UserName {
    /// The longest user name accepted.
    public static let maximumLength = 64

    /// Whether `text` is a user name.
    ///
    /// - Parameter text: The candidate.
    /// - Returns: True for 1–64 of `a-z 0-9 . _ -`, not starting with `.`, `_` or `-`.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...maximumLength).contains(bytes.count), let first = bytes.first, isLetterOrDigit(first) else { return false }
        return bytes.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// What a refusal says is accepted.
    public static let accepted = "1–64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
