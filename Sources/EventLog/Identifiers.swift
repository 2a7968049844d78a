import Foundation
import Synchronization

/// The id of one event: a UUIDv7 (RFC 9562), lower-case text.
///
/// Time-ordered, so ids appended together land next to each other in the unique index and an
/// append touches the index's right edge instead of a random page. Ids made in one process are
/// strictly increasing, even within one millisecond (RFC 9562 §6.2 method 1: a counter in `rand_a`).
public struct EventID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts a canonical lower-case UUID text; nil for anything else.
    public init?(_ text: String) {
        guard UUIDText.isCanonical(text) else { return nil }
        rawValue = text
    }

    init(unchecked text: String) { rawValue = text }

    public var description: String { rawValue }
    public static func < (lhs: EventID, rhs: EventID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A new, time-ordered id.
    public static func make(at time: Timestamp = .now()) -> EventID {
        EventID(unchecked: UUIDText.format(UUIDv7Generator.shared.next(milliseconds: time.millisecondsSinceEpoch)))
    }
}

/// The id of one patient: a random UUID (version 4), lower-case text.
///
/// Random rather than time-ordered on purpose: an 8-character prefix is then unique in practice,
/// so clinicians can type it, and the id does not reveal when the patient first came.
public struct PatientID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ text: String) {
        guard UUIDText.isCanonical(text) else { return nil }
        rawValue = text
    }

    public var description: String { rawValue }
    public static func < (lhs: PatientID, rhs: PatientID) -> Bool { lhs.rawValue < rhs.rawValue }

    public static func make() -> PatientID {
        var rng = SystemRandomNumberGenerator()
        return make(using: &rng)
    }

    /// A version-4 id from `generator`: deterministic ids for seeded demo data.
    public static func make<G: RandomNumberGenerator>(using generator: inout G) -> PatientID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { bytes[i] = UInt8.random(in: .min ... .max, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return PatientID(unchecked: UUIDText.format(bytes))
    }

    init(unchecked text: String) { rawValue = text }
}

/// The id of one node (one store, one clinic machine): base32 of the first 10 bytes of the
/// SHA-256 of its Ed25519 public key, so anyone holding the key can check the id.
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 16 characters of lower-case RFC 4648 base32.
    public init?(_ text: String) {
        guard text.utf8.count == 16, text.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "2")...UInt8(ascii: "7")).contains($0) }) else { return nil }
        rawValue = text
    }

    init(unchecked text: String) { rawValue = text }

    public var description: String { rawValue }
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A SHA-256 digest as 64 lower-case hex characters.
public struct EventHash: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ text: String) {
        guard text.utf8.count == 64, text.utf8.allSatisfy(Hex.isDigit) else { return nil }
        rawValue = text
    }

    init(unchecked text: String) { rawValue = text }
    public var description: String { rawValue }
}

/// Lower-case hexadecimal, the spelling of every hash and id in the log.
public enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A lower-case hex digit (a range test: this runs for every id and hash read from the log).
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of lower-case hex text; nil for odd length or any other character.
    public static func decode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}

enum Base32 {
    static let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int(buffer >> UInt32(bits - 5) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

enum UUIDText {
    static func format(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(Hex.digits[Int(byte >> 4)])
            out.append(Hex.digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isCanonical(_ text: String) -> Bool {
        guard text.utf8.count == 36 else { return false }
        var index = 0
        for byte in text.utf8 {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard Hex.isDigit(byte) else { return false }
            }
            index += 1
        }
        return true
    }
}

/// Process-wide UUIDv7 state, so ids stay increasing across threads.
final class UUIDv7Generator: Sendable {
    static let shared = UUIDv7Generator()
    private let state = Mutex<(milliseconds: Int64, counter: UInt16)>((0, 0))

    func next(milliseconds now: Int64) -> [UInt8] {
        let (ms, counter) = state.withLock { state -> (Int64, UInt16) in
            if now > state.milliseconds {
                state = (now, UInt16.random(in: 0..<0x0800))  // leave headroom in the 12-bit counter
            } else if state.counter < 0x0FFF {
                state.counter += 1
            } else {
                state = (state.milliseconds + 1, 0)  // counter exhausted: borrow the next millisecond
            }
            return (state.milliseconds, state.counter)
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - i))) }
        bytes[6] = 0x70 | UInt8(counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        var random = SystemRandomNumberGenerator()
        let tail = random.next() as UInt64
        for i in 8..<16 { bytes[i] = UInt8(truncatingIfNeeded: tail >> (8 * (15 - i))) }
        bytes[8] = bytes[8] & 0x3F | 0x80
        return bytes
    }
}
