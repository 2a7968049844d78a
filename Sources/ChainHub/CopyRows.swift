import EventModel
import NIOCore

/// Rows for `COPY … FROM STDIN` in PostgreSQL's text format, built straight into the bytes sent:
/// fields separated by tabs, rows ended by a newline, a missing value as `\N`, and in text the
/// four bytes the format gives meaning to (backslash, tab, newline, carriage return) escaped, so
/// any string arrives as it was — no value can end a field or a row early.
///
/// Why text and not binary: PostgresNIO 1.33.2's `copyFrom` offers the text format only
/// (`PostgresCopyFromFormat.text`). The hub's columns are mostly text already (ids, hashes,
/// sealed payloads), which the server takes as they come in either format.
struct CopyRows {
    private(set) var buffer = ByteBuffer()
    private var startsRow = true
    /// Rows ended so far.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// A text value, or NULL when nil.
    mutating func text(_ value: String?) {
        separate()
        guard var value else { buffer.writeStaticString("\\N"); return }
        value.withUTF8 { bytes in
            // Almost every value holds none of the four bytes: written in one piece.
            guard bytes.contains(where: Self.needsEscape) else { buffer.writeBytes(bytes); return }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        }
    }

    /// A number, or NULL when nil.
    mutating func integer(_ value: Int?) {
        separate()
        guard let value else { buffer.writeStaticString("\\N"); return }
        buffer.writeString(String(value))
    }

    mutating func boolean(_ value: Bool) {
        separate()
        buffer.writeStaticString(value ? "t" : "f")
    }

    /// A boolean, or NULL when nil.
    mutating func boolean(_ value: Bool?) {
        guard let value else { text(nil); return }
        boolean(value)
    }

    /// A `text[]` value: an array literal whose every element is double-quoted, with `"` and `\`
    /// escaped inside it, so no element's commas, braces or quotes split or end it; the literal
    /// is then written as any text (its backslashes escaped again for `COPY`).
    mutating func textArray(_ values: [String]) {
        let elements = values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        text("{" + elements.joined(separator: ",") + "}")
    }

    /// A row of `myolog.events` (``Hub/eventColumns``).
    mutating func event(_ event: EventEnvelope) {
        text(event.origin.rawValue); integer(event.sequence); text(event.id.rawValue); text(event.clock.description)
        integer(event.lamport); text(event.recordedAt.description); text(event.occurredAt.description); text(event.author)
        text(event.patient?.rawValue); text(event.type); integer(event.schemaVersion); text(event.payload)
        text(event.prevHash?.rawValue); text(event.hash.rawValue)
        text(event.authorRole); text(event.authorSignature?.rawValue)
        end()
    }

    /// Ends the row.
    mutating func end() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        startsRow = true
        count += 1
    }

    private mutating func separate() {
        if startsRow { startsRow = false } else { buffer.writeInteger(UInt8(ascii: "\t")) }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
