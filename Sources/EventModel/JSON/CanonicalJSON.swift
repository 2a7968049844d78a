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

        /// An empty writer.
        ///
        /// - Parameter capacity: Bytes to reserve up front.
        public init(capacity: Int = 256) {
            bytes.reserveCapacity(capacity)
        }

        /// Appends `value` in canonical form: members sorted, strings escaped only where required.
        ///
        /// - Parameter value: The value to write.
        public mutating func write(_ value: JSONValue) {
            switch value {
            case .null: append("null")
            case .bool(let flag): append(flag ? "true" : "false")
            case .int(let number): writeInteger(number)
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

        /// Appends an integer in decimal without allocating a String.
        ///
        /// - Parameter number: The integer, written in its one spelling (no leading zero, no plus sign).
        public mutating func writeInteger(_ number: Int) {
            if number == 0 { bytes.append(UInt8(ascii: "0")); return }
            if number < 0 { bytes.append(UInt8(ascii: "-")) }
            var magnitude = number.magnitude
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                          UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                while magnitude > 0 {
                    buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                    magnitude /= 10
                    count += 1
                }
                for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
            }
        }

        /// Appends bytes that are already canonical JSON (a stored payload).
        ///
        /// - Parameter fragment: Bytes that are already canonical JSON; not checked.
        public mutating func writeCanonicalFragment<Bytes: Sequence>(_ fragment: Bytes) where Bytes.Element == UInt8 {
            bytes.append(contentsOf: fragment)
        }

        /// Appends `"key":` — the caller is responsible for writing keys in canonical order.
        ///
        /// - Parameter key: The member name.
        public mutating func writeKey(_ key: String) {
            writeString(key)
            bytes.append(UInt8(ascii: ":"))
        }

        /// Appends text that is already what must be written (punctuation, a member name and colon).
        ///
        /// - Parameter ascii: ASCII text, written as it is.
        public mutating func append(_ ascii: String) {
            bytes.append(contentsOf: ascii.utf8)
        }

        /// Appends one byte as it is.
        ///
        /// - Parameter byte: The byte.
        public mutating func appendByte(_ byte: UInt8) {
            bytes.append(byte)
        }

        /// Whether any byte of `string` is a control character, a quote or a backslash. Eight
        /// bytes at a time: sealed payloads are long base64 strings, and a byte-by-byte scan of
        /// them was a visible part of receiving and hashing events.
        static func needsEscape(_ string: String) -> Bool {
            var string = string
            return string.withUTF8 { buffer -> Bool in
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                // A byte of `word` is zero exactly when the matching high bit here is set
                // (https://graphics.stanford.edu/~seander/bithacks.html#ZeroInWord).
                func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
                var index = 0
                if let base = buffer.baseAddress {
                    let raw = UnsafeRawPointer(base)
                    while index + 8 <= buffer.count {
                        let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        // Bytes below 0x20 have none of the bits 0xE0 set.
                        if hasZeroByte(word & 0xE0E0_E0E0_E0E0_E0E0) || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C)) { return true }
                        index += 8
                    }
                }
                while index < buffer.count {
                    let byte = buffer[index]
                    if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
                    index += 1
                }
                return false
            }
        }

        /// Appends `string` as a quoted JSON string.
        ///
        /// - Parameter string: The text, escaped only where canonical JSON requires.
        public mutating func writeString(_ string: String) {
            bytes.append(UInt8(ascii: "\""))
            // Almost every string needs no escape: copied whole, not byte by byte.
            if !Self.needsEscape(string) {
                bytes.append(contentsOf: string.utf8)
                bytes.append(UInt8(ascii: "\""))
                return
            }
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
    ///
    /// - Parameter keys: Member names.
    /// - Returns: The names in canonical order.
    public static func sortedKeys<Keys: Sequence>(_ keys: Keys) -> [String] where Keys.Element == String {
        keys.sorted(by: precedesInUTF16Order)
    }

    /// UTF-16 code-unit order, computed on UTF-8 bytes (no transcoding). UTF-8 byte order is code
    /// point order, which differs from UTF-16 order in one case only: a character from U+10000 up
    /// (lead byte F0–F4, a surrogate pair in UTF-16) sorts before U+E000–U+FFFF (lead byte EE–EF).
    ///
    /// - Parameters:
    ///   - a: A member name.
    ///   - b: Another member name.
    /// - Returns: Whether `a` sorts before `b`.
    public static func precedesInUTF16Order(_ a: String, _ b: String) -> Bool {
        var left = a.utf8.makeIterator(), right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?) where x != y:
                if x >= 0xF0, y == 0xEE || y == 0xEF { return true }
                if y >= 0xF0, x == 0xEE || x == 0xEF { return false }
                return x < y
            default: continue
            }
        }
    }

    /// Whether `bytes` are exactly the canonical form of the JSON they hold.
    ///
    /// - Parameter bytes: UTF-8 JSON text.
    /// - Returns: False for anything that is not JSON, or not in canonical form.
    public static func isCanonical(_ bytes: [UInt8]) -> Bool {
        guard let value = try? JSONParser.parse(bytes) else { return false }
        return value.canonicalBytes == bytes
    }
}
