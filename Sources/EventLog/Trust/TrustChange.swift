import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto

/// One row of `peer_trust`, read as stored — nothing in it is believed until its signature is checked.
///
/// Every row this store writes carries this node's Ed25519 signature (`node.key`) over
/// ``signedBytes(store:previous:)``: a domain-separated, length-prefixed encoding of this store's
/// own node id, the row's `change` number, every column, and the signature of the row before it.
/// So a row cannot be forged without the key, nor edited, nor renumbered, nor copied from another
/// store (another node id and another key), nor moved, nor can a row before it be removed, without
/// its signature failing — and a row whose signature fails is not obeyed (``TrustListCheck``).
struct TrustChange: Sendable, Equatable {
    var change: Int64
    var node: String
    var name: String
    var trusted: Int64
    var changedAt: String
    var author: String
    var signature: Data?

    /// The label that begins every signed trust row: no other signature the node key makes (chain
    /// heads, `trust.head`, TLS) begins with it, so none can be passed off as a trust change.
    static let label = "myolog trust change v1\n"

    /// The bytes the signature covers. Each field is `<UTF-8 length>:<bytes>\n`, so no choice of
    /// names can make two different rows encode alike. `previous` is the signature of the row
    /// before this one in the trust list's chain (nil for the first): removing or altering a row
    /// makes the next one fail.
    func signedBytes(store: NodeID, previous: Data?) -> Data {
        var bytes = Data(Self.label.utf8)
        for field in [store.rawValue, String(change), node, name, String(trusted), changedAt, author, previous?.base64EncodedString() ?? ""] {
            bytes.append(contentsOf: "\(field.utf8.count):".utf8)
            bytes.append(contentsOf: field.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// Every row of `peer_trust` in `change` order. A row whose stored values are not of the
    /// types the table declares (someone rebuilt the table outside Myolog) is returned as
    /// `.malformed`, never dropped silently.
    static func readAll(_ db: Database) throws -> [Result<TrustChange, IgnoredTrustChange>] {
        try Row.fetchAll(db, sql: "SELECT change, node, name, trusted, changedAt, author, signature FROM peer_trust ORDER BY change").map { row in
            let values: [DatabaseValue] = (0..<7).map { row[$0] as DatabaseValue }
            guard case .int64(let change) = values[0].storage else {
                return .failure(IgnoredTrustChange(code: .malformedRow, change: nil, node: "\(values[1])", reason: "its change number is not an integer: the table was rebuilt outside Myolog"))
            }
            let text = [1, 2, 4, 5].map { index -> String? in if case .string(let value) = values[index].storage { value } else { nil } }
            guard let node = text[0], let name = text[1], let changedAt = text[2], let author = text[3], case .int64(let trusted) = values[3].storage
            else { return .failure(IgnoredTrustChange(code: .malformedRow, change: change, node: "\(values[1])", reason: "its columns do not hold the types the trust list declares: altered outside Myolog")) }
            let signature: Data?
            switch values[6].storage {
            case .null: signature = nil
            case .blob(let bytes): signature = bytes
            default: return .failure(IgnoredTrustChange(code: .malformedRow, change: change, node: node, reason: "its signature is not a blob: altered outside Myolog"))
            }
            return .success(TrustChange(change: change, node: node, name: name, trusted: trusted, changedAt: changedAt, author: author, signature: signature))
        }
    }
}
