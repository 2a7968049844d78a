@testable import EventModel
import Testing
import MyologTestSupport

@Suite("Canonical JSON")
struct CanonicalJSONTests {
    @Test("members sorted, no whitespace, JCS escapes")
    func canonicalForm() {
        let value: JSONValue = ["b": 1, "a": ["x": "é/\"\\\n\u{01}\t"], "A": nil, "c": [true, false, -7]]
        #expect(value.canonicalString == #"{"A":null,"a":{"x":"é/\"\\\n\u0001\t"},"b":1,"c":[true,false,-7]}"#)
    }

    @Test("members sort by UTF-16 code units, as RFC 8785 requires")
    func utf16Order() {
        // U+FB01 sorts after U+1F600 by code point but before it by UTF-16 code unit (0xD83D).
        let value: JSONValue = ["\u{1F600}": 1, "\u{FB01}": 2]
        #expect(value.canonicalString == "{\"\u{1F600}\":1,\"\u{FB01}\":2}")
    }

    @Test("the eight-bytes-at-a-time escape scan agrees with a byte-by-byte one (seeded)", arguments: 0..<10)
    func escapeScanProperty(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        // Mostly base64 characters (what sealed payloads are), with every byte value sometimes,
        // at every length and position around the eight-byte words.
        let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)
        for _ in 0..<2_000 {
            var bytes = (0..<Int(rng.next() % 40)).map { _ in base64[Int(rng.next() % UInt64(base64.count))] }
            if !bytes.isEmpty, rng.next() % 2 == 0 { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next() % 128) }
            let string = String(decoding: bytes, as: UTF8.self)
            let expected = string.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
            #expect(CanonicalJSON.Writer.needsEscape(string) == expected, "\(bytes)")
        }
    }

    @Test("the UTF-8 comparison orders keys exactly as UTF-16 code units do (seeded)", arguments: 0..<20)
    func utf16OrderProperty(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        let scalars: [Unicode.Scalar] = ["a", "b", "\u{7F}", "\u{80}", "é", "\u{D7FF}", "\u{E000}", "\u{FB01}", "\u{FFFD}", "\u{10000}", "\u{1F600}", "\u{10FFFF}"]
        for _ in 0..<500 {
            var a = "", b = ""
            for _ in 0..<Int(rng.next() % 4) { a.unicodeScalars.append(scalars[Int(rng.next() % UInt64(scalars.count))]) }
            for _ in 0..<Int(rng.next() % 4) { b.unicodeScalars.append(scalars[Int(rng.next() % UInt64(scalars.count))]) }
            #expect(CanonicalJSON.precedesInUTF16Order(a, b) == a.utf16.lexicographicallyPrecedes(b.utf16), "\(a.unicodeScalars.map(\.value)) vs \(b.unicodeScalars.map(\.value))")
        }
    }

    @Test("the parser refuses what a damaged or forged payload might hold", arguments: [
        ("1.5", .notAnInteger), ("1e3", .notAnInteger), ("01", .invalidNumber), ("-", .invalidNumber), ("{\"a\":1,\"a\":2}", .duplicateMember),
        ("[1,]", .unexpectedCharacter), ("{\"a\" 1}", .unexpectedCharacter), ("\"\\x\"", .invalidEscape), ("\"\u{01}\"", .controlCharacter),
        ("tru", .invalidLiteral), ("[1] 2", .trailingBytes), ("99999999999999999999", .integerOutOfRange), ("\"\\ud800\"", .invalidEscape),
        ("", .unexpectedEnd), ("{", .unexpectedEnd), (String(repeating: "[", count: 40) + String(repeating: "]", count: 40), .tooDeep),
    ] as [(String, JSONParser.Failure.Code)])
    func refusals(_ text: String, _ code: JSONParser.Failure.Code) {
        let failure = #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
        #expect(failure?.code == code, "\(failure.map { "\($0)" } ?? "parsed")")
    }

    @Test("invalid UTF-8 is refused")
    func invalidUTF8() {
        let failure = #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(failure?.code == .invalidUTF8)
    }

    @Test("extreme integers round-trip")
    func integerRange() throws {
        for number in [Int.min, Int.max, 0, -1] {
            #expect(try JSONParser.parse(JSONValue.int(number).canonicalString) == .int(number))
        }
    }

    @Test("write → parse → write is stable for random values (seeded)", arguments: 0..<200)
    func roundTrip(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed))
        let value = randomValue(depth: 0, rng: &rng)
        let bytes = value.canonicalBytes
        let parsed = try JSONParser.parse(bytes)
        #expect(parsed == value)
        #expect(parsed.canonicalBytes == bytes)
        #expect(CanonicalJSON.isCanonical(bytes))
    }

    @Test("non-canonical spellings of the same value are detected")
    func detectsNonCanonical() {
        #expect(!CanonicalJSON.isCanonical(Array(#"{"b":1, "a":2}"#.utf8)))
        #expect(!CanonicalJSON.isCanonical(Array(#"{"b":1,"a":2}"#.utf8)))
        #expect(!CanonicalJSON.isCanonical(Array(#""\u0041""#.utf8)))
        #expect(CanonicalJSON.isCanonical(Array(#"{"a":2,"b":1}"#.utf8)))
    }

    private func randomValue(depth: Int, rng: inout SeededGenerator) -> JSONValue {
        switch rng.next() % (depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .int(Int(truncatingIfNeeded: rng.next()))
        case 3: return .string(randomString(&rng))
        case 4: return .array((0..<Int(rng.next() % 4)).map { _ in randomValue(depth: depth + 1, rng: &rng) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int(rng.next() % 4) { members[randomString(&rng)] = randomValue(depth: depth + 1, rng: &rng) }
            return .object(members)
        }
    }

    private func randomString(_ rng: inout SeededGenerator) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{00}", "\u{1F}", "\u{7F}", "é", "ß", "\u{2028}", "\u{FB01}", "\u{1F600}"]
        var text = ""
        for _ in 0..<Int(rng.next() % 8) { text.unicodeScalars.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
        return text
    }
}

/// SeededGenerator: tests are reproducible from their seed.

extension CanonicalJSONTests {
    @Test("a stored clock is read by the byte scanner exactly as written, and any other spelling is refused (seeded)", arguments: 0..<20)
    func canonicalClock(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        for _ in 0..<200 {
            var entries: [NodeID: Int] = [:]
            for _ in 0..<Int(rng.next() % 5) {
                let node = NodeID(String((0..<16).map { _ in alphabet[Int(rng.next() % 32)] }))!
                entries[node] = Int(rng.next() % (1 << 53)) + 1
            }
            let clock = VectorClock(entries)
            #expect(VectorClock(canonical: clock.description) == clock)
            #expect(VectorClock(text: clock.description) == clock, "the JSON reader agrees")
        }
        let a = "aaaaaaaaaaaaaaaa", b = "bbbbbbbbbbbbbbbb"
        for refused in ["", "{", "}", "[]", "{\"\(a)\":0}", "{\"\(a)\":01}", "{\"\(a)\":-1}", "{\"\(b)\":1,\"\(a)\":2}", "{\"\(a)\":1,\"\(a)\":2}",
                        "{ \"\(a)\":1}", "{\"\(a)\": 1}", "{\"\(a)\":1,}", "{\"AAAAAAAAAAAAAAAA\":1}", "{\"\(a)\":99999999999999999999}", "{\"\(a)\":1}x"] {
            #expect(VectorClock(canonical: refused) == nil, "\(refused)")
        }
        #expect(VectorClock(canonical: "{}") == VectorClock())
    }
}
