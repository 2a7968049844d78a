import Foundation

/// ArgumentParser's refusal of an option value it could not parse, said the way every other
/// refusal of this tool is: the field first, what was given, what is accepted — one line.
///
/// Types parsed at the edge either throw the project's own message from their `transform`
/// (passed through as it is) or, for a closed vocabulary, let ArgumentParser list the accepted
/// values — `'a', 'b' or 'c'` for a few, one `  - a` line each for more — rephrased here.
enum ValueRefusal {
    static func rephrased(_ text: String) -> String? {
        guard let match = text.wholeMatch(of: /(?s)The value '(?<value>.*?)' is invalid for '(?:--(?<name>[a-z0-9-]+) )?<(?<valueName>[^>]*)>'(?<rest>.*)/) else {
            return nil
        }
        let field = String(match.output.name ?? match.output.valueName)
        let value = String(match.output.value)
        // A transform's own refusal follows ": " — already in the one-line form: said as it is.
        if match.output.rest.hasPrefix(": ") { return String(match.output.rest.dropFirst(2)) }
        let rest = String(match.output.rest.trimmingPrefix(/[:.]\s*/))
        let values: [String]
        if let list = rest.firstMatch(of: /(?s)Please provide one of the following:\n(?<lines>.*)/) {
            values = list.output.lines.split(separator: "\n").map { $0.trimmingPrefix(/\s*-\s/).trimmingCharacters(in: .whitespaces) }
        } else if let list = rest.firstMatch(of: /Please provide one of (?<quoted>.*)\./) {
            values = list.output.quoted.matches(of: /'(?<term>[^']*)'/).map { String($0.output.term) }
        } else {
            return "\(field): \"\(value)\" is not accepted" + (rest.isEmpty ? "" : ": \(rest)")
        }
        return "\(field): \"\(value)\" is not accepted; accepted: \(values.joined(separator: ", "))"
    }
}
