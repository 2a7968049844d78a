/// What text a person typed may contain, and how text is shown back to them safely.
///
/// Names and notes are shown on other people's screens and terminals: characters that are not
/// seen but change what is seen — control characters (terminal escapes), bidirectional overrides
/// and isolates (which reorder the text around them), zero-width spaces and other invisible
/// format characters, line and paragraph separators — are refused. Zero-width (non-)joiners stay:
/// scripts such as Persian and Malayalam need them inside words.
public enum VisibleText {
    /// The first scalar of `text` that may not appear in it, or nil.
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
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if isHidden(scalar, allowingLineBreaks: false) {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
