import Foundation
import GRDB
import EventModel
import EventCrypto
import EventSync

extension ChainCheck {
    /// Checks what a reader of `events` (one patient's record, say) relies on, without reading
    /// the whole log: each event's hash recomputes from its stored bytes, and each is covered by
    /// its origin's signature — every link from it to the first signed event at or after it in
    /// its chain intact (each hash recomputed, each `prevHash` the one before's), and that
    /// signature valid for the key the store holds for the origin, a key that hashes to the
    /// origin's id. Returns how many signatures it verified; throws the first ``Problem``.
    ///
    /// ``run(_:)`` checks every chain whole; this checks the events given and the runs up to
    /// their signatures (a commit's events), so its cost follows the record, not the log.
    /// With a `memo`, a signature already verified (same key, hash and signature) is not
    /// verified again; the events' hashes and links are checked every time regardless.
    public static func covering(_ events: [EventEnvelope], in reader: EventReader, memo: SignatureMemo? = nil) throws -> Int {
        var signatures = 0
        for (origin, ofOrigin) in Dictionary(grouping: events, by: \.origin).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard let key = try Data.fetchOne(reader.db, sql: "SELECT publicKey FROM nodes WHERE id = ?", arguments: [origin.rawValue]),
                  NodeIdentity.nodeID(forPublicKey: key) == origin
            else {
                let first = ofOrigin[0]
                throw Problem(.unknownOriginKey, eventID: first.id.rawValue, origin: origin.rawValue, sequence: first.sequence,
                              reason: "the store holds no key of its origin that hashes to the origin's id", found: .inStoredChain)
            }
            var coveredThrough = 0
            // The events given are read again from the log only where a run leaves them: a
            // record's events mostly sit together in their commits.
            let given = Dictionary(ofOrigin.map { ($0.sequence, $0) }, uniquingKeysWith: { first, _ in first })
            for event in ofOrigin.sorted(by: { $0.sequence < $1.sequence }) where event.sequence > coveredThrough {
                // Walk the chain from the event to the first signed one.
                var previous: EventEnvelope?
                var after = event.sequence - 1
                // Where the run ends: the first signed event at or after this one (the primary
                // key's index), so the links between are read in one query, not page by page.
                let signed = try Int.fetchOne(reader.db.cachedStatement(sql: "SELECT min(sequence) FROM chain_signatures WHERE origin = ? AND sequence >= ?"),
                                              arguments: [origin.rawValue, event.sequence]) ?? event.sequence
                walk: while true {
                    let page = try given[after + 1].map { [$0] } ?? reader.events(origin: origin, after: after, limit: max(1, signed - after))
                    guard !page.isEmpty else {
                        throw Problem(.notCovered, eventID: event.id.rawValue, origin: origin.rawValue, sequence: event.sequence,
                                      reason: "not covered by a signature of its origin (no signed event at or after it)", found: .inStoredChain)
                    }
                    for link in page {
                        func fail(_ broken: Broken) -> Problem {
                            Problem(broken.code, eventID: link.id.rawValue, origin: origin.rawValue, sequence: link.sequence, reason: broken.reason, found: .inStoredChain)
                        }
                        if let previous, let broken = linkProblem(link, after: ChainHead(sequence: previous.sequence, hash: previous.hash)) { throw fail(broken) }
                        if previous == nil, let broken = link.sequence == event.sequence ? contentProblem(link) : (code: .sequenceGap, reason: "expected sequence \(event.sequence)") as Broken { throw fail(broken) }
                        if let signature = link.signature {
                            guard memo?.isValid(signature, for: link.hash, publicKey: key) ?? signature.isValid(for: link.hash, publicKey: key) else {
                                throw fail((.badSignature, "its signature is not its origin's signature over its hash: altered or forged"))
                            }
                            signatures += 1
                            coveredThrough = link.sequence
                            break walk
                        }
                        previous = link
                        after = link.sequence
                    }
                }
            }
        }
        return signatures
    }
}
