import GRDB
import EventModel
import EventCrypto

/// The `events` columns an envelope is read from, in the order every read of them selects them:
/// the column list, declared once.
enum EventColumn: Int, CaseIterable {
    case position, id, origin, sequence, clock, lamport, recordedAt, occurredAt, author, patient, type, schemaVersion, payload, prevHash, hash
    case authorRole

    var name: String { String(describing: self) }

    /// The name the signature of a signed read is selected as.
    static let signatureName = "signature"
    /// The name the author's run signature of a signed read is selected as.
    static let authorSignatureName = "authorSignature"

    /// Every column, in ``allCases`` order.
    static let selection = allCases.map(\.name).joined(separator: ", ")

    /// ``selection`` and the event's signature, where its origin signed it: for the reads whose
    /// envelopes leave the store (sync pages, bundles, `log --json`) or are verified.
    static let signedSelection = selection
        + ", (SELECT signature FROM chain_signatures s WHERE s.origin = events.origin AND s.sequence = events.sequence) AS \(signatureName)"
        + ", (SELECT signature FROM author_signatures a WHERE a.origin = events.origin AND a.sequence = events.sequence) AS \(authorSignatureName)"
}

/// An envelope is fetched from any `SELECT` of the ``EventColumn`` columns (and `signature`),
/// decoded by column name and checked; a row that is not a well-formed event throws
/// ``EventLogError/corruptEvent(position:reason:)``.
extension EventEnvelope: FetchableRecord {
    public init(row: Row) throws {
        self = try StoredEventRow(row: row).envelope()
    }
}

/// Reading ``StoredEventRow`` from SQLite rows: the copy is cheap on the connection's thread.
extension StoredEventRow {
    /// By column name: any row that has the ``EventColumn`` columns, in any order, with or
    /// without `signature`.
    init(row: Row) {
        // SQLite's column names are case-insensitive, as GRDB's `row["name"]` treats them.
        let names = Array(row.columnNames).map { $0.lowercased() }
        func index(_ name: String) -> Int? { names.firstIndex(of: name.lowercased()) }
        self.init(row, at: { index($0.name) ?? -1 }, signature: index(EventColumn.signatureName), authorSignature: index(EventColumn.authorSignatureName))
    }

    /// By position, for the bulk reads (replay, verify, rebuild, sync pages), where a name lookup
    /// per column per row costs more than the rest of the copy: valid only for a row selected
    /// exactly as ``EventColumn/selection`` or ``EventColumn/signedSelection`` lists the columns,
    /// which is how every such read selects them (a test checks both decodings agree).
    init(selected row: Row) {
        let signed = row.count > EventColumn.allCases.count
        self.init(row, at: \.rawValue, signature: signed ? EventColumn.allCases.count : nil, authorSignature: signed ? EventColumn.allCases.count + 1 : nil)
    }

    private init(_ row: Row, at index: (EventColumn) -> Int, signature signatureIndex: Int?, authorSignature authorSignatureIndex: Int?) {
        self.init(position: row[index(.position)], id: row[index(.id)], origin: row[index(.origin)], sequence: row[index(.sequence)],
                  clock: row[index(.clock)], lamport: row[index(.lamport)], recordedAt: row[index(.recordedAt)], occurredAt: row[index(.occurredAt)],
                  author: row[index(.author)], patient: row[index(.patient)], type: row[index(.type)], schemaVersion: row[index(.schemaVersion)],
                  payload: row[index(.payload)], prevHash: row[index(.prevHash)], hash: row[index(.hash)], signature: signatureIndex.flatMap { row[$0] },
                  authorRole: Self.optional(row, index(.authorRole)), authorSignature: authorSignatureIndex.flatMap { Self.optional(row, $0) })
    }

    /// A column a row may lack (a read written before v8 listed the columns): nil when absent.
    private static func optional(_ row: Row, _ index: Int) -> String? {
        index >= 0 && index < row.count ? row[index] : nil
    }
}
