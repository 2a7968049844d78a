import Crypto

/// One stored event: who wrote what about whom, when, where, and its place in its origin's chain.
///
/// The envelope is what sync moves and what an auditor verifies. ``hash`` is the SHA-256 of the
/// canonical JSON (``CanonicalJSON``) of every other field, with `payload` embedded as the stored
/// payload bytes; ``prevHash`` is the hash of the same origin's previous event (nil for sequence 1),
/// so each origin's events form a chain in which no event can be altered, dropped or reordered
/// without breaking every link after it. `Schemas/envelope.schema.json` documents the fields.
public struct EventEnvelope: Sendable, Hashable {
    public var id: EventID
    /// The node that wrote the event.
    public var origin: NodeID
    /// 1, 2, 3… per origin, with no gaps.
    public var sequence: Int
    /// The origin's vector clock at append time, including this event (`clock[origin] == sequence`).
    public var clock: VectorClock
    /// Greater than the Lamport timestamp of every event the origin held when it wrote this one.
    public var lamport: Int
    /// When the event was written.
    public var recordedAt: Timestamp
    /// When it happened clinically: never after ``recordedAt``.
    public var occurredAt: Timestamp
    /// The user who wrote it: a person's user name, or for an event the node writes by itself
    /// (its enrolment, an erasure it relays) a name no person can have.
    public var author: String
    /// The role the author acted in (`therapist`, `student`, …), as the writing store's
    /// permission table chose it; nil on events written before people had roles, and on the
    /// node's own. Part of the hash: what role an entry was written under cannot be changed.
    public var authorRole: String?
    /// The author's signature over the run of their events that ends here (``AuthorSignature``);
    /// nil on the run's other events, which it covers, and on events no person signed.
    /// Not part of the hash, which it signs.
    public var authorSignature: AuthorSignature?
    /// The patient it concerns; nil for events about the node itself.
    public var patient: PatientID?
    public var type: String
    public var schemaVersion: Int
    /// The payload's canonical JSON text, byte for byte as stored and hashed: for a sealed event
    /// (``isSealed``) the sealed form `{"sealed":"…"}` (`SealedPayload`), never the plaintext.
    public var payload: String
    public var prevHash: EventHash?
    public var hash: EventHash
    /// The origin's signature over ``hash``, on the events its origin signed (the last of each
    /// commit, see ``ChainSignature``); nil on the others, which a later signed event covers.
    /// Not part of the hash, so signing needs no second pass over the event.
    public var signature: ChainSignature?

    /// An envelope from its fields, as stored or received; nothing is checked.
    ///
    /// - Parameters:
    ///   - id: The event's id.
    ///   - origin: The node that wrote it.
    ///   - sequence: Its place in the origin's chain, from 1.
    ///   - clock: The origin's vector clock at append time.
    ///   - lamport: Its Lamport timestamp.
    ///   - recordedAt: When the origin appended it.
    ///   - occurredAt: When it happened clinically.
    ///   - author: Who wrote it.
    ///   - patient: The patient it is about, or nil.
    ///   - type: The payload's type.
    ///   - schemaVersion: The payload's schema version.
    ///   - payload: The stored payload's canonical JSON (sealed for a patient's event).
    ///   - prevHash: The previous event's hash; nil at sequence 1.
    ///   - hash: The event's hash, as stored or received (not checked here: see ``computedHash``).
    ///   - signature: The origin's signature, on a signed event.
    ///   - authorRole: The role its author wrote it in, if any.
    ///   - authorSignature: Its author's signature over the run ending here, if it carries one.
    public init(
        id: EventID, origin: NodeID, sequence: Int, clock: VectorClock, lamport: Int, recordedAt: Timestamp,
        occurredAt: Timestamp, author: String, patient: PatientID?, type: String, schemaVersion: Int,
        payload: String, prevHash: EventHash?, hash: EventHash, signature: ChainSignature? = nil,
        authorRole: String? = nil, authorSignature: AuthorSignature? = nil
    ) {
        self.id = id
        self.origin = origin
        self.sequence = sequence
        self.clock = clock
        self.lamport = lamport
        self.recordedAt = recordedAt
        self.occurredAt = occurredAt
        self.author = author
        self.patient = patient
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.prevHash = prevHash
        self.hash = hash
        self.signature = signature
        self.authorRole = authorRole
        self.authorSignature = authorSignature
    }

    /// The plaintext of a sealed payload, set by the store that read or wrote the event when it
    /// holds the patient's key; nil otherwise. Not part of the hash, never sent, not compared.
    public var openedPayload: String?

    /// Whether the stored payload is sealed under the patient's key (every event with a patient
    /// but the erasure, ``isSealed(type:patient:)``).
    public var isSealed: Bool { Self.isSealed(type: type, patient: patient) }

    /// Whether an event of `type` about `patient` is stored sealed (`SealedPayload`): every
    /// event with a patient except the ``SystemEventType/plaintext`` ones.
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - patient: The patient it is about, or nil.
    /// - Returns: Whether its payload is stored sealed.
    public static func isSealed(type: String, patient: PatientID?) -> Bool {
        patient != nil && !SystemEventType.plaintext.contains(type)
    }

    /// What the event says: the stored payload, or a sealed one's opened plaintext — nil when
    /// sealed and not opened here (the key not received yet, or erased).
    public var readablePayload: String? { isSealed ? openedPayload : payload }

