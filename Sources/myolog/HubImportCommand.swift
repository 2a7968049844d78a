import ArgumentParser
import ChainHub
import EventLog
import Foundation
import EventModel
import EventSync

struct HubImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the events of a bundle file in the hub (checked whole before anything is written).",
        discussion: """
            For a site with no network to head office: the site writes `myolog bundle export --for
            <hub node>` (its patients' keys sealed to the hub), and the hub imports it — the same
            checks as any sync, one PostgreSQL transaction per batch, views included. Events after
            a gap are held back; events contradicting a chain held are quarantined as forks (exit
            status 3). Importing the same bundle twice stores nothing.

            Examples:
              myolog --store /srv/hub hub import /media/usb/fitzroy.myolog
              myolog --store /srv/hub --json hub import delta.myolog
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: HubOptions
    @Argument(help: ArgumentHelp("The bundle file.", valueName: "file")) var file: String

    func run() async throws {
        let store = try global.openStore()
        try global.require(.syncRecords, in: store)
        let hub = try await Hub.open(store: store, server: try server.resolved(store: store.directory, environment: global.environment))
        let receipt: ReceiveSummary
        do {
            receipt = try await EventBundle.import(URL(fileURLWithPath: (file as NSString).expandingTildeInPath), into: hub)
            await hub.close()
        } catch {
            await hub.close()
            throw error
        }
        let forks = receipt.quarantined.map { JSONValue.object(["origin": .string($0.origin.rawValue), "sequence": .int($0.sequence)]) }
        print(BundleImportCommand.describe(receipt, json: global.json, forks: forks))
        if !receipt.quarantined.isEmpty {
            if !global.json { print("Forks (quarantined in the hub, kept as evidence): " + receipt.quarantined.map(\.description).joined(separator: "; ")) }
            throw ExitCode(3)
        }
    }
}
