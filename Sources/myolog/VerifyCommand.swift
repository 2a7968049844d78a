import ArgumentParser
import ClinicalLog
import ClinicalEvents
import EventLog
import Foundation
import EventModel
import EventSync

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the whole log: hashes, chain links, signatures, sequences, clocks; forks; the views; the database file.",
        discussion: """
            Recomputes every event's hash from its stored bytes and follows every origin's chain;
            checks every signature against the key each origin enrolled with (self-signed), and
            that every event is covered by one; checks this node's own chain ends on the head it
            last signed, as also recorded outside the database (node.head); checks vector clocks and Lamport timestamps never
            go backwards; replays the whole log into fresh views and compares them with the stored
            ones (inside a transaction that is rolled back); runs SQLite's integrity_check;
            checks every row of the trust list is signed by this node and linked to the one
            before, up to the newest change recorded in trust.head; reports undecided forks and
            events held back. Exits 1 naming the first bad event (origin, sequence, id, what
            failed), the differing views, or each trust-list row not obeyed (change number,
            node, why), 3 while a fork is undecided, 0 otherwise.

            Examples:
              myolog verify
              myolog --store /srv/myolog verify --json
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Show the differing values of views that differ from the replay (patient data: needs --as, and is recorded as a read first).")
    var showValues = false

    func run() throws {
        let store = try global.openStore()
        let (integrity, chain, forks, held, trustList) = try store.read { reader in
            (try reader.integrityCheck(),
             Result { try ChainCheck.run(reader) }, try reader.forks(), try reader.heldBack(), try reader.trustListCheck())
        }
        let localChain = Result { try store.localChainProblem() }
        let localProblem: String? = switch localChain {
        case .success(nil): nil
        case .success(let problem?): "\(problem)"
        case .failure(let error): "\(error)"
        }
        // A log altered into something the fold refuses cannot be replayed: that is a finding
        // to report beside the chain's, not a reason to stop before naming the bad event.
        // Without node.key the sealed payloads cannot be opened, so there is nothing to replay:
        // the chains and signatures above are still checked in full (they cover the sealed bytes).
        let canReplay = store.identity.canSign
        let replay = canReplay ? Result { try store.viewsDifferingFromReplay() } : .success([])
        var replayError: String?
        if case .failure(let error) = replay { replayError = "\(error)" }
        let differences = (try? replay.get()) ?? []
        // Values in the views are patient data: without --show-values verify names the patient,
        // table and column only; with it, the read is recorded before anything is shown.
        if showValues, !differences.isEmpty {
            let user = try global.requireReader()
            let patients = differences.compactMap { $0.patient.flatMap(PatientID.init) }
            // Values are clinical entries: only a role that reads them (a refusal recorded as one).
            try global.require(.readClinicalRecords, in: store, reading: patients, command: "verify --show-values", by: user)
            try global.record(RecordAccessed(action: .read, command: "verify --show-values", patients: patients, purpose: global.purpose), in: store, by: user)
        }
        func shown(_ difference: ViewDifference) -> String { showValues ? difference.valuesDescription : difference.description }
        let viewsOK = replayError == nil && differences.isEmpty
        let openForks = forks.filter(\.isOpen)
        // An erasure whose checkpoint has not completed: erased text may remain in the WAL.
        let erasurePending = store.erasedTextMayRemain
        // Erasures held for trust: records that must be destroyed are still readable here.
        let heldErasures = try store.read { try $0.heldErasures() }
        let databaseOK = integrity == ["ok"]
        let chainOK = if case .success = chain { true } else { false }
        // Views that differ from the log's replay are evidence, not housekeeping: rebuilding is
        // advised only when the log itself proves intact, or it would erase the last trace.
        let logIntact = databaseOK && chainOK && localProblem == nil
        // A trust row this store does not obey is a forgery or an edit made outside Myolog: a
        // failure, though the log itself may be intact (so it does not hold back `rebuild` advice).
        let trustOK = trustList.isClean
        // Events people wrote beyond their roles at that point, received from peers (kept: signed
        // history), and user changes the directory did not obey: named, and a non-zero exit.
        let authority = try store.read { try AuthorityCheck.findings($0) }
        // Rollbacks seen at syncs (a node holding less of its own chain than another store held:
        // its directory was put back to an older copy, and what it recorded since and had not
        // synced is lost): a finding until an operator acknowledges it (`status --acknowledge`).
        let rollbacks = try store.peerRollbacks(unacknowledged: true)
        if global.json {
            var chainJSON: JSONValue
            switch chain {
            case .success(let check): chainJSON = .object(["ok": .bool(true), "events": .int(check.totalEvents), "signatures": .int(check.signatures),
                                                                 "authorSignatures": .int(check.authorSignatures), "unverifiedAuthors": .int(check.unverifiedAuthors)])
            case .failure(let problem): chainJSON = .object(["ok": .bool(false), "problem": .string("\(problem)")])
            }
            print(JSONValue.object([
                "database": .object(["ok": .bool(databaseOK), "messages": .array(integrity.map(JSONValue.string))]),
                "chains": chainJSON, "forks": .array(forks.map(\.json)),
                "localChain": .object(["ok": .bool(localProblem == nil), "problem": localProblem.map(JSONValue.string) ?? .null]),
                "views": .object(["ok": .bool(viewsOK), "checked": .bool(canReplay), "differingTables": .array(differences.map { .string($0.table) }),
                                  "differences": .array(differences.map { .string(shown($0)) }),
                                  "replayError": replayError.map(JSONValue.string) ?? .null]),
                "erasureCheckpointPending": .bool(erasurePending),
                "heldErasures": .array(heldErasures.map { .string($0.description) }),
                "heldBack": .object(Dictionary(uniqueKeysWithValues: held.map { ($0.key.rawValue, JSONValue.int($0.value)) })),
                "trustList": .object(["ok": .bool(trustOK), "changes": .int(trustList.obeyed), "altered": trustList.altered.map(JSONValue.string) ?? .null,
                                      "ignored": .array(trustList.ignored.map(\.json))]),
                "authority": .object(["ok": .bool(authority.isEmpty), "findings": .array(try authority.map { try CanonicalEncoder().value($0) })]),
                "peerRollbacks": .array(rollbacks.map { record in
                    .object([
                        "node": .string(record.rollback.node.rawValue), "site": .string(record.rollback.site), "address": .string(record.address),
                        "seenAt": .string(record.seenAt.description),
                        "theirSequence": .int(record.rollback.theirSequence), "heldSequence": .int(record.rollback.heldSequence),
                    ])
                }),
            ]).canonicalString)
        } else {
            print(databaseOK ? "Database: ok" : "Database: DAMAGED — " + integrity.joined(separator: "; "))
            switch chain {
            case .success(let check): print("Chains: ok — \(check.totalEvents) events in \(check.eventsPerOrigin.count) origin chains, every hash and link recomputed, \(check.signatures) signatures verified, every event covered by one; \(check.authorSignatures) author signatures verified, covering every event a person wrote\(check.unverifiedAuthors > 0 ? " (\(check.unverifiedAuthors) events from before people had keys name their author unverified)" : "")")
            case .failure(let problem): print("Chains: BROKEN — \(problem)")
            }
            print(localProblem.map { "Local chain: ALTERED — \($0)" } ?? "Local chain: ok — this node's chain ends on its own signed head, as recorded in \(SignedHead.fileName)")
            if !canReplay {
                print("Views: not checked — without node.key this store cannot open the sealed payloads to replay them")
            } else if let replayError {
                print("Views: the log cannot be replayed — \(replayError)")
            } else if differences.isEmpty {
                print("Views: ok — equal to a fresh replay of the log")
            } else {
                print("Views: DIFFER from a fresh replay of the log — evidence that the log or the views were altered outside Myolog; first differences:")
                for difference in differences { print("  \(shown(difference))") }
                print(logIntact
                    ? "  The log itself checks (hashes, links, signatures, local head): after keeping a copy of this store as evidence, `myolog rebuild` makes the views the log's again."
                    : "  The log itself fails its checks above: do NOT rebuild (it would erase the evidence); keep this copy, restore from a backup or re-sync from a peer.")
            }
            if trustOK {
                print("Trust list: ok — \(trustList.obeyed) change\(trustList.obeyed == 1 ? "" : "s"), each signed by this node and linked to the one before" + (trustList.obeyed > 0 ? ", through the newest recorded in trust.head" : ""))
            } else {
                print("Trust list: ALTERED outside Myolog — " + (trustList.altered.map { "nothing in it is obeyed, no peer is trusted: \($0)" }
                    ?? "\(trustList.ignored.count) change\(trustList.ignored.count == 1 ? "" : "s") ignored, \(trustList.obeyed) obeyed"))
                for row in trustList.ignored {
                    // The node text comes from a row someone wrote outside Myolog: shown escaped.
                    print("  change \(row.change.map(String.init) ?? "?") naming node \(VisibleText.escaped(row.node)): ignored — \(VisibleText.escaped(row.reason))")
                }
            }
            if authority.isEmpty {
                print("Authority: ok — every event a person signed was within the roles they held at that point")
            } else {
                print("Authority: \(authority.count) event\(authority.count == 1 ? "" : "s") beyond their author's roles, kept as signed history (see `myolog audit review`):")
                for finding in authority { print("  event \(finding.event) by \(VisibleText.escaped(finding.author)): \(VisibleText.escaped(finding.reason))") }
            }
            print(forks.isEmpty ? "Forks: none" : "Forks: \(openForks.count) open, \(forks.count - openForks.count) decided (see `myolog forks`)")
            for (origin, count) in held.sorted(by: { $0.key < $1.key }) {
                print("Held back: \(count) event\(count == 1 ? "" : "s") of origin \(origin) wait for the events before them")
            }
            if !rollbacks.isEmpty {
                let clock = try global.siteClock(store)
                print("Rollbacks: \(rollbacks.count) unacknowledged — a store put back to an older copy; what it recorded since and had not synced is lost (`myolog status --acknowledge NODE` once dealt with):")
                for record in rollbacks {
                    print(VisibleText.escaped("  \(record.rollback.site) (node \(record.rollback.node)) held its own chain only up to sequence \(record.rollback.theirSequence), "
                        + "another store up to \(record.rollback.heldSequence), signed by it — seen \(clock.unambiguousMinute(record.seenAt)) (\(clock.identifier)) via \(record.address)"))
                }
            }
        }
        if !global.json {
            for held in heldErasures { print("Erasure held: \(held)") }
        }
        if erasurePending, !global.json {
            print("Erasure: NOT COMPLETE — erased text may remain in \(EventStore.databaseFileName)-wal while another process holds the store open; it is removed at the next myolog command once they close")
        }
        SyncReportPrinter(json: global.json).printForks(openForks)
        // The verdict in one line, kept for `status` (a store this run must not write — a
        // read-only copy, one without node.key — keeps nothing).
        var failed: [String] = []
        if !databaseOK { failed.append("database damaged") }
        if !chainOK { failed.append("chains broken") }
        if localProblem != nil { failed.append("local chain altered") }
        if replayError != nil { failed.append("the log cannot be replayed") } else if !differences.isEmpty { failed.append("views differ from the replay") }
        if !trustOK { failed.append("trust list altered") }
        if erasurePending { failed.append("an erasure not complete") }
        if !heldErasures.isEmpty { failed.append("\(heldErasures.count) erasure\(heldErasures.count == 1 ? "" : "s") held for trust") }
        if !authority.isEmpty { failed.append("\(authority.count) event\(authority.count == 1 ? "" : "s") beyond their author's roles") }
        if !rollbacks.isEmpty { failed.append("\(rollbacks.count) unacknowledged rollback\(rollbacks.count == 1 ? "" : "s") of \(Set(rollbacks.map(\.rollback.node.rawValue)).sorted().joined(separator: ", "))") }
        if !openForks.isEmpty { failed.append("\(openForks.count) open fork\(openForks.count == 1 ? "" : "s")") }
        let exitStatus: Int32 = failed.isEmpty ? 0 : (failed.count == 1 && !openForks.isEmpty ? 3 : 1)
        // Recorded for `status` — not for a store restored from a backup and still awaiting its
        // sync: that verdict is the backup's (restore runs verify on it), not this store's today.
        if !store.isReadOnly, store.identity.canSign, !store.isAwaitingOwnEvents {
            let events = (try? chain.get()).map { "\($0.totalEvents) events" } ?? "the log"
            let summary = failed.isEmpty ? "ok: \(events) checked" + (canReplay ? ", views equal to a replay" : "") : "failed: " + failed.joined(separator: "; ")
            try? store.recordVerifyRun(VerifyRun(at: .now(), exitStatus: Int(exitStatus), summary: summary))
        }
        if exitStatus != 0 { throw ExitCode(exitStatus) }
    }
}
