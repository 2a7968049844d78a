/// What text a person typed may contain, and how text is shown back to them safely.
///
/// Names and notes are shown on other people's screens and terminals: characters that are not
/// seen but change what is seen — control characters (terminal escapes), bidirectional overrides
/// and isolates (which reorder the text around them), zero-width spaces and other invisible
/// format characters, line and paragraph separators — are refused. Zero-width (non-)joiners stay:
/// scripts such as Persian and Malayalam need them inside words.
public enum VisibleText {
    /// The first scalar of `text` that may not appear in it, or nil.
    ///
    /// - Parameters:
    ///   - text: What a person typed.
    ///   - allowingLineBreaks: Whether `\n` is allowed (notes), or refused too (names).
    /// - Returns: The first scalar that may not appear, or nil when the text is visible.
    public static func firstHiddenScalar(in text: String, allowingLineBreaks: Bool) -> Unicode.Scalar? {
        text.unicodeScalars.first { isHidden($0, allowingLineBreaks: allowingLineBreaks) }
    }

    static func isHidden(_ scalar: Unicode.Scalar, allowingLineBreaks: Bool) -> Bool {
        if allowingLineBreaks, scalar == "\n" || scalar == "\t" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        case .format: return scalar != "\u{200C}" && scalar != "\u{200D}"
        default: return false
        }
    }

    /// `text` with every hidden scalar (line breaks too) written as `\u{XXXX}`: what an error
    /// message echoes, so that it stays one visible line whatever the input held.
    ///
    /// - Parameter text: Any text.
    /// - Returns: One visible line.
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if isHidden(scalar, allowingLineBreaks: false) {
                result += written(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The mark that begins every continuation line of a multi-line text on a terminal. No line a
    /// command prints of its own begins with it, so a text's own lines can never pass for one.
    public static let continuationMark = "│ "

    /// `text` for a terminal, keeping its line breaks: every line after the first begins with
    /// `indent` and ``continuationMark``, so that no text — however it is crafted — can print a
    /// line that looks like one of the command's own (a forged "by alex at Carlton" or a
    /// retraction that never happened). A carriage return or any other hidden scalar is
    /// written as `\u{XXXX}`; a tab as two spaces.
    ///
    /// - Parameters:
    ///   - text: Any text.
    ///   - indent: What every continuation line begins with, before ``continuationMark``.
    /// - Returns: The text, safe to print on a terminal.
    public static func indented(_ text: String, indent: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar {
            case "\r" where pending == "\n":
                continue  // a CRLF line break is a line break
            case "\n":
                result += "\n" + indent + continuationMark
            case "\t":
                result += "  "
            default:
                if isHidden(scalar, allowingLineBreaks: false) {
                    result += written(scalar)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// How a hidden scalar is shown: `\u{XXXX}`, the one spelling every rendering uses.
    static func written(_ scalar: Unicode.Scalar) -> String {
        "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    }
}
