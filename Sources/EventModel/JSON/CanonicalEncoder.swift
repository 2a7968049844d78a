/// Encodes `Encodable` values into ``JSONValue`` — and so into canonical bytes — for the edges:
/// payloads as they are hashed and stored, views as `--json` prints them.
///
/// Why not Foundation's `JSONEncoder`: its escaping and key order are not RFC 8785's, and the
/// bytes Myolog prints and hashes must be the same on every platform and every run. Integers
/// only (``JSONValue``): a `Double` is refused, not rounded. An optional encoded with
/// `encodeIfPresent` (synthesized `Encodable`) is left out when nil; with `encode` it is `null`.
/// Containers a type asks for more than once on the same encoder are one object, so a view can
/// add its own members beside a payload's (``CanonicalEncoder`` merges them).
public struct CanonicalEncoder: Sendable {
    public init() {}

    /// The value as a ``JSONValue`` tree.
    ///
    /// - Parameter value: Any `Encodable` value with a JSON form Myolog accepts.
    /// - Returns: The JSON tree the value encodes to.
    /// - Throws: ``EncodingFailure`` naming the coding path of a fraction, an integer beyond 64 bits, or a non-string key.
    public func value<T: Encodable>(_ value: T) throws(EncodingFailure) -> JSONValue {
        if let json = value as? JSONValue { return json }
        let box = Box()
        do { try value.encode(to: TreeEncoder(box: box, codingPath: [])) } catch let failure as EncodingFailure { throw failure } catch {
            throw EncodingFailure(code: .encodingThrew, path: "", reason: "\(error)")
        }
        return box.resolved
    }

    /// The value's canonical bytes (see ``CanonicalJSON``).
    ///
    /// - Parameter value: Any `Encodable` value with a JSON form Myolog accepts.
    /// - Returns: The canonical UTF-8 bytes.
    /// - Throws: ``EncodingFailure``, as ``value(_:)``.
    public func bytes<T: Encodable>(_ value: T) throws(EncodingFailure) -> [UInt8] {
        try self.value(value).canonicalBytes
    }

    /// The value's canonical text (see ``CanonicalJSON``).
    ///
    /// - Parameter value: Any `Encodable` value with a JSON form Myolog accepts.
    /// - Returns: The canonical text.
    /// - Throws: ``EncodingFailure``, as ``value(_:)``.
    public func string<T: Encodable>(_ value: T) throws(EncodingFailure) -> String {
        try self.value(value).canonicalString
    }

    /// A value that has no JSON form Myolog accepts (a fraction, an integer beyond 64 bits).
    public struct EncodingFailure: CodedError, Sendable {
        /// Why the value has no JSON form. Codes are stable: scripts and tests match them, so one
        /// is never renamed nor reused for another meaning.
        public enum Code: String, Sendable, Hashable, CaseIterable {
            /// A fraction (a `Double` or `Float`): integers only.
            case fraction
            /// An integer beyond 64 bits.
            case integerOutOfRange
            /// The value's own `encode(to:)` threw (its error is the reason).
            case encodingThrew
        }

        public var code: Code
        public var path: String
        public var reason: String
        public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
    }
}

/// One value being built: a scalar, or an object or array whose members are boxes themselves
/// (containers hand out boxes before their contents are written).
private final class Box {
    var scalar: JSONValue?
    var members: [String: Box]?
    var elements: [Box]?

    var resolved: JSONValue {
        if let scalar { return scalar }
        if let members { return .object(members.mapValues(\.resolved)) }
        if let elements { return .array(elements.map(\.resolved)) }
        return .object([:])
    }

    func object() -> Box {
        if members == nil { members = [:] }
        return self
    }

    func array() -> Box {
        if elements == nil { elements = [] }
        return self
    }
}

private struct TreeEncoder: Encoder {
    let box: Box
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(box: box.object(), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedContainer(box: box.array(), codingPath: codingPath) }
    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(box: box, codingPath: codingPath) }
}

/// Encodes one value into `box`: scalars directly, everything else through its own `encode(to:)`.
private func encode<T: Encodable>(_ value: T, into box: Box, codingPath: [any CodingKey]) throws {
    switch value {
    case let json as JSONValue: box.scalar = json
    case let string as String: box.scalar = .string(string)
    case let int as Int: box.scalar = .int(int)
    case let bool as Bool: box.scalar = .bool(bool)
    default: try value.encode(to: TreeEncoder(box: box, codingPath: codingPath))
    }
}

private func integer<T: BinaryInteger>(_ value: T, at codingPath: [any CodingKey]) throws -> JSONValue {
    guard let int = Int(exactly: value) else {
        throw CanonicalEncoder.EncodingFailure(code: .integerOutOfRange, path: codingPath.map(\.stringValue).joined(separator: "."), reason: "\(value) is beyond a 64-bit integer")
    }
    return .int(int)
}

