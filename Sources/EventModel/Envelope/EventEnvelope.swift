import Crypto

/// One stored event: who wrote what about whom, when, where, and its place in its origin's chain.
///
/// The envelope is what sync moves and what an auditor verifies. ``hash`` is the SHA-256 of the
/// canonical JSON (``CanonicalJSON``) of every other field, with `payload` embedded as the stored
/// payload bytes; ``prevHash`` is the hash of the same origin's previous event (nil for sequence 1),
/// so each origin's events form a chain in which no event can be altered, dropped or reordered
/// without breaking every link after it. `Schemas/envelope.schema.json` documents the fields.
public struct EventEnvelope: Sendable, Hashable {
    /// The fields, behind one reference: copying an envelope — into an array, a batch, a
    /// closure — retains one box instead of each of its dozen strings, and the box is copied
    /// only when a shared envelope is changed (copy on write). Measured: envelope copies were
    /// ≈ 6 % of a bulk receive's CPU (issue 32).
    @usableFromInline var storage: Storage

    @usableFromInline
    struct Fields: Sendable {
        @usableFromInline var id: EventID
        @usableFromInline var origin: NodeID
        @usableFromInline var sequence: Int
        @usableFromInline var clock: VectorClock
        @usableFromInline var lamport: Int
        @usableFromInline var recordedAt: Timestamp
        @usableFromInline var occurredAt: Timestamp
        @usableFromInline var author: String
        @usableFromInline var authorRole: String?
        @usableFromInline var authorSignature: AuthorSignature?
        @usableFromInline var patient: PatientID?
        @usableFromInline var type: String
        @usableFromInline var schemaVersion: Int
        @usableFromInline var payload: String
        @usableFromInline var prevHash: EventHash?
        @usableFromInline var hash: EventHash
        @usableFromInline var signature: ChainSignature?
        @usableFromInline var openedPayload: String? = nil
    }

    /// Mutated only while uniquely referenced (`uniqueStorage()`), so sharing it across
    /// threads is as safe as sharing the struct it replaces.
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @usableFromInline var fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }

    @inlinable
    mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        return storage
    }

    @inlinable public var id: EventID {
        get { storage.fields.id }
        set { uniqueStorage().fields.id = newValue }
    }
    /// The node that wrote the event.
    @inlinable public var origin: NodeID {
        get { storage.fields.origin }
        set { uniqueStorage().fields.origin = newValue }
    }
    /// 1, 2, 3… per origin, with no gaps.
    @inlinable public var sequence: Int {
        get { storage.fields.sequence }
        set { uniqueStorage().fields.sequence = newValue }
    }
    /// The origin's vector clock at append time, including this event (`clock[origin] == sequence`).
    @inlinable public var clock: VectorClock {
        get { storage.fields.clock }
        set { uniqueStorage().fields.clock = newValue }
    }
    /// Greater than the Lamport timestamp of every event the origin held when it wrote this one.
    @inlinable public var lamport: Int {
        get { storage.fields.lamport }
        set { uniqueStorage().fields.lamport = newValue }
    }
    /// When the event was written.
    @inlinable public var recordedAt: Timestamp {
        get { storage.fields.recordedAt }
        set { uniqueStorage().fields.recordedAt = newValue }
    }
    /// When it happened clinically: never after ``recordedAt``.
    @inlinable public var occurredAt: Timestamp {
        get { storage.fields.occurredAt }
        set { uniqueStorage().fields.occurredAt = newValue }
    }
    /// The user who wrote it: a person's user name, or for an event the node writes by itself
    /// (its enrolment, an erasure it relays) a name no person can have.
    @inlinable public var author: String {
        get { storage.fields.author }
        set { uniqueStorage().fields.author = newValue }
    }
    /// The role the author acted in (`therapist`, `student`, …), as the writing store's
    /// permission table chose it; nil on events written before people had roles, and on the
    /// node's own. Part of the hash: what role an entry was written under cannot be changed.
    @inlinable public var authorRole: String? {
        get { storage.fields.authorRole }
        set { uniqueStorage().fields.authorRole = newValue }
    }
    /// The author's signature over the run of their events that ends here (``AuthorSignature``);
    /// nil on the run's other events, which it covers, and on events no person signed.
    /// Not part of the hash, which it signs.
    @inlinable public var authorSignature: AuthorSignature? {
        get { storage.fields.authorSignature }
        set { uniqueStorage().fields.authorSignature = newValue }
    }
    /// The patient it concerns; nil for events about the node itself.
    @inlinable public var patient: PatientID? {
        get { storage.fields.patient }
        set { uniqueStorage().fields.patient = newValue }
    }
    @inlinable public var type: String {
        get { storage.fields.type }
        set { uniqueStorage().fields.type = newValue }
    }
    @inlinable public var schemaVersion: Int {
        get { storage.fields.schemaVersion }
        set { uniqueStorage().fields.schemaVersion = newValue }
    }
    /// The payload's canonical JSON text, byte for byte as stored and hashed: for a sealed event
    /// (``isSealed``) the sealed form `{"sealed":"…"}` (`SealedPayload`), never the plaintext.
    @inlinable public var payload: String {
        get { storage.fields.payload }
        set { uniqueStorage().fields.payload = newValue }
    }
    @inlinable public var prevHash: EventHash? {
        get { storage.fields.prevHash }
        set { uniqueStorage().fields.prevHash = newValue }
    }
    @inlinable public var hash: EventHash {
        get { storage.fields.hash }
        set { uniqueStorage().fields.hash = newValue }
    }
    /// The origin's signature over ``hash``, on the events its origin signed (the last of each
    /// commit, see ``ChainSignature``); nil on the others, which a later signed event covers.
    /// Not part of the hash, so signing needs no second pass over the event.
    @inlinable public var signature: ChainSignature? {
        get { storage.fields.signature }
        set { uniqueStorage().fields.signature = newValue }
    }

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
        storage = Storage(Fields(id: id, origin: origin, sequence: sequence, clock: clock, lamport: lamport, recordedAt: recordedAt, occurredAt: occurredAt, author: author, authorRole: authorRole, authorSignature: authorSignature, patient: patient, type: type, schemaVersion: schemaVersion, payload: payload, prevHash: prevHash, hash: hash, signature: signature))
    }

    /// The plaintext of a sealed payload, set by the store that read or wrote the event when it
    /// holds the patient's key; nil otherwise. Not part of the hash, never sent, not compared.
    @inlinable public var openedPayload: String? {
        get { storage.fields.openedPayload }
        set { uniqueStorage().fields.openedPayload = newValue }
    }

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
        if lhs.storage === rhs.storage { return true }
        return lhs.hash == rhs.hash && lhs.id == rhs.id && lhs.origin == rhs.origin && lhs.sequence == rhs.sequence && lhs.clock == rhs.clock
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
