import Foundation

/// One stored event row copied out of a database as plain values (its columns, and the signature
/// where selected), not yet checked: cheap to take on the connection's thread, and parsed into
/// an ``EventEnvelope`` (``envelope()``) on any thread.
package struct StoredEventRow: Sendable {
    package let position: Int64
    package let id: String, origin: String, sequence: Int, clock: String, lamport: Int
    package let recordedAt: String, occurredAt: String, author: String, patient: String?
    package let type: String, schemaVersion: Int, payload: String, prevHash: String?, hash: String
    package let signature: String?
    package let authorRole: String?, authorSignature: String?

    /// From values read out of a database — SQLite's `events` (`position` its rowid, for the
    /// error naming a corrupt row) or the PostgreSQL hub's — checked by ``envelope()``.
    package init(position: Int64 = 0, id: String, origin: String, sequence: Int, clock: String, lamport: Int, recordedAt: String, occurredAt: String, author: String,
                 patient: String?, type: String, schemaVersion: Int, payload: String, prevHash: String?, hash: String, signature: String?,
                 authorRole: String? = nil, authorSignature: String? = nil) {
        self.position = position
        (self.id, self.origin, self.sequence, self.clock, self.lamport) = (id, origin, sequence, clock, lamport)
        (self.recordedAt, self.occurredAt, self.author, self.patient) = (recordedAt, occurredAt, author, patient)
        (self.type, self.schemaVersion, self.payload, self.prevHash, self.hash, self.signature) = (type, schemaVersion, payload, prevHash, hash, signature)
        (self.authorRole, self.authorSignature) = (authorRole, authorSignature)
    }

    /// The envelope, every column checked: a row that is not a well-formed event is
    /// ``EventLogError/corruptEvent(position:reason:)``.
    package func envelope() throws -> EventEnvelope {
        func corrupt(_ what: String) -> EventLogError { .corruptEvent(position: position, reason: what) }
        guard let id = EventID(id) else { throw corrupt("id is not a UUID") }
        guard let origin = NodeID(origin) else { throw corrupt("origin is not a node id") }
        guard let clock = VectorClock(canonical: clock) else { throw corrupt("clock is not a vector clock in canonical form") }
        guard let recordedAt = Timestamp(rfc3339: recordedAt) else { throw corrupt("recordedAt is not an RFC 3339 instant") }
        guard let occurredAt = Timestamp(rfc3339: occurredAt) else { throw corrupt("occurredAt is not an RFC 3339 instant") }
        var patientID: PatientID?
        if let patient {
            guard let parsed = PatientID(patient) else { throw corrupt("patient is not a UUID") }
            patientID = parsed
        }
        var previous: EventHash?
        if let prevHash {
            guard let parsed = EventHash(prevHash) else { throw corrupt("prevHash is not a SHA-256 hex digest") }
            previous = parsed
        }
        guard let hash = EventHash(hash) else { throw corrupt("hash is not a SHA-256 hex digest") }
        var headSignature: ChainSignature?
        if let signature {
            guard let parsed = ChainSignature(signature) else { throw corrupt("its signature is not 128 hex digits") }
            headSignature = parsed
        }
        var runSignature: AuthorSignature?
        if let authorSignature {
            guard let parsed = AuthorSignature(authorSignature) else { throw corrupt("its author signature is not 128 hex digits") }
            runSignature = parsed
        }
        return EventEnvelope(
            id: id, origin: origin, sequence: sequence, clock: clock, lamport: lamport, recordedAt: recordedAt,
            occurredAt: occurredAt, author: author, patient: patientID, type: type, schemaVersion: schemaVersion,
            payload: payload, prevHash: previous, hash: hash, signature: headSignature,
            authorRole: authorRole, authorSignature: runSignature)
    }
}
