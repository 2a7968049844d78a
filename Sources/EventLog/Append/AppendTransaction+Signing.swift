import Foundation
import GRDB
import EventModel
import EventCrypto

/// Signing: every commit that appended to this node's chain ends on a signed head.
extension AppendTransaction {
    /// Signs the local chain's head if this transaction appended to it: ``EventStore/write(_:)``
    /// calls it last, so every commit ends on a signed event.
    func signLocalHead() throws -> ChainSignature? {
        // The person's run first: it ends where the node signs (the receive rules require it).
        try signLocalRun()
        guard !localHeadSigned, let head = receiveState.knownHeads[identity.nodeID] ?? nil else { return nil }
        let signature = try ChainSignature.sign(head.hash, by: identity)
        try storeSignature(signature, origin: identity.nodeID, sequence: head.sequence)
        localHeadSigned = true
        // The caller sees its envelopes as stored: the head now with its signature.
        if let index = written.lastIndex(where: { $0.origin == identity.nodeID }), written[index].sequence == head.sequence {
            written[index].signature = signature
        }
        return signature
    }

    func refuseLocalAppends(_ reason: EventLogError) { localAppendRefusal = reason }

    func storeAuthorSignature(_ signature: AuthorSignature, origin: NodeID, sequence: Int) throws {
        try db.cachedStatement(sql: "INSERT INTO author_signatures (origin, sequence, signature) VALUES (?, ?, ?)")
            .execute(arguments: [origin.rawValue, sequence, signature.rawValue])
    }

    public func storeSignature(_ signature: ChainSignature, origin: NodeID, sequence: Int) throws {
        try db.cachedStatement(sql: "INSERT INTO chain_signatures (origin, sequence, signature) VALUES (?, ?, ?)")
            .execute(arguments: [origin.rawValue, sequence, signature.rawValue])
    }
}
