import ArgumentParser
import ChainHub
import ClinicalEvents
import EventLog
import EventModel
import Foundation

struct HubAdverseEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adverse-events",
        abstract: "Adverse events per technique across the chain: applications, events by severity, rate per 1,000.",
        discussion: """
            Counted from the hub's de-identified views: every technique entry standing (not
            retracted) of a registered patient, at every site, and the adverse events recorded
            after them (`myolog record adverse-event … --after EVENT`). An adverse event whose
            technique entry was retracted is counted on a last row without a technique. With
            `--by-site`, each technique is counted per site where it was applied. Names no patient,
            so nothing is recorded as a read.

            Examples:
              myolog --store /srv/hub hub adverse-events
              myolog --store /srv/hub --json hub adverse-events --by-site
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: HubOptions
    @Flag(help: "Count each technique per site where it was applied.") var bySite = false

    func run() async throws {
        let store = try global.openStore()
        try global.require(.readClinicalRecords, in: store)
        let hub = try await Hub.open(store: store, server: try server.resolved(store: store.directory, environment: global.environment))
        let rates: [AdverseEventRate]
        do {
            rates = try await hub.adverseEventRates(bySite: bySite)
            await hub.close()
        } catch {
            await hub.close()
            throw error
        }
        if global.json {
            print(try CanonicalEncoder().string(rates))
            return
        }
        var table = TextTable(["TECHNIQUE"] + (bySite ? ["SITE"] : []) + ["APPLIED", "PATIENTS", "ADVERSE", "MILD", "MODERATE", "SEVERE", "PER 1,000"])
        for rate in rates {
            let technique = rate.technique.map { Vocabularies.techniques.term(id: $0)?.display ?? $0 } ?? "(technique entry retracted)"
            table.add([technique] + (bySite ? [VisibleText.escaped(rate.site ?? "-")] : [])
                + [String(rate.applications), String(rate.patients), String(rate.adverseEvents), String(rate.mild), String(rate.moderate), String(rate.severe),
                   rate.perThousand ?? "-"])
        }
        print(rates.isEmpty ? "No technique recorded in the hub yet." : table.rendered, terminator: rates.isEmpty ? "\n" : "")
    }
}
