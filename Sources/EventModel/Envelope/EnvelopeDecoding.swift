extension EventEnvelope {
    /// The members a serialized envelope may have.
    static let members: Set<String> = [
        "author", "authorRole", "authorSignature", "clock", "hash", "id", "lamport", "occurredAt", "origin", "patient", "payload", "prevHash", "recordedAt", "schemaVersion", "sequence",
        "signature", "type",
    ]

    /// Reads an envelope back from the JSON `myolog log --json` and bundles carry, strictly: every
    /// member present with its type, ids well-formed, nothing extra. The hash is not checked here
    /// (`AppendTransaction.receive(_:)` does); the caller checks canonical bytes if it needs to.
    ///
    /// - Parameter json: One envelope as a JSON object.
    /// - Throws: ``EnvelopeDecodingError`` naming the first member missing, mistyped, malformed or extra.
    public init(json: JSONValue) throws(EnvelopeDecodingError) {
        guard case .object(let m) = json else { throw EnvelopeDecodingError(.mistyped, field: "envelope", reason: "expected an object") }
        // Sorted only when refusing, so the member named is the same on every run.
        if m.keys.contains(where: { !Self.members.contains($0) }), let extra = m.keys.sorted().first(where: { !Self.members.contains($0) }) {
            throw EnvelopeDecodingError(.unknownMember, field: extra, reason: "not an envelope member")
        }
        func string(_ key: String) throws(EnvelopeDecodingError) -> String {
            guard case .string(let value)? = m[key] else { throw EnvelopeDecodingError(.mistyped, field: key, reason: "expected a string") }
            return value
        }
        func int(_ key: String) throws(EnvelopeDecodingError) -> Int {
            guard case .int(let value)? = m[key], value >= 1 else { throw EnvelopeDecodingError(.mistyped, field: key, reason: "expected a positive integer") }
            return value
        }
        func parsed<T>(_ key: String, _ make: (String) -> T?) throws(EnvelopeDecodingError) -> T {
            let text = try string(key)
            guard let value = make(text) else { throw EnvelopeDecodingError(.malformed, field: key, reason: "\"\(text.prefix(40))\" is malformed") }
            return value
        }
        guard let clockValue = m["clock"], let clock = VectorClock(json: clockValue) else { throw EnvelopeDecodingError(.mistyped, field: "clock", reason: "expected an object of node id → positive sequence") }
        guard case .object? = m["payload"], let payload = m["payload"] else { throw EnvelopeDecodingError(.mistyped, field: "payload", reason: "expected an object") }
        var patient: PatientID?
        switch m["patient"] {
        case .null?: patient = nil
        case .string(let text)?:
            guard let id = PatientID(text) else { throw EnvelopeDecodingError(.malformed, field: "patient", reason: "malformed patient id") }
            patient = id
        default: throw EnvelopeDecodingError(.mistyped, field: "patient", reason: "expected a patient id or null")
        }
        var prevHash: EventHash?
        switch m["prevHash"] {
        case .null?: prevHash = nil
        case .string(let text)?:
            guard let hash = EventHash(text) else { throw EnvelopeDecodingError(.malformed, field: "prevHash", reason: "malformed hash") }
            prevHash = hash
        default: throw EnvelopeDecodingError(.mistyped, field: "prevHash", reason: "expected a hash or null")
        }
        var signature: ChainSignature?
        if m["signature"] != nil { signature = try parsed("signature", ChainSignature.init) }
        var authorRole: String?
        if m["authorRole"] != nil { authorRole = try string("authorRole") }
        var authorSignature: AuthorSignature?
        if m["authorSignature"] != nil { authorSignature = try parsed("authorSignature", AuthorSignature.init) }
        self.init(
            id: try parsed("id", EventID.init), origin: try parsed("origin", NodeID.init), sequence: try int("sequence"), clock: clock,
            lamport: try int("lamport"), recordedAt: try parsed("recordedAt", Timestamp.init(rfc3339:)),
            occurredAt: try parsed("occurredAt", Timestamp.init(rfc3339:)), author: try string("author"), patient: patient,
            type: try string("type"), schemaVersion: try int("schemaVersion"), payload: payload.canonicalString, prevHash: prevHash,
            hash: try parsed("hash", EventHash.init), signature: signature, authorRole: authorRole, authorSignature: authorSignature)
    }
}

extension EventEnvelope {
    /// Reads one envelope from its canonical JSON bytes — a bundle line, an HTTP batch line, a
    /// quarantined row — and refuses any other spelling of it: the bytes must be exactly what
    /// ``canonicalBytes(includingHash:includingOpenedPayload:)`` writes, so what is hashed is what was sent.
    ///
    /// - Parameter line: One line's bytes, without its newline.
    /// - Throws: ``EnvelopeDecodingError`` for a malformed envelope, or one not in canonical form.
    public init(canonicalLine line: [UInt8]) throws(EnvelopeDecodingError) {
        if let scanned = Self.scanCanonical(line) {
            self = scanned
            return
        }
        try self.init(parsingCanonicalLine: line)
    }

    /// ``init(canonicalLine:)`` through the JSON parser and a re-encoding: the reference the
    /// one-pass scan is tested against, and the reader of every line the scan declines.
    init(parsingCanonicalLine line: [UInt8]) throws(EnvelopeDecodingError) {
        let value: JSONValue
        do { value = try JSONParser.parse(line) } catch { throw EnvelopeDecodingError(.notJSON, field: "envelope", reason: "not JSON: \(error)") }
        try self.init(json: value)
        guard canonicalBytes(includingHash: true) == line else { throw EnvelopeDecodingError(.notCanonical, field: "envelope", reason: "not in canonical form (RFC 8785 key order, no spaces, integers only)") }
    }
}

/// A member of a serialized envelope is missing, mistyped or malformed.
public struct EnvelopeDecodingError: CodedError, Sendable, Equatable {
    /// What is wrong with ``field``. Codes are stable: scripts and tests match them, so one is
    /// never renamed nor reused for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The line is not JSON.
        case notJSON
        /// The line is JSON, but not the canonical form of the envelope it holds.
        case notCanonical
        /// A member the envelope does not have.
        case unknownMember
        /// A member missing, or of another JSON type than expected.
        case mistyped
        /// A member of the right type whose value is not accepted (an id, a hash).
        case malformed
    }

    public var code: Code
    public var field: String
    public var reason: String
    public var description: String { "envelope \(field): \(reason)" }

    package init(_ code: Code, field: String, reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }
}
