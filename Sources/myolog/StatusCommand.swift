import ArgumentParser
import EventLog
import EventModel
import EventSync
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Is this site healthy? Its peers and syncs, what waits for a person, its size and last verify; exit 1 when something needs one.",
        discussion: """
            Shows this node, its site and time zone; every peer address it has synced with (its
            last successful sync, its last failure and why, failures in a row) and every node it
            trusts but never synced with directly; and — unless --offline — what each side lacks
            now, from the two summaries alone: each peer is asked for the heads of its chains
            (over HTTPS as `sync` asks, or by reading its directory read-only), all at once, each
            within --timeout. No event moves and nothing is written, here or there. Then: forks
            not yet decided, events held back, erasures held for trust or not complete, records
            due for erasure (a count), the store's size, the last `verify`, and rollbacks seen
            (a peer, or this store, holding less of its own chain than another store did: its
            directory was put back to an older copy) until acknowledged.

            Counts and machines only, never a patient: reading it records no access and needs no
            role. `--acknowledge NODE` records that an operator has dealt with that node's
            rollbacks (`trust-peers`, as deciding a fork).

            Exits 0 when nothing needs a person; 1 when something does, with one line per reason
            on stderr (`needsAttention` in --json): a peer whose last sync failed or never
            succeeded, whose last success is older than --stale-after hours, or that cannot be
            reached now; an open fork; events held back; an erasure held or not complete; a
            record due for erasure; no verify recorded, a failed one, or none within
            --verify-within days; an unacknowledged rollback. A node removed from the trust list
            is listed but never counts.

            Examples:
              myolog status
              myolog status --offline --json
              myolog status --timeout 2 --stale-after 2
              myolog --as "practice manager" status --acknowledge 7Q2M4XKD3B5N6P8R
              myolog --as "practice manager" status --forget https://old-laptop.clinic.lan:8417
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Do not ask the peers: what the last syncs recorded only.") var offline = false
    @Option(help: ArgumentHelp("How long to wait for each peer's summary, in seconds (0.1–300).", valueName: "seconds"), transform: StatusCommand.seconds)
    var timeout = 5.0
    @Option(name: .customLong("stale-after"), help: ArgumentHelp("A peer whose last success is older than this many hours needs a person (1–8760).", valueName: "hours"))
    var staleAfter = 24
    @Option(name: .customLong("verify-within"), help: ArgumentHelp("A last verify older than this many days needs a person (1–366).", valueName: "days"))
    var verifyWithin = 7
    @Option(help: ArgumentHelp("Acknowledge every rollback recorded of this node, and do nothing else.", valueName: "node"),
            transform: NodeID.argument(field: "acknowledge", printedBy: "`myolog status`"))
    var acknowledge: NodeID?
    @Option(help: ArgumentHelp("Forget this peer address's sync record (a mistyped or retired peer), and do nothing else.", valueName: "address"),
            transform: PeerAddress.parser(for: "forget"))
    var forget: PeerAddress?

    @Sendable static func seconds(_ text: String) throws -> Double {
        guard let seconds = Double(text), seconds.isFinite, (0.1...300).contains(seconds) else {
            throw ValidationError("timeout: \(text.prefix(40)) is not accepted; accepted: 0.1 to 300 seconds")
        }
        return seconds
    }

    func validate() throws {
        guard (1...8760).contains(staleAfter) else { throw ValidationError("stale-after: \(staleAfter) is not accepted; accepted: 1 to 8760 hours") }
        guard (1...366).contains(verifyWithin) else { throw ValidationError("verify-within: \(verifyWithin) is not accepted; accepted: 1 to 366 days") }
        if acknowledge != nil, forget != nil { throw ValidationError("forget: accepted without --acknowledge (one change at a time)") }
    }

    func run() async throws {
        if let acknowledge { return try acknowledgeRollbacks(of: acknowledge) }
        if let forget { return try forgetPeer(forget) }
        let store = try global.openStore()
        let status = try await SiteStatus.gather(store, clock: try global.siteClock(store), offline: offline, timeout: timeout,
                                                 limits: .init(staleAfterHours: staleAfter, verifyWithinDays: verifyWithin))
        let reasons = status.needsAttention()
        if global.json {
            print(status.json.canonicalString)
        } else {
            for line in status.lines { print(line) }
            for reason in reasons { FileHandle.standardError.write(Data("myolog: needs attention: \(reason)\n".utf8)) }
        }
        if !reasons.isEmpty { throw ExitCode(1) }
    }

    /// Marks `node`'s rollbacks acknowledged by the person signed in: refused, with nothing
    /// written, for a node with none unacknowledged.
    private func acknowledgeRollbacks(of node: NodeID) throws {
        let user = try global.requireAuthor()
        let store = try global.openStore()
        try global.require(.trustPeers, in: store)
        let open = try store.peerRollbacks(unacknowledged: true)
        guard let rollback = open.first(where: { $0.rollback.node == node })?.rollback else {
            let nodes = Set(open.map(\.rollback.node.rawValue)).sorted()
            throw ValidationError("acknowledge: \(node) is not accepted; accepted: "
                + (nodes.isEmpty ? "nothing — no rollback is unacknowledged here" : "a node with an unacknowledged rollback: \(nodes.joined(separator: ", "))"))
        }
        let count = try store.acknowledgeRollbacks(of: node, by: user)
        if global.json {
            print(JSONValue.object(["node": .string(node.rawValue), "acknowledged": .int(count), "by": .string(user)]).canonicalString)
        } else {
            print(VisibleText.escaped("Acknowledged \(count) rollback\(count == 1 ? "" : "s") of \(rollback.site) (node \(node)) as \(user): `myolog status` and `myolog verify` no longer list \(count == 1 ? "it" : "them")."))
        }
    }

    /// Removes `address`'s record of syncs (not its rollbacks, which name a node, nor its trust):
    /// a peer typed wrong or retired stops needing a person. Refused, with nothing written, for
    /// an address with no record.
    private func forgetPeer(_ address: PeerAddress) throws {
        _ = try global.requireAuthor()
        let store = try global.openStore()
        try global.require(.trustPeers, in: store)
        let known = try store.syncRecords().map(\.address)
        guard try store.forgetSyncRecord(address: address.recorded) else {
            throw ValidationError("forget: \(VisibleText.escaped(address.text)) is not accepted; accepted: "
                + (known.isEmpty ? "nothing — no peer is recorded here" : "a recorded peer address: \(known.map(VisibleText.escaped).joined(separator: ", "))"))
        }
        if global.json {
            print(JSONValue.object(["forgotten": .string(address.recorded)]).canonicalString)
        } else {
            print(VisibleText.escaped("Forgot the sync record of \(address.recorded): `myolog status` no longer lists it (a later sync with it records it again)."))
        }
    }
}
