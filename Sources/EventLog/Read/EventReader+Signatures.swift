import Foundation
import GRDB
import EventModel
import EventCrypto

extension EventReader {
    /// The first sequence of `origin` at or after `sequence` that carries a signature.
    public func signatureSequence(origin: NodeID, atOrAfter sequence: Int) throws -> Int? {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT sequence FROM chain_signatures WHERE origin = ? AND sequence >= ? ORDER BY sequence LIMIT 1"),
                         arguments: [origin.rawValue, sequence])
    }
}
