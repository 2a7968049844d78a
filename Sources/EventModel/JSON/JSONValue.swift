/// A JSON value in the subset Myolog stores and hashes.
///
/// Numbers are integers only (`Int`): clinical payloads hold scores, minutes and sequence
/// numbers, never fractions, and leaving floating point out is what makes the canonical form
/// (``CanonicalJSON``) unambiguous across implementations.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// The value's canonical bytes (see ``CanonicalJSON``).
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalJSON.Writer()
        writer.write(self)
        return writer.bytes
    }

    /// The value's canonical text (see ``CanonicalJSON``).
    public var canonicalString: String {
        String(decoding: canonicalBytes, as: UTF8.self)
    }

    /// The members of an object, or nil for any other kind of value.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements, or nil for any other kind of value.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The string, or nil for any other kind of value.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The integer, or nil for any other kind of value.
    public var intValue: Int? {
        if case .int(let int) = self { return int }
        return nil
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
