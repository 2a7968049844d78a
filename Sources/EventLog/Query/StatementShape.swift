import Crypto
import Foundation
import GRDBSQLite

/// What the access log keeps of a SQL statement someone ran: its *shape* — SQL keywords,
/// punctuation and the names of the store's own tables, columns and functions — with every
/// other token (string, number and blob literals, parameters, aliases and other identifiers
/// the schema does not define) replaced by `?`, comments dropped; and a SHA-256 of that shape,
/// so that the same query run again is recognisable.
///
/// Guarantees: nothing a person typed as a value survives — `WHERE name = 'Theodora'`,
/// `AS "Theodora"`, `/* Theodora */` all become `?` or nothing — because what is kept is chosen
/// from a closed list (SQLite's keywords, the schema's names), not by recognising literals. A
/// name erased later therefore stays in no access record. The hash is of the shape, never of
/// the original text: a hash of a statement naming someone could be confirmed by guessing.
public struct StatementShape: Sendable, Equatable {
    /// The statement with every token outside the closed list written `?`, tokens one space apart.
    public var text: String
    /// Lower-case hex SHA-256 of `text`.
    public var hash: String

    /// The shape of `sql`, keeping the names in `identifiers` (compared case-insensitively).
    public init(_ sql: String, identifiers: Set<String>) {
        let known = Set(identifiers.map { $0.lowercased() })
        var tokens: [String] = []
        var scanner = Scanner(Array(sql.utf8))
        while let token = scanner.next() {
            switch token {
            case .word(let word):
                if known.contains(word.lowercased()) {
                    tokens.append(word)
                } else if Self.isKeyword(word) {
                    tokens.append(word.uppercased())
                } else {
                    tokens.append("?")
                }
            case .quoted(let name):
                tokens.append(known.contains(name.lowercased()) ? "\"\(name)\"" : "?")
            case .literal:
                tokens.append("?")
            case .punctuation(let text):
                tokens.append(text)
            }
        }
        text = tokens.joined(separator: " ")
        hash = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func isKeyword(_ word: String) -> Bool {
        var bytes = Array(word.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                sqlite3_keyword_check($0, Int32(buffer.count)) != 0
            }
        }
    }

    enum Token: Equatable {
        case word(String)
        case quoted(String)
        case literal
        case punctuation(String)
    }

    /// SQLite's lexical rules, enough to tell words, quoted names, literals and punctuation
    /// apart. Anything it cannot classify becomes a literal: the safe side.
    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func byte(_ offset: Int = 0) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

        static func isWordStart(_ byte: UInt8) -> Bool {
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte >= 0x80
        }

        static func isWordPart(_ byte: UInt8) -> Bool { isWordStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x24 }

        /// Skips to past the closing `quote` (a doubled quote is part of the text); returns the text.
        mutating func quoted(by quote: UInt8) -> String {
            index += 1
            var text: [UInt8] = []
            while let current = byte() {
                index += 1
                if current == quote {
                    if byte() == quote { text.append(quote); index += 1; continue }
                    break
                }
                text.append(current)
            }
            return String(decoding: text, as: UTF8.self)
        }

        mutating func next() -> Token? {
            while let current = byte() {
                switch current {
                case 0x20, 0x09, 0x0A, 0x0D, 0x0C, 0x0B:
                    index += 1
                case 0x2D where byte(1) == 0x2D:  // -- comment to the end of the line
                    while let c = byte(), c != 0x0A { _ = c; index += 1 }
                case 0x2F where byte(1) == 0x2A:  // /* comment */
                    index += 2
                    while byte() != nil, !(byte() == 0x2A && byte(1) == 0x2F) { index += 1 }
                    index = min(index + 2, bytes.count)
                case 0x27:  // 'string'
                    _ = quoted(by: 0x27)
                    return .literal
                case 0x22, 0x60:  // "name", `name`
                    return .quoted(quoted(by: current))
                case 0x5B:  // [name]
                    index += 1
                    var text: [UInt8] = []
                    while let c = byte(), c != 0x5D { text.append(c); index += 1 }
                    index = min(index + 1, bytes.count)
                    return .quoted(String(decoding: text, as: UTF8.self))
                case 0x78 where byte(1) == 0x27, 0x58 where byte(1) == 0x27:  // X'blob'
                    index += 1
                    _ = quoted(by: 0x27)
                    return .literal
                case 0x30...0x39, 0x2E where byte(1).map({ $0 >= 0x30 && $0 <= 0x39 }) == true:  // numbers
                    index += 1
                    while let c = byte(), Self.isWordPart(c) || c == 0x2E
                        || ((c == 0x2B || c == 0x2D) && (bytes[index - 1] | 0x20) == 0x65) { index += 1 }
                    return .literal
                case 0x3F, 0x3A, 0x40, 0x24:  // parameters: ?NNN :name @name $name
                    index += 1
                    while let c = byte(), Self.isWordPart(c) { index += 1 }
                    return .literal
                default:
                    if Self.isWordStart(current) {
                        let start = index
                        while let c = byte(), Self.isWordPart(c) { index += 1 }
                        return .word(String(decoding: bytes[start..<index], as: UTF8.self))
                    }
                    // Operators of two characters first, then one; anything else is unknown.
                    let pairs: Set<String> = ["||", "<=", ">=", "==", "!=", "<>", "<<", ">>", "->"]
                    if let nextByte = byte(1) {
                        let pair = String(decoding: [current, nextByte], as: UTF8.self)
                        if pairs.contains(pair) { index += 2; return .punctuation(pair) }
                    }
                    index += 1
                    if "(),;.*+-/%<>=&|~!".utf8.contains(current) { return .punctuation(String(decoding: [current], as: UTF8.self)) }
                    return .literal
                }
            }
            return nil
        }
    }
}
