import EventLog
import Foundation
import ClinicalFold
import Projections
import EventModel
import EventSync

/// Prints what a sync or an import did: for people, or as one JSON object for scripts.
struct SyncReportPrinter {
    var json: Bool

    /// Runs one sync of `local`, prints what it moved and the field conflicts it created, and
    /// returns the report and the store's undecided forks.
    func run(_ local: EventStore, _ exchange: () async throws -> LogExchange.Report) async throws -> (LogExchange.Report, [ForkEvidence]) {
        let before = try Self.conflictKeys(local)
        let report = try await exchange()
        let created = try Self.conflictKeys(local).subtracting(before).sorted()
        let openForks = try local.read { try $0.forks() }.filter(\.isOpen)
        try print(report, conflictsCreated: created, openForks: openForks)
        try Self.warnHeldErasures(local)
        return (report, openForks)
    }

    /// One line on stderr per erasure this store holds but has not applied (its origin is not
    /// trusted here and no trusted node acknowledged it): the record is still readable here.
    static func warnHeldErasures(_ store: EventStore) throws {
        for held in try store.read({ try $0.heldErasures() }) {
            FileHandle.standardError.write(Data("myolog: warning: \(held)\n".utf8))
        }
    }

    /// One open field conflict: which patient's which field.
    struct ConflictKey: Hashable, Comparable {
        var patient: String
        var field: String
        static func < (a: ConflictKey, b: ConflictKey) -> Bool { (a.patient, a.field) < (b.patient, b.field) }
        var json: JSONValue { ["patientId": .string(patient), "field": .string(field)] }
    }

    /// Every open field conflict.
    static func conflictKeys(_ store: EventStore) throws -> Set<ConflictKey> {
        Set(try store.read { try PatientViews($0).conflicts() }.map { ConflictKey(patient: $0.patientId.rawValue, field: $0.conflict.field) })
    }

    func print(_ report: LogExchange.Report, conflictsCreated: [ConflictKey], openForks: [ForkEvidence]) throws {
        if json {
            Swift.print(JSONValue.object([
                "peer": .object(["node": .string(report.peer.node.rawValue), "site": .string(report.peer.site)]),
                "received": Self.json(report.received), "sent": Self.json(report.sent),
                "conflictsCreated": .array(conflictsCreated.map(\.json)),
                "forks": .array(report.forks.map { .object(["origin": .string($0.origin.rawValue), "sequence": .int($0.sequence)]) }),
                "openForks": .array(openForks.map(\.json)),
                "heldBack": .int(report.heldBack),
                "awaitingTrust": Self.json(report.awaitingTrust), "originRemoved": Self.json(report.originRemoved),
                "rollbacks": .array(report.rollbacks.map(Self.json)),
            ]).canonicalString)
            return
        }
        let who = "\(report.peer.site) (node \(report.peer.node))"
        if report.movedNothing, !report.forks.isEmpty || !openForks.isEmpty {
            Swift.print("Nothing moved with \(who): the stores' chains have forked (below); the forked origins move no further")
        } else if report.movedNothing {
            Swift.print("Already in sync with \(who): nothing to move")
        } else {
            Swift.print("Synced with \(who): received \(Self.describe(report.received)), sent \(Self.describe(report.sent))")
        }
        if !conflictsCreated.isEmpty {
            Swift.print("\(conflictsCreated.count) new field conflict\(conflictsCreated.count == 1 ? "" : "s") (concurrent edits; see `myolog conflicts`): "
                + conflictsCreated.map { "\($0.patient): \($0.field)" }.joined(separator: ", "))
        }
        if report.heldBack > 0 {
            Swift.print("\(report.heldBack) event\(report.heldBack == 1 ? "" : "s") held back until the events before them arrive")
        }
        for line in Self.trustLines(awaiting: report.awaitingTrust, removed: report.originRemoved) { Swift.print(line) }
        printForks(openForks)
    }

    /// One line on stderr naming a store put back to an older copy (``PeerRollback``), the moment
    /// the sync sees it.
    static func warn(_ rollback: PeerRollback) {
        FileHandle.standardError.write(Data("myolog: warning: \(describe(rollback))\n".utf8))
    }

    static func describe(_ rollback: PeerRollback) -> String {
        """
        rollback: \(rollback.site) (node \(rollback.node)) held its own chain only up to sequence \(rollback.theirSequence), \
        but the other store held it up to \(rollback.heldSequence), signed by it: its store was put back to an older copy, \
        and what it recorded since that copy without syncing is lost; its events were returned to it \
        (`myolog status` lists it until `myolog status --acknowledge \(rollback.node)`)
        """
    }

    static func json(_ rollback: PeerRollback) -> JSONValue {
        .object([
            "node": .string(rollback.node.rawValue), "site": .string(rollback.site),
            "theirSequence": .int(rollback.theirSequence), "heldSequence": .int(rollback.heldSequence),
        ])
    }

    /// What a sync or an import did not apply because of a trust list (either side's).
    static func trustLines(awaiting: LogExchange.Moved, removed: LogExchange.Moved) -> [String] {
        awaiting.keys.sorted().map { node in
            "\(awaiting[node]!) event\(awaiting[node]! == 1 ? "" : "s") of node \(node) wait unapplied: the receiving store does not trust that node yet (`myolog peer list`; `myolog peer add \(node) --name NAME`)"
        } + removed.keys.sorted().map { node in
            "\(removed[node]!) event\(removed[node]! == 1 ? "" : "s") of node \(node) refused: the receiving store removed that node from its trust list"
        }
    }

    func printForks(_ openForks: [ForkEvidence]) {
        for fork in openForks {
            FileHandle.standardError.write(Data("""
                myolog: error: fork: two different events claim origin \(fork.origin) sequence \(fork.sequence) (a cloned store, a restored backup or an altered copy); \
                the other one is quarantined, that origin is not synced; decide with `myolog forks decide \(fork.origin) \(fork.sequence) --note TEXT`

                """.utf8))
        }
    }

    static func json(_ moved: LogExchange.Moved) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: moved.map { ($0.key.rawValue, JSONValue.int($0.value)) }))
    }

    static func describe(_ moved: LogExchange.Moved) -> String {
        let total = moved.values.reduce(0, +)
        guard total > 0 else { return "0 events" }
        return "\(total) event\(total == 1 ? "" : "s") (" + moved.keys.sorted().map { "\($0): \(moved[$0]!)" }.joined(separator: ", ") + ")"
    }
}
