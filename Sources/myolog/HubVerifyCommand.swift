import ArgumentParser
import ChainHub
import EventLog
import Foundation
import EventModel

struct HubVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hub's log in PostgreSQL: chains, signatures, heads and views.",
        discussion: """
            The checks `myolog verify` makes of a store, against the hub's database: every origin's
            chain has no gap, links by hash, recomputes, and is covered by its origin's signatures
            (verified with the enrolled key, which must hash to the origin's id); the heads table
            names each chain's last event; the patients view equals a fold of the log. Exits 1
            naming the first problem.

            Examples:
              myolog --store /srv/hub hub verify
              myolog --store /srv/hub --json hub verify
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: HubOptions

    func run() async throws {
        let store = try global.openStore()
        let hub = try await Hub.open(store: store, server: try server.resolved(store: store.directory, environment: global.environment))
        let result: HubVerification
        do {
            result = try await hub.verify()
            await hub.close()
        } catch {
            await hub.close()
            throw error
        }
        let origins = result.chains.eventsPerOrigin.count, events = result.chains.totalEvents
        if global.json {
            print(JSONValue.object(["ok": .bool(true), "events": .int(events), "origins": .int(origins), "signatures": .int(result.chains.signatures),
                                    "patients": .int(result.patientsChecked), "quarantined": .int(result.quarantined), "heldBack": .int(result.heldBack)]).canonicalString)
        } else {
            print("OK: \(events) events in \(origins) chains, \(result.chains.signatures) signatures verified, \(result.patientsChecked) patient views match the log"
                + (result.quarantined > 0 ? "; \(result.quarantined) quarantined fork event(s) kept as evidence" : ""))
        }
    }
}
