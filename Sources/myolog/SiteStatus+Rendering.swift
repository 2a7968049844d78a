import EventLog
import EventModel
import EventSync
import Foundation

/// `status` for people (times in the site's zone, named once) and for scripts (one JSON object,
/// RFC 3339 UTC; `Schemas/views/status.schema.json`).
extension SiteStatus {
    var json: JSONValue {
        func time(_ instant: Timestamp?) -> JSONValue { instant.map { .string($0.description) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let peers: [JSONValue] = peers.map { peer in
            var probe: [String: JSONValue] = ["asked": .bool(peer.outcome != nil), "reachable": .null, "problem": .null, "thisStoreLacks": .null, "peerLacks": .null]
            switch peer.outcome {
            case .reached?:
                probe["reachable"] = .bool(true)
                probe["thisStoreLacks"] = peer.lacking.map { .int($0.here) } ?? .null
                probe["peerLacks"] = peer.lacking.map { .int($0.there) } ?? .null
            case .unreachable(let why)?: (probe["reachable"], probe["problem"]) = (.bool(false), .string(VisibleText.escaped(why)))
            case .notAsked(let why)?: (probe["asked"], probe["problem"]) = (.bool(false), .string(VisibleText.escaped(why)))
            case nil: break
            }
            return .object([
                "address": text(peer.address), "node": text(peer.node?.rawValue), "site": text(peer.site), "trust": text(peer.trust.map(Self.name)),
                "lastAttemptAt": time(peer.record?.lastAttempt), "lastSuccessAt": time(peer.record?.lastSuccess),
                "lastFailureAt": time(peer.record?.lastFailure), "lastFailure": text(peer.record?.lastFailureReason),
                "failuresInARow": .int(peer.record?.failuresInARow ?? 0),
                "witnessedSequence": peer.record?.witnessedHead.map { .int($0.sequence) } ?? .null,
                "storedEvents": peer.storedEvents.map(JSONValue.int) ?? .null,
                "probe": .object(probe),
            ])
        }
        return .object([
            "node": .string(node.rawValue), "site": .string(site), "store": .string(storePath), "timeZone": .string(clock.identifier),
            "checkedAt": .string(now.description), "peers": .array(peers),
            "heldBack": .object(["total": .int(heldBack.values.reduce(0, +)),
                                 "perOrigin": .object(Dictionary(uniqueKeysWithValues: heldBack.map { ($0.key.rawValue, JSONValue.int($0.value)) }))]),
            "forks": .object(["open": .array(openForks.map { .object(["origin": .string($0.origin.rawValue), "sequence": .int($0.sequence)]) }),
                              "decided": .int(decidedForks)]),
            "erasures": .object(["held": .int(heldErasures), "checkpointPending": .bool(erasureCheckpointPending)]),
            "retention": .object(["asOf": .string(retentionDay.description), "due": .int(retentionDue), "heldByLegalHold": .int(retentionHeld)]),
            "storeBytes": .object(["database": .int(Int(databaseBytes)), "wal": .int(Int(walBytes)), "total": .int(Int(databaseBytes + walBytes))]),
            "lastVerify": lastVerify.map { .object(["at": .string($0.at.description), "exitStatus": .int($0.exitStatus), "summary": .string($0.summary)]) } ?? .null,
            "rollbacks": .array(rollbacks.map { record in
                .object([
                    "node": .string(record.rollback.node.rawValue), "site": .string(record.rollback.site), "address": .string(record.address),
                    "seenAt": .string(record.seenAt.description),
                    "theirSequence": .int(record.rollback.theirSequence), "heldSequence": .int(record.rollback.heldSequence),
                ])
            }),
            "restoredAwaitingSync": restored.map { .object(["backupTakenAt": .string($0.takenAt), "ownHead": $0.ownHead == Int.max ? .null : .int($0.ownHead)]) } ?? .null,
            "staleBackupCopies": .array(staleBackupCopies.map(JSONValue.string)),
            "needsAttention": .array(needsAttention(utc: true).map(JSONValue.string)),
        ])
    }

    static func name(_ trust: PeerTrust) -> String {
        switch trust {
        case .local: "local"
        case .trusted: "trusted"
        case .removed: "removed"
        case .unknown: "untrusted"
        }
    }

    /// The screen, one line each (escaped: a peer names its own site).
    var lines: [String] {
        var lines = ["\(site) — node \(node), store \(storePath)", clock.label(now: now)]
        lines.append(peers.isEmpty ? "Peers: none synced with, none trusted" : "Peers:")
        for peer in peers {
            let who = [peer.site, peer.node.map { "node \($0)" }].compactMap { $0 }.joined(separator: ", ")
            let trust = peer.trust.map { $0 == .trusted ? "" : " — \(Self.name($0))" } ?? ""
            guard let address = peer.address, let record = peer.record else {
                lines.append("  \(who)\(trust): never synced from here (this store holds \(peer.storedEvents ?? 0) of its events)")
                continue
            }
            lines.append("  \(address)" + (who.isEmpty ? "" : " — \(who)") + trust)
            lines.append("    last success: \(instant(record.lastSuccess))"
                + (record.failuresInARow > 0 ? "; last failure: \(instant(record.lastFailure)), \(record.failuresInARow) in a row: \(record.lastFailureReason ?? "unknown")" : ""))
            switch peer.outcome {
            case .reached?:
                if let lacking = peer.lacking {
                    lines.append("    now: this store lacks \(lacking.here) of its events; it lacks \(lacking.there) of this store's")
                }
            case .unreachable(let why)?: lines.append("    now: cannot be reached — \(why)")
            case .notAsked(let why)?: lines.append("    now: not asked — \(why)")
            case nil: lines.append("    now: not asked (--offline)")
            }
        }
        let held = heldBack.values.reduce(0, +)
        lines.append(openForks.isEmpty ? "Forks: none open" + (decidedForks > 0 ? " (\(decidedForks) decided)" : "")
            : "Forks: \(openForks.count) OPEN — " + openForks.map { "origin \($0.origin) sequence \($0.sequence)" }.joined(separator: ", ") + " (see `myolog forks`)")
        lines.append(held == 0 ? "Held back: none" : "Held back: \(held) event\(held == 1 ? "" : "s") — "
            + heldBack.keys.sorted().map { "\($0): \(heldBack[$0]!)" }.joined(separator: ", ") + " (see `myolog peer list`)")
        lines.append("Erasures: " + (heldErasures == 0 ? "none held for trust" : "\(heldErasures) HELD for trust (not erased here)")
            + (erasureCheckpointPending ? "; one NOT COMPLETE (erased text may remain in the WAL)" : "; none incomplete"))
        lines.append("Retention: \(retentionDue) record\(retentionDue == 1 ? "" : "s") due for erasure on \(retentionDay)"
            + (retentionHeld > 0 ? " (\(retentionHeld) more kept by a legal hold)" : ""))
        lines.append("Store: \(databaseBytes + walBytes) bytes (\(EventStore.databaseFileName) \(databaseBytes), WAL \(walBytes))")
        lines.append(lastVerify.map { "Last verify: \(instant($0.at)), exit \($0.exitStatus) — \($0.summary)" } ?? "Last verify: none recorded")
        if let restored {
            lines.append("Restored from a backup taken at \(Timestamp(rfc3339: restored.takenAt).map { instant($0) } ?? restored.takenAt): awaiting the sync that returns this node's own events (writes and shows nothing until then)")
        }
        if !staleBackupCopies.isEmpty { lines.append("Killed backups' plaintext copies: \(staleBackupCopies.joined(separator: ", "))") }
        lines.append(rollbacks.isEmpty ? "Rollbacks: none unacknowledged" : "Rollbacks: \(rollbacks.count) unacknowledged:")
        for record in rollbacks {
            lines.append("  \(record.rollback.site) (node \(record.rollback.node)) held its own chain only up to sequence \(record.rollback.theirSequence), "
                + "another store up to \(record.rollback.heldSequence) — seen \(instant(record.seenAt)) via \(record.address)")
        }
        return lines.map(VisibleText.escaped)
    }
}
