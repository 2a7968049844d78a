/// Standard base64 (RFC 4648, with padding) written into and read from byte buffers in place:
/// the sealed payload of every event goes through it, and Foundation's `Data` round trips
/// (copy to `Data`, encode to a `String`, copy into the payload) cost more than the cipher.
package enum Base64 {
    package static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    package static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// How many bytes the encoding of `count` bytes takes.
    package static func encodedCount(of count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Writes the encoding of `bytes` at the start of `output` (at least
    /// ``encodedCount(of:)`` bytes long) and returns how many bytes it wrote.
    ///
    /// Takes raw buffers, not `some Collection<UInt8>`: called from other modules, a generic here
    /// ran unspecialised (an iterator through witness tables per byte) and cost more than the
    /// cipher it encodes the output of.
    package static func encode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(output.count >= encodedCount(of: bytes.count))
        return alphabet.withUnsafeBufferPointer { alphabet in
            var read = 0, write = 0
            while read < bytes.count {
                let left = bytes.count - read
                let a = bytes[read], b = left > 1 ? bytes[read + 1] : 0, c = left > 2 ? bytes[read + 2] : 0
                let triple = UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
                output[write] = alphabet[Int(triple >> 18 & 63)]
                output[write + 1] = alphabet[Int(triple >> 12 & 63)]
                output[write + 2] = left > 1 ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "=")
                output[write + 3] = left > 2 ? alphabet[Int(triple & 63)] : UInt8(ascii: "=")
                read += 3
                write += 4
            }
            return write
        }
    }

    /// Appends the encoding of `bytes` to `output`.
    package static func encode(_ bytes: [UInt8], into output: inout [UInt8]) {
        let start = output.count, count = encodedCount(of: bytes.count)
        output.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeBytes { bytes in
            output.withUnsafeMutableBufferPointer { output in
                _ = encode(bytes, into: UnsafeMutableBufferPointer(rebasing: output[start...]))
            }
        }
    }

    /// The bytes `text` encodes, or nil unless it is canonical padded base64.
    package static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        return scan(text, emit: { output.append($0) }) ? output : nil
    }

    /// How many bytes `text` encodes, or nil unless it is canonical padded base64 —
    /// ``decode(_:)``'s answer without its bytes: every received sealed payload is checked for
    /// form before anything opens it.
    package static func decodedCount(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        var count = 0
        return scan(text, emit: { _ in count += 1 }) ? count : nil
    }

    /// Reads `text`, handing each decoded byte to `emit`; false at the first thing that is not
    /// canonical padded base64.
    @inline(__always)
    private static func scan(_ text: UnsafeBufferPointer<UInt8>, emit: (UInt8) -> Void) -> Bool {
        let count = text.count
        guard count % 4 == 0 else { return false }
        return values.withUnsafeBufferPointer { values -> Bool in
            // The bits a padded last quad does not use must be zero: otherwise "QUJ=" would read
            // as "QUI=" and one payload would have several stored forms (and hashes). Checked
            // once here, not in the loop every sealed payload's quads go through.
            if count >= 4, text[count - 1] == UInt8(ascii: "=") {
                let twoPads = text[count - 2] == UInt8(ascii: "=")
                let carrier = values[Int(text[count - (twoPads ? 3 : 2)])]
                guard carrier != 0xFF, carrier & (twoPads ? 0x0F : 0x03) == 0 else { return false }
            }
            var index = 0
            while index < count {
                let a = values[Int(text[index])], b = values[Int(text[index + 1])]
                let padC = text[index + 2] == UInt8(ascii: "="), padD = text[index + 3] == UInt8(ascii: "=")
                let c = padC ? 0 : values[Int(text[index + 2])], d = padD ? 0 : values[Int(text[index + 3])]
                guard a != 0xFF, b != 0xFF, c != 0xFF, d != 0xFF, !(padC && !padD), !((padC || padD) && index + 4 != count) else { return false }
                let quad = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                emit(UInt8(quad >> 16 & 0xFF))
                if !padC { emit(UInt8(quad >> 8 & 0xFF)) }
                if !padD { emit(UInt8(quad & 0xFF)) }
                index += 4
            }
            return true
        }
    }
}
