import ArgumentParser
import ChainHub
import ClinicalEvents
import EventLog
import EventModel
import Foundation

struct HubOutcomesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Outcome measures across the chain: episodes, median change and the share reaching the MCID, per site and per technique.",
        discussion: """
            Counted from the hub's de-identified outcome rows (myolog.outcome_scores). An episode
            is one patient's course on one instrument version from a baseline to the last answer
            set scored after it (a reassessment or a discharge); it is counted at the site where
            that answer set was recorded, and under every technique applied between the baseline
            and it ("(none recorded)" when none was). The change is latest − baseline in the
            score's points (for NDI, ODI, RMDQ, QuickDASH, PCS a fall is an improvement); the
            share reaching is judged on the exact scores against the instrument's MCID, or its MDC
            where the instrument file gives no MCID (PSFS). Names no patient, so nothing is
            recorded as a read.

            Examples:
              myolog --store /srv/hub hub outcomes
              myolog --store /srv/hub --json hub outcomes
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: HubOptions

    /// The JSON shape: both groupings.
    struct Comparison: Encodable {
        var bySite: [OutcomeEpisodes]
        var byTechnique: [OutcomeEpisodes]
    }

    func run() async throws {
        let store = try global.openStore()
        try global.require(.readClinicalRecords, in: store)
        let hub = try await Hub.open(store: store, server: try server.resolved(store: store.directory, environment: global.environment))
        let comparison: Comparison
        do {
            comparison = Comparison(bySite: try await hub.outcomeEpisodes(by: .site), byTechnique: try await hub.outcomeEpisodes(by: .technique))
            await hub.close()
        } catch {
            await hub.close()
            throw error
        }
        if global.json {
            print(try CanonicalEncoder().string(comparison))
            return
        }
        guard !comparison.bySite.isEmpty else {
            print("No outcome measure has a baseline and a later score in the hub yet.")
            return
        }
        print("Per site\n" + Self.table(comparison.bySite, heading: "SITE") { VisibleText.escaped($0 ?? "-") })
        print("Per technique applied during the episode\n" + Self.table(comparison.byTechnique, heading: "TECHNIQUE") { technique in
            technique.map { Vocabularies.techniques.term(id: $0)?.display ?? $0 } ?? "(none recorded)"
        }, terminator: "")
    }

    /// The rows under `heading`, each group named by `name`, the instrument with the direction
    /// its change reads in and the threshold it is judged against.
    static func table(_ rows: [OutcomeEpisodes], heading: String, name: (String?) -> String) -> String {
        var table = TextTable([heading, "INSTRUMENT", "EPISODES", "PATIENTS", "MEDIAN CHANGE", "REACHING MCID"])
        for row in rows {
            let instrument = Instruments.instrument(row.instrument, version: row.version)
            let rule = instrument.map { known in known.scores.first { $0.id == known.change?.score } ?? known.primary }
            let label = (instrument?.abbreviation ?? row.instrument) + " v\(row.version)" + (rule.map { $0.higherIsBetter ? " (higher is better)" : " (lower is better)" } ?? "")
            let kind = instrument?.change?.threshold?.kind ?? "MCID"
            let reaching = row.percentReached.map { "\(row.reached) of \(row.judged) (\($0) %)" + (kind == "MCID" ? "" : " by its \(kind)") } ?? "-"
            table.add([name(row.group), label, String(row.episodes), String(row.patients), row.medianChange, reaching])
        }
        return table.rendered
    }
}
