import Foundation

extension EventEnvelope {
    /// Reads a canonical envelope line in one pass over its bytes — no JSON tree, no re-encoding
    /// to compare — when every member is in the form ``write(to:includingHash:)`` writes: members
    /// in canonical order, strings without escapes, integers without leading zeros, timestamps and
    /// ids in their one spelling, a canonical payload. Nil for anything else, which
    /// ``init(canonicalLine:)`` then reads the slow way (and refuses, naming the member, if it
    /// must): this scan never accepts what the slow way refuses, only spares it the common case.
    ///
    /// Bundles, HTTP batches and held-back events are read through it: parsing was a fifth of a
    /// bundle import.
    static func scanCanonical(_ line: [UInt8]) -> EventEnvelope? {
        line.withUnsafeBufferPointer { buffer in
            var scanner = CanonicalLineScanner(bytes: buffer)
            return scanner.envelope()
        }
    }
}

/// The one-pass reader behind ``EventEnvelope/scanCanonical(_:)``. Every method returns nil (or
/// false) at the first byte that is not exactly what the canonical writer would have written.
private struct CanonicalLineScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    mutating func envelope() -> EventEnvelope? {
        guard literal("{\"author\":"), let author = plainString() else { return nil }
        var authorRole: String?
        if literal(",\"authorRole\":") {
            guard let parsed = plainString() else { return nil }
            authorRole = parsed
        }
        var authorSignature: AuthorSignature?
        if literal(",\"authorSignature\":") {
            guard let parsed = plainString().flatMap(AuthorSignature.init) else { return nil }
            authorSignature = parsed
        }
        guard literal(",\"clock\":"), let clock = clock(),
              literal(",\"hash\":"), let hash = plainString().flatMap(EventHash.init),
              literal(",\"id\":"), let id = plainString().flatMap(EventID.init),
              literal(",\"lamport\":"), let lamport = positiveInteger(),
              literal(",\"occurredAt\":"), let occurredAt = timestamp(),
              literal(",\"origin\":"), let origin = plainString().flatMap(NodeID.init),
              literal(",\"patient\":"), let patient = nullOr({ $0.plainString().flatMap(PatientID.init) }),
              literal(",\"payload\":"), let payload = canonicalObject(),
              literal(",\"prevHash\":"), let prevHash = nullOr({ $0.plainString().flatMap(EventHash.init) }),
              literal(",\"recordedAt\":"), let recordedAt = timestamp(),
              literal(",\"schemaVersion\":"), let schemaVersion = positiveInteger(),
              literal(",\"sequence\":"), let sequence = positiveInteger()
        else { return nil }
        var signature: ChainSignature?
        if literal(",\"signature\":") {
            guard let parsed = plainString().flatMap(ChainSignature.init) else { return nil }
            signature = parsed
        }
        guard literal(",\"type\":"), let type = plainString(), literal("}"), index == bytes.count else { return nil }
        return EventEnvelope(id: id, origin: origin, sequence: sequence, clock: clock, lamport: lamport, recordedAt: recordedAt,
                             occurredAt: occurredAt, author: author, patient: patient, type: type, schemaVersion: schemaVersion,
                             payload: payload, prevHash: prevHash, hash: hash, signature: signature,
                             authorRole: authorRole, authorSignature: authorSignature)
    }

    /// Consumes `text` if the bytes continue with exactly it.
    mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count, memcmp(bytes.baseAddress! + index, text.utf8Start, count) == 0 else { return false }
        index += count
        return true
    }

    /// A string with nothing to escape (no quote, backslash or control character): written raw,
    /// so its bytes are its canonical form. Valid UTF-8 only.
    mutating func plainString() -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            end += 1
        }
        guard end < bytes.count, let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) else { return nil }
        index = end + 1
        return text
    }

    /// An integer from 1 up, in its one spelling (no sign, no leading zero), within `Int`.
    mutating func positiveInteger() -> Int? {
        guard index < bytes.count, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
        var value = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        // A fraction or exponent would follow here; the slow path refuses it.
        return index < bytes.count && (bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "}")) ? value : nil
    }

    /// An instant, spelled exactly as ``Timestamp/description`` spells it.
    mutating func timestamp() -> Timestamp? {
        guard let text = plainString(), let time = Timestamp(rfc3339: text), time.description == text else { return nil }
        return time
    }

    /// `null` (→ .some(nil)), or what `value` reads (nil when it reads nothing).
    mutating func nullOr<T>(_ value: (inout CanonicalLineScanner) -> T?) -> T?? {
        if literal("null") { return .some(nil) }
        guard let read = value(&self) else { return nil }
        return .some(read)
    }

    /// A clock as ``VectorClock/description`` writes it.
    mutating func clock() -> VectorClock? {
        guard let range = objectExtent() else { return nil }
        return VectorClock(canonical: String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
    }

    /// An object whose bytes are canonical JSON, as its text.
    mutating func canonicalObject() -> String? {
        guard let range = objectExtent() else { return nil }
        let object = Array(UnsafeBufferPointer(rebasing: bytes[range]))
        guard CanonicalJSON.isCanonical(object) else { return nil }
        return String(decoding: object, as: UTF8.self)
    }

    /// The bytes of the object starting here, through its closing brace (strings and their
    /// escapes skipped, nesting counted); consumed. Nil if it does not close.
    mutating func objectExtent() -> Range<Int>? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        let start = index
        var depth = 0
        var position = index
        var inString = false
        while position < bytes.count {
            let byte = bytes[position]
            if inString {
                if byte == UInt8(ascii: "\\") { position += 2; continue }
                if byte == UInt8(ascii: "\"") { inString = false }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        index = position + 1
                        return start..<index
                    }
                default: break
                }
            }
            position += 1
        }
        return nil
    }
}
