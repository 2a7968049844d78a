import Foundation

/// ArgumentParser's refusal of an option value it could not parse, said the way every other
/// refusal of this tool is: the field first, what was given, what is accepted — one line.
///
/// Types parsed at the edge (`ExpressibleByArgument`, or an option's `transform`) either throw
/// the project's own message (kept as it is) or, for an enumeration, let ArgumentParser list
/// the accepted values (rephrased here).
enum ValueRefusal {
    static func rephrased(_ text: String) -> String? {
        guard let match = text.wholeMatch(of: /The value '(?<value>.*)' is invalid for '(?:--(?<name>[a-z0-9-]+) )?<(?<valueName>[^>]*)>'(?<rest>.*)/) else {
            return nil
        }
        let field = String(match.output.name ?? match.output.valueName)
        let value = String(match.output.value)
        // A transform's own refusal follows ": " — already in the one-line form: said as it is.
        if match.output.rest.hasPrefix(": ") { return String(match.output.rest.dropFirst(2)) }
        let rest = match.output.rest.trimmingPrefix(/[:.]\s*/)
        if let list = rest.firstMatch(of: /Please provide one of the following:\s*(?<values>.*)/) {
            let values = list.output.values.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return "\(field): \"\(value)\" is not accepted; accepted: \(values.joined(separator: ", "))"
        }
        return "\(field): \"\(value)\" is not accepted" + (rest.isEmpty ? "" : ": \(rest)")
    }
}
