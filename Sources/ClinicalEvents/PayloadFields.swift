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

    func optionalBool(_ key: String) throws -> Bool? {
        switch members[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw fail(key, "expected true or false, found \(other.kindName)")
        }
    }

    /// A list of event ids, absent when empty: a stored list is never empty, so that an absent
    /// member and an empty one cannot be two spellings of the same payload.
    func optionalEventIDs(_ key: String) throws -> [EventID]? {
        switch members[key] {
        case nil, .null?: return nil
        case .array(let elements)?:
            guard !elements.isEmpty else { throw fail(key, "an empty list (leave the member out instead)") }
            return try elements.map { element in
                guard case .string(let text) = element, let id = EventID(text) else { throw fail(key, "\(element.canonicalString) is not an event id") }
                return id
            }
        case let other?: throw fail(key, "expected a list of event ids, found \(other.kindName)")
        }
    }

    /// A decimal number stored as its canonical text (``MeasuredValue``).
    func optionalDecimal(_ key: String) throws -> String? {
        guard let text = try optionalString(key) else { return nil }
        guard MeasuredValue.isCanonical(text) else { throw fail(key, "\"\(text)\" is not a decimal number in canonical form (\(MeasuredValue.accepted))") }
        return text
    }

    /// Refuses `key` when it is present: a member another one rules out.
    func refuse(_ key: String, unless allowed: Bool, _ reason: String) throws {
        guard !allowed, let value = members[key], value != .null else { return }
        throw fail(key, reason)
    }

    func object(_ key: String) throws -> [String: JSONValue] {
        guard case .object(let members)? = members[key] else { throw fail(key, "expected an object") }
        return members
    }
}