private func refuseFraction(at codingPath: [any CodingKey]) -> CanonicalEncoder.EncodingFailure {
    CanonicalEncoder.EncodingFailure(code: .fraction, path: codingPath.map(\.stringValue).joined(separator: "."), reason: "fractions have no canonical form here (integers only)")
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: Box
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> Box {
        let child = Box()
        box.members![key.stringValue] = child
        return child
    }

    mutating func encodeNil(forKey key: Key) throws { child(key).scalar = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { child(key).scalar = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { child(key).scalar = .string(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { child(key).scalar = .int(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { child(key).scalar = try integer(value, at: codingPath + [key]) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { child(key).scalar = try integer(value, at: codingPath + [key]) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { child(key).scalar = try integer(value, at: codingPath + [key]) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { child(key).scalar = try integer(value, at: codingPath + [key]) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { child(key).scalar = try integer(value, at: codingPath + [key]) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { child(key).scalar = try integer(value, at: codingPath + [key]) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { child(key).scalar = try integer(value, at: codingPath + [key]) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { child(key).scalar = try integer(value, at: codingPath + [key]) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { child(key).scalar = try integer(value, at: codingPath + [key]) }
    mutating func encode(_ value: Double, forKey key: Key) throws { throw refuseFraction(at: codingPath + [key]) }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw refuseFraction(at: codingPath + [key]) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try EventModel.encode(value, into: child(key), codingPath: codingPath + [key]) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedContainer<NestedKey>(box: child(key).object(), codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedContainer(box: child(key).array(), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(box: child(Key(stringValue: "super")!), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { TreeEncoder(box: child(key), codingPath: codingPath + [key]) }
}

private struct IndexKey: CodingKey {
    var stringValue: String { "\(intValue!)" }
    var intValue: Int?
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let box: Box
    let codingPath: [any CodingKey]
    var count: Int { box.elements!.count }

    private func next() -> Box {
        let child = Box()
        box.elements!.append(child)
        return child
    }

    private var path: [any CodingKey] { codingPath + [IndexKey(count)] }

    mutating func encodeNil() throws { next().scalar = .null }
    mutating func encode(_ value: Bool) throws { next().scalar = .bool(value) }
    mutating func encode(_ value: String) throws { next().scalar = .string(value) }
    mutating func encode(_ value: Int) throws { next().scalar = .int(value) }
    mutating func encode(_ value: Int64) throws { next().scalar = try integer(value, at: path) }
    mutating func encode(_ value: UInt64) throws { next().scalar = try integer(value, at: path) }
    mutating func encode(_ value: Double) throws { throw refuseFraction(at: path) }
    mutating func encode(_ value: Float) throws { throw refuseFraction(at: path) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = self.path
        try EventModel.encode(value, into: next(), codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = self.path
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: next().object(), codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = self.path
        return UnkeyedContainer(box: next().array(), codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = self.path
        return TreeEncoder(box: next(), codingPath: path)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let box: Box
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.scalar = .null }
    mutating func encode(_ value: Bool) throws { box.scalar = .bool(value) }
    mutating func encode(_ value: String) throws { box.scalar = .string(value) }
    mutating func encode(_ value: Int) throws { box.scalar = .int(value) }
    mutating func encode(_ value: Int8) throws { box.scalar = try integer(value, at: codingPath) }
    mutating func encode(_ value: Int16) throws { box.scalar = try integer(value, at: codingPath) }
    mutating func encode(_ value: Int32) throws { box.scalar = try integer(value, at: codingPath) }
    mutating func encode(_ value: Int64) throws { box.scalar = try integer(value, at: codingPath) }
    mutating func encode(_ value: UInt) throws { box.scalar = try integer(value, at: codingPath) }
    mutating func encode(_ value: UInt8) throws { box.scalar = try integer(value, at: codingPath) }
    mutating func encode(_ value: UInt16) throws { box.scalar = try integer(value, at: codingPath) }
    mutating func encode(_ value: UInt32) throws { box.scalar = try integer(value, at: codingPath) }
    mutating func encode(_ value: UInt64) throws { box.scalar = try integer(value, at: codingPath) }
    mutating func encode(_ value: Double) throws { throw refuseFraction(at: codingPath) }
    mutating func encode(_ value: Float) throws { throw refuseFraction(at: codingPath) }
    mutating func encode<T: Encodable>(_ value: T) throws { try EventModel.encode(value, into: box, codingPath: codingPath) }
}

extension JSONValue: Encodable {
    /// A JSON value encodes as itself (``CanonicalEncoder`` takes it whole).
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .int(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let members):
            var container = encoder.container(keyedBy: MemberKey.self)
            for (key, value) in members { try container.encode(value, forKey: MemberKey(key)) }
        }
    }

    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

// Ids, hashes and times encode as the text they are written as everywhere else.
extension EventID: Encodable { public func encode(to encoder: any Encoder) throws { try rawValue.encode(to: encoder) } }
extension PatientID: Encodable { public func encode(to encoder: any Encoder) throws { try rawValue.encode(to: encoder) } }
extension NodeID: Encodable { public func encode(to encoder: any Encoder) throws { try rawValue.encode(to: encoder) } }
extension EventHash: Encodable { public func encode(to encoder: any Encoder) throws { try description.encode(to: encoder) } }
extension Timestamp: Encodable { public func encode(to encoder: any Encoder) throws { try description.encode(to: encoder) } }
extension CivilDate: Encodable { public func encode(to encoder: any Encoder) throws { try description.encode(to: encoder) } }
