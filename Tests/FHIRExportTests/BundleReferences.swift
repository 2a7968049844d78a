import EventModel

/// The `urn:uuid:` references of a Bundle that point at none of its entries (a Bundle's
/// references must all resolve inside it).
func unresolvedReferences(_ bundle: JSONValue) -> [String] {
    let ids = Set((bundle.objectValue?["entry"]?.arrayValue ?? []).compactMap { $0.objectValue?["fullUrl"]?.stringValue })
    func references(_ value: JSONValue) -> [String] {
        switch value {
        case .object(let members): members.flatMap { key, member in key == "reference" ? [member.stringValue ?? ""] : references(member) }
        case .array(let elements): elements.flatMap(references)
        default: []
        }
    }
    return references(bundle).filter { $0.hasPrefix("urn:uuid:") && !ids.contains($0) }
}
