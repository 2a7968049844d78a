/// A strict JSON parser for the subset Myolog stores (see ``JSONValue``).
///
/// It refuses what a forged or damaged payload might carry: invalid UTF-8, fractions and
/// exponents, integers beyond 64 bits, duplicate member names, nesting deeper than
/// ``maximumDepth``, and trailing bytes. Every refusal says where.
public struct JSONParser {
    /// Deeper nesting than any Myolog payload needs; refusing it bounds the parser's stack.
    public static let maximumDepth = 32

    /// Why bytes are not acceptable JSON.
    public struct Failure: CodedError, Sendable, Equatable {
        /// What is wrong at ``offset``. Codes are stable: scripts and tests match them, so one is
        /// never renamed nor reused for another meaning.
        public enum Code: String, Sendable, Hashable, CaseIterable {
            /// The input ends inside a value (a string, escape, array or object left open).
            case unexpectedEnd
            /// A byte where the grammar allows none such (a missing comma, colon or member name).
            case unexpectedCharacter
            /// Something after the one value.
            case trailingBytes
            /// Nesting deeper than ``JSONParser/maximumDepth``.
            case tooDeep
            /// Not `true`, `false` or `null`.
            case invalidLiteral
            /// A number that is not JSON's (a lone minus, leading zeros).
            case invalidNumber
            /// A fraction or an exponent: Myolog's JSON holds integers only.
            case notAnInteger
            /// An integer beyond 64 bits.
            case integerOutOfRange
            /// A string whose bytes are not UTF-8.
            case invalidUTF8
            /// A control character not escaped in a string.
            case controlCharacter
            /// An escape JSON does not have, or a `\u` escape that is not a scalar.
            case invalidEscape
            /// An object naming a member twice.
            case duplicateMember
            /// The value is a sealed payload whose key this store does not hold.
            case sealedPayload
        }

        public var code: Code
        public var offset: Int
        public var reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    private let bytes: [UInt8]
    private var index = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON value (RFC 8259, nested at most ``maximumDepth`` deep), with nothing but whitespace around it.
    ///
    /// - Parameter bytes: UTF-8 JSON text.
    /// - Returns: The value it holds.
    /// - Throws: ``Failure`` naming the byte offset of the first error.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure(.trailingBytes, "unexpected bytes after the value") }
        return value
    }

    /// Parses one JSON value from text, as the overload taking its UTF-8 bytes does.
    ///
    /// - Parameter text: JSON text.
    /// - Returns: The value it holds.
    /// - Throws: ``Failure`` naming the byte offset of the first error.
    public static func parse(_ text: String) throws(Failure) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private func failure(_ code: Failure.Code, _ reason: String) -> Failure { Failure(code: code, offset: index, reason: reason) }

    private mutating func skipWhitespace() {
        // A switch, not `[…].contains`: this runs between every two tokens, and an array literal
        // there cost an allocation per call.
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw failure(.tooDeep, "nesting deeper than \(Self.maximumDepth)") }
        guard index < bytes.count else { throw failure(.unexpectedEnd, "unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try parseInteger())
        default: throw failure(.unexpectedCharacter, "unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
            throw failure(.invalidLiteral, "invalid literal")
        }
        index += expected.count
    }

    private mutating func parseInteger() throws(Failure) -> Int {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
            throw failure(.invalidNumber, "a minus sign must be followed by digits")
        }
        if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count,
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index + 1])
        {
            throw failure(.invalidNumber, "leading zeros are not allowed")
        }
        var magnitude: UInt64 = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let digit = UInt64(bytes[index] - UInt8(ascii: "0"))
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { index = start; throw failure(.integerOutOfRange, "integer out of 64-bit range") }
            magnitude = sum
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            throw failure(.notAnInteger, "only integers are accepted, not fractions or exponents")
        }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { index = start; throw failure(.integerOutOfRange, "integer out of 64-bit range") }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { index = start; throw failure(.integerOutOfRange, "integer out of 64-bit range") }
        return Int(magnitude)
    }

    private mutating func parseString() throws(Failure) -> String {
        index += 1  // opening quote
        var runStart = index
        // Almost every string has no escape: find its end, and make it in one validated copy.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let run = try flushRun(self, upTo: end)
            index = end + 1
            return run
        }
        var text = ""
        func flushRun(_ parser: JSONParser, upTo end: Int) throws(Failure) -> String {
            // Validated from contiguous bytes: the fast path of String's UTF-8 check.
            let run = parser.bytes.withUnsafeBufferPointer { String(validating: UnsafeBufferPointer(rebasing: $0[runStart..<end]), as: UTF8.self) }
            guard let run else { throw Failure(code: .invalidUTF8, offset: runStart, reason: "invalid UTF-8 in string") }
            return run
        }
        while true {
            guard index < bytes.count else { throw failure(.unexpectedEnd, "unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                text += try flushRun(self, upTo: index)
                index += 1
                return text
            }
            if byte < 0x20 { throw failure(.controlCharacter, "unescaped control character in string") }
            if byte != UInt8(ascii: "\\") { index += 1; continue }
            text += try flushRun(self, upTo: index)
            index += 1
            guard index < bytes.count else { throw failure(.unexpectedEnd, "unterminated escape") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): text += "\""
            case UInt8(ascii: "\\"): text += "\\"
            case UInt8(ascii: "/"): text += "/"
            case UInt8(ascii: "b"): text += "\u{08}"
            case UInt8(ascii: "f"): text += "\u{0C}"
            case UInt8(ascii: "n"): text += "\n"
            case UInt8(ascii: "r"): text += "\r"
            case UInt8(ascii: "t"): text += "\t"
            case UInt8(ascii: "u"):
                let first = try parseHex4()
                var scalarValue = UInt32(first)
                if (0xD800..<0xDC00).contains(first) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw failure(.invalidEscape, "unpaired surrogate in \\u escape")
                    }
                    index += 2
                    let second = try parseHex4()
                    guard (0xDC00..<0xE000).contains(second) else { throw failure(.invalidEscape, "unpaired surrogate in \\u escape") }
                    scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(scalarValue) else { throw failure(.invalidEscape, "unpaired surrogate in \\u escape") }
                text.unicodeScalars.append(scalar)
            default: throw failure(.invalidEscape, "invalid escape")
            }
            runStart = index
        }
    }

    private mutating func parseHex4() throws(Failure) -> UInt16 {
        guard index + 4 <= bytes.count else { throw failure(.unexpectedEnd, "truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure(.invalidEscape, "invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw failure(.unexpectedEnd, "unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw failure(.unexpectedCharacter, "expected , or ] in array")
        }
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure(index < bytes.count ? .unexpectedCharacter : .unexpectedEnd, "expected a member name") }
            let keyOffset = index
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure(index < bytes.count ? .unexpectedCharacter : .unexpectedEnd, "expected : after member name") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            guard members.updateValue(value, forKey: key) == nil else {
                throw Failure(code: .duplicateMember, offset: keyOffset, reason: "duplicate member name \"\(key)\"")
            }
            skipWhitespace()
            guard index < bytes.count else { throw failure(.unexpectedEnd, "unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw failure(.unexpectedCharacter, "expected , or } in object")
        }
    }
}
