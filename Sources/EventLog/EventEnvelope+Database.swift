import GRDB

/// The `events` columns an envelope is read from, in the order every read of them selects them:
/// the column list, declared once.
enum EventColumn: Int, CaseIterable {
    case position, id, origin, sequence, clock, lamport, recordedAt, occurredAt, author, patient, type, schemaVersion, payload, prevHash, hash

    var name: String { String(describing: self) }

    /// The name the signature of a signed read is selected as.
    static let signatureName = "signature"

    /// Every column, in ``allCases`` order.
    static let selection = allCases.map(\.name).joined(separator: ", ")

    /// ``selection`` and the event's signature, where its origin signed it: for the reads whose
    /// envelopes leave the store (sync pages, bundles, `log --json`) or are verified.
    static let signedSelection = selection
        + ", (SELECT signature FROM chain_signatures s WHERE s.origin = events.origin AND s.sequence = events.sequence) AS \(signatureName)"
}

/// An envelope is fetched from any `SELECT` of the ``EventColumn`` columns (and `signature`),
/// decoded by column name and checked; a row that is not a well-formed event throws
/// ``EventLogError/corruptEvent(position:reason:)``.
extension EventEnvelope: FetchableRecord {
    public init(row: Row) throws {
        self = try StoredEventRow(row: row).envelope()
    }
}

/// One `events` row copied out of SQLite as plain values (``EventColumn``, and the signature
/// where selected), not yet checked: cheap to take on the connection's thread, and parsed into
/// an ``EventEnvelope`` (``envelope()``) on any thread.
package struct StoredEventRow: Sendable {
    let position: Int64
    let id: String, origin: String, sequence: Int, clock: String, lamport: Int
    let recordedAt: String, occurredAt: String, author: String, patient: String?
    let type: String, schemaVersion: Int, payload: String, prevHash: String?, hash: String
    let signature: String?

    /// By column name: any row that has the ``EventColumn`` columns, in any order, with or
    /// without `signature`.
    init(row: Row) {
        // SQLite's column names are case-insensitive, as GRDB's `row["name"]` treats them.
        let names = Array(row.columnNames).map { $0.lowercased() }
        func index(_ name: String) -> Int? { names.firstIndex(of: name.lowercased()) }
        self.init(row, at: { index($0.name) ?? -1 }, signature: index(EventColumn.signatureName))
    }

    /// By position, for the bulk reads (replay, verify, rebuild, sync pages), where a name lookup
    /// per column per row costs more than the rest of the copy: valid only for a row selected
    /// exactly as ``EventColumn/selection`` or ``EventColumn/signedSelection`` lists the columns,
    /// which is how every such read selects them (a test checks both decodings agree).
    /// From values read elsewhere (the PostgreSQL hub's rows), checked by ``envelope()``.
    package init(id: String, origin: String, sequence: Int, clock: String, lamport: Int, recordedAt: String, occurredAt: String, author: String,
                 patient: String?, type: String, schemaVersion: Int, payload: String, prevHash: String?, hash: String, signature: String?) {
        position = 0
        (self.id, self.origin, self.sequence, self.clock, self.lamport) = (id, origin, sequence, clock, lamport)
        (self.recordedAt, self.occurredAt, self.author, self.patient) = (recordedAt, occurredAt, author, patient)
        (self.type, self.schemaVersion, self.payload, self.prevHash, self.hash, self.signature) = (type, schemaVersion, payload, prevHash, hash, signature)
    }

    init(selected row: Row) {
        self.init(row, at: \.rawValue, signature: row.count > EventColumn.allCases.count ? EventColumn.allCases.count : nil)
    }

    private init(_ row: Row, at index: (EventColumn) -> Int, signature signatureIndex: Int?) {
        position = row[index(.position)]
        (id, origin, sequence, clock, lamport) = (row[index(.id)], row[index(.origin)], row[index(.sequence)], row[index(.clock)], row[index(.lamport)])
        (recordedAt, occurredAt, author, patient) = (row[index(.recordedAt)], row[index(.occurredAt)], row[index(.author)], row[index(.patient)])
        (type, schemaVersion, payload) = (row[index(.type)], row[index(.schemaVersion)], row[index(.payload)])
        (prevHash, hash) = (row[index(.prevHash)], row[index(.hash)])
        signature = signatureIndex.flatMap { row[$0] }
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
        var headSignature: HeadSignature?
        if let signature {
            guard let parsed = HeadSignature(signature) else { throw corrupt("its signature is not 128 hex digits") }
            headSignature = parsed
        }
        return EventEnvelope(
            id: id, origin: origin, sequence: sequence, clock: clock, lamport: lamport, recordedAt: recordedAt,
            occurredAt: occurredAt, author: author, patient: patientID, type: type, schemaVersion: schemaVersion,
            payload: payload, prevHash: previous, hash: hash, signature: headSignature)
    }
}
