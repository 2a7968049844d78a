/// Myolog's canonical JSON form: the exact bytes that are stored and hashed.
///
/// It is RFC 8785 (JCS) restricted to integers: UTF-8, no insignificant whitespace, object
/// members sorted by the UTF-16 code units of their names, strings escaped with the short forms
/// `\"` `\\` `\b` `\f` `\n` `\r` `\t` and `\u00xx` (lower-case hex) for other control characters,
/// nothing else escaped. Python's `json.dumps(v, sort_keys=True, separators=(",", ":"),
/// ensure_ascii=False)` produces the same bytes for Myolog's values, which is how the tests
/// check it independently.
public enum CanonicalJSON {
    /// Appends canonical JSON to a byte buffer.
    public struct Writer {
        public private(set) var bytes: [UInt8] = []

        public init(capacity: Int = 256) {
            bytes.reserveCapacity(capacity)
        }

        public mutating func write(_ value: JSONValue) {
            switch value {
            case .null: append("null")
            case .bool(let flag): append(flag ? "true" : "false")
            case .int(let number): append(String(number))
            case .string(let string): writeString(string)
            case .array(let elements):
                bytes.append(UInt8(ascii: "["))
                for (index, element) in elements.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    write(element)
                }
                bytes.append(UInt8(ascii: "]"))
            case .object(let members):
                bytes.append(UInt8(ascii: "{"))
                for (index, key) in CanonicalJSON.sortedKeys(members.keys).enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    writeString(key)
                    bytes.append(UInt8(ascii: ":"))
                    write(members[key]!)
                }
                bytes.append(UInt8(ascii: "}"))
            }
        }

        /// Appends bytes that are already canonical JSON (a stored payload).
        public mutating func writeCanonicalFragment<Bytes: Sequence>(_ fragment: Bytes) where Bytes.Element == UInt8 {
            bytes.append(contentsOf: fragment)
        }

        /// Appends `"key":` — the caller is responsible for writing keys in canonical order.
        public mutating func writeKey(_ key: String) {
            writeString(key)
            bytes.append(UInt8(ascii: ":"))
        }

        public mutating func append(_ ascii: String) {
            bytes.append(contentsOf: ascii.utf8)
        }

        public mutating func appendByte(_ byte: UInt8) {
            bytes.append(byte)
        }

        public mutating func writeString(_ string: String) {
            bytes.append(UInt8(ascii: "\""))
            for byte in string.utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
                case 0x00..<0x20:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: Array("\\u00".utf8))
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// Object member names in canonical order: by UTF-16 code units, as RFC 8785 requires.
    public static func sortedKeys<Keys: Sequence>(_ keys: Keys) -> [String] where Keys.Element == String {
        keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
    }

    /// Whether `bytes` are exactly the canonical form of the JSON they hold.
    public static func isCanonical(_ bytes: [UInt8]) -> Bool {
        guard let value = try? JSONParser.parse(bytes) else { return false }
        return value.canonicalBytes == bytes
    }
}
