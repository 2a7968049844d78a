import EventModel

/// Reads the members of a stored payload, strictly: a missing, mistyped or unknown member is a
/// ``ClinicalError/malformedPayload(type:field:reason:)`` naming the member.
struct PayloadFields {
    let type: String
    let members: [String: JSONValue]

    /// `allowed` is a short list, searched linearly: a payload has at most six members, and a
    /// set built per decode cost more than it saved.
    init(_ value: JSONValue, type: String, allowed: [String]) throws {
        guard case .object(let members) = value else { throw ClinicalError.malformedPayload(type: type, field: "payload", reason: "expected an object, found \(value.kindName)") }
        // Sorted only when refusing, so the member named is the same on every run.
        if members.keys.contains(where: { !allowed.contains($0) }), let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ClinicalError.malformedPayload(type: type, field: unknown, reason: "not a member of \(type)")
        }
        self.type = type
        self.members = members
    }

    private func fail(_ field: String, _ reason: String) -> ClinicalError { .malformedPayload(type: type, field: field, reason: reason) }

    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw fail(key, "missing") }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let value)?:
            guard !value.isEmpty else { throw fail(key, "empty string") }
            return value
        case let other?: throw fail(key, "expected a string, found \(other.kindName)")
        }
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = try optionalInt(key, in: range) else { throw fail(key, "missing") }
        return value
    }

    func optionalInt(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        switch members[key] {
        case nil, .null?: return nil
        case .int(let value)?:
            guard range.contains(value) else { throw fail(key, "\(value) is outside \(range.lowerBound)–\(range.upperBound)") }
            return value
        case let other?: throw fail(key, "expected an integer, found \(other.kindName)")
        }
    }

    func term(_ key: String, of vocabulary: Vocabulary) throws -> String {
        let id = try string(key)
        guard vocabulary.term(id: id) != nil else { throw fail(key, "\"\(id)\" is not a \(vocabulary.field) term") }
        return id
    }

    func optionalTerm(_ key: String, of vocabulary: Vocabulary) throws -> String? {
        guard members[key] != nil, members[key] != .null else { return nil }
        return try term(key, of: vocabulary)
    }

    func eventID(_ key: String) throws -> EventID {
        guard let id = try optionalEventID(key) else { throw fail(key, "missing") }
        return id
    }

    func optionalEventID(_ key: String) throws -> EventID? {
        guard let text = try optionalString(key) else { return nil }
        guard let id = EventID(text) else { throw fail(key, "\"\(text)\" is not an event id") }
        return id
    }

    func object(_ key: String) throws -> [String: JSONValue] {
        guard case .object(let members)? = members[key] else { throw fail(key, "expected an object") }
        return members
    }
}
