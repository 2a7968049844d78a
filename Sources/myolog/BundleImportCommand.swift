import ArgumentParser
import EventLog
import Foundation
import EventModel
import EventSync

struct BundleImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the events of a bundle file (checked whole before anything is written).",
        discussion: """
            Events that follow a gap in this store's chains (a bundle made for a later clock) are
            held back until the missing events arrive by any carrier, then stored in order. An
            event that contradicts a chain held here is a fork: it is quarantined, and import exits
            with status 3 until an operator decides (`myolog forks`).

            Examples:
              myolog bundle import /media/usb/fitzroy.myolog
              myolog --json bundle import delta.myolog
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The bundle file.", valueName: "file")) var file: String

    func run() async throws {
        let store = try global.openStore()
        try global.require(.syncRecords, in: store)
        let receipt = try await EventBundle.import(URL(fileURLWithPath: (file as NSString).expandingTildeInPath), into: store)
        let openForks = try store.read { try $0.forks() }.filter(\.isOpen)
        print(Self.describe(receipt, json: global.json, forks: openForks.map(\.json)))
        SyncReportPrinter(json: global.json).printForks(openForks)
        if !openForks.isEmpty { throw ExitCode(3) }
    }

    /// What an import stored, as `bundle import` and `hub import` print it (`forks`: the open
    /// forks, JSON only — the text lists them apart).
    static func describe(_ receipt: ReceiveSummary, json: Bool, forks: [JSONValue]) -> String {
        let total = receipt.stored.values.reduce(0, +)
        if json {
            var object = receipt.json.objectValue ?? [:]
            object["openForks"] = .array(forks)
            object["keysStored"] = .int(receipt.keys.stored)
            return JSONValue.object(object).canonicalString
        }
        var lines: [String] = []
        if total == 0 {
            lines.append("Nothing new stored from the bundle" + (receipt.duplicates > 0 ? ": every event was already here" : ""))
        } else {
            lines.append("Imported \(total) event\(total == 1 ? "" : "s") (" + receipt.stored.keys.sorted().map { "\($0): \(receipt.stored[$0]!)" }.joined(separator: ", ") + ")")
        }
        if receipt.heldBack > 0 {
            lines.append("\(receipt.heldBack) event\(receipt.heldBack == 1 ? "" : "s") held back until the events before them arrive")
        }
        if receipt.keys.stored > 0 { lines.append("Stored the keys of \(receipt.keys.stored) patient\(receipt.keys.stored == 1 ? "" : "s"): their records are readable here") }
        lines += SyncReportPrinter.trustLines(awaiting: receipt.awaitingTrust, removed: receipt.originRemoved)
        return lines.joined(separator: "\n")
    }
}