    /// ``readablePayload`` parsed. Fails on a sealed payload this store could not open, and on a
    /// damaged store.
    public func payloadValue() throws(JSONParser.Failure) -> JSONValue {
        guard let readable = readablePayload else { throw JSONParser.Failure(code: .sealedPayload, offset: 0, reason: "the payload is sealed and this store holds no key for patient \(patient?.rawValue ?? "-")") }
        return try JSONParser.parse(readable)
    }

    /// The hash the envelope's fields imply; equal to ``hash`` for every intact event.
    public var computedHash: EventHash {
        EventEnvelope.hash(canonicalBytes(includingHash: false))
    }

    static func hash(_ bytes: [UInt8]) -> EventHash {
        EventHash(unchecked: Hex.encode(SHA256.hash(data: bytes)))
    }

    /// The whole envelope as one canonical JSON line (no newline): what bundles, HTTP batches
    /// and quarantine hold, and what ``init(canonicalLine:)`` reads back.
    public var canonicalText: String { String(decoding: canonicalBytes(includingHash: true), as: UTF8.self) }

    /// The envelope as canonical JSON. Without the hash (and the signature, which signs the
    /// hash) it is the hash's input; with them (and the author's signature), the form bundles, HTTP batches and
    /// `myolog log --json` carry. `signature` is written only on signed events.
    ///
    /// `includingOpenedPayload` (for `myolog log --json` only): a sealed payload's plaintext as
    /// `openedPayload`, where this store opened it. Never hashed, never in a bundle or a sync batch.
    ///
    /// - Parameters:
    ///   - includingHash: With `hash` and `signature`: false for the hash's input.
    ///   - includingOpenedPayload: With a sealed payload's plaintext (`myolog log --json` only).
    /// - Returns: The canonical JSON bytes, without a newline.
    public func canonicalBytes(includingHash: Bool, includingOpenedPayload: Bool = false) -> [UInt8] {
        var writer = CanonicalJSON.Writer(capacity: 512 + payload.utf8.count)
        write(to: &writer, includingHash: includingHash, includingOpenedPayload: includingOpenedPayload)
        return writer.bytes
    }

    /// Writes the envelope into `writer`. Member names are written in canonical (sorted) order by
    /// hand, which a test checks against the generic writer.
    ///
    /// - Parameters:
    ///   - writer: The writer to append to.
    ///   - includingHash: As in ``canonicalBytes(includingHash:includingOpenedPayload:)``.
    ///   - includingOpenedPayload: As in ``canonicalBytes(includingHash:includingOpenedPayload:)``.
    public func write(to writer: inout CanonicalJSON.Writer, includingHash: Bool, includingOpenedPayload: Bool = false) {
        writer.appendByte(UInt8(ascii: "{"))
        writer.writeKey("author"); writer.writeString(author)
        if let authorRole { writer.append(",\"authorRole\":"); writer.writeString(authorRole) }
        if includingHash, let authorSignature { writer.append(",\"authorSignature\":"); writer.writeString(authorSignature.rawValue) }
        writer.append(",\"clock\":"); clock.write(to: &writer)
        if includingHash { writer.append(",\"hash\":"); writer.writeString(hash.rawValue) }
        writer.append(",\"id\":"); writer.writeString(id.rawValue)
        writer.append(",\"lamport\":"); writer.writeInteger(lamport)
        writer.append(",\"occurredAt\":"); writer.writeString(occurredAt.description)
        if includingOpenedPayload, isSealed, let openedPayload { writer.append(",\"openedPayload\":"); writer.writeCanonicalFragment(openedPayload.utf8) }
        writer.append(",\"origin\":"); writer.writeString(origin.rawValue)
        writer.append(",\"patient\":")
        if let patient { writer.writeString(patient.rawValue) } else { writer.append("null") }
        writer.append(",\"payload\":"); writer.writeCanonicalFragment(payload.utf8)
        writer.append(",\"prevHash\":")
        if let prevHash { writer.writeString(prevHash.rawValue) } else { writer.append("null") }
        writer.append(",\"recordedAt\":"); writer.writeString(recordedAt.description)
        writer.append(",\"schemaVersion\":"); writer.writeInteger(schemaVersion)
        writer.append(",\"sequence\":"); writer.writeInteger(sequence)
        if includingHash, let signature { writer.append(",\"signature\":"); writer.writeString(signature.rawValue) }
        writer.append(",\"type\":"); writer.writeString(type)
        writer.appendByte(UInt8(ascii: "}"))
    }
}

extension EventEnvelope {
    /// Equal when every stored field and the signature are equal; whether a store opened the
    /// payload is not part of the event.
    public static func == (lhs: EventEnvelope, rhs: EventEnvelope) -> Bool {
        lhs.hash == rhs.hash && lhs.id == rhs.id && lhs.origin == rhs.origin && lhs.sequence == rhs.sequence && lhs.clock == rhs.clock
            && lhs.lamport == rhs.lamport && lhs.recordedAt == rhs.recordedAt && lhs.occurredAt == rhs.occurredAt && lhs.author == rhs.author
            && lhs.patient == rhs.patient && lhs.type == rhs.type && lhs.schemaVersion == rhs.schemaVersion && lhs.payload == rhs.payload
            && lhs.prevHash == rhs.prevHash && lhs.signature == rhs.signature
            && lhs.authorRole == rhs.authorRole && lhs.authorSignature == rhs.authorSignature
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
        hasher.combine(id)
        hasher.combine(signature)
    }
}
