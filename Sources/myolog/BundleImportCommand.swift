import ArgumentParser
import EventLog
import Foundation

struct BundleImportCommand: ParsableCommand {
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

    func run() throws {
        let store = try global.openStore()
        let receipt = try EventBundle.import(URL(fileURLWithPath: (file as NSString).expandingTildeInPath), into: store)
        let total = receipt.stored.values.reduce(0, +)
        let openForks = try store.read { try $0.forks() }.filter(\.isOpen)
        if global.json {
            var object = receipt.json.objectValue ?? [:]
            object["openForks"] = .array(openForks.map(\.json))
            object["keysStored"] = .int(receipt.keys.stored)
            print(JSONValue.object(object).canonicalString)
        } else {
            if total == 0 {
                print("Nothing new stored from the bundle" + (receipt.duplicates > 0 ? ": every event was already here" : ""))
            } else {
                print("Imported \(total) event\(total == 1 ? "" : "s") (" + receipt.stored.keys.sorted().map { "\($0): \(receipt.stored[$0]!)" }.joined(separator: ", ") + ")")
            }
            if receipt.heldBack > 0 {
                print("\(receipt.heldBack) event\(receipt.heldBack == 1 ? "" : "s") held back until the events before them arrive")
            }
            if receipt.keys.stored > 0 { print("Stored the keys of \(receipt.keys.stored) patient\(receipt.keys.stored == 1 ? "" : "s"): their records are readable here") }
            for line in SyncReportPrinter.trustLines(awaiting: receipt.awaitingTrust, removed: receipt.originRemoved) { print(line) }
        }
        SyncReportPrinter(json: global.json).printForks(openForks)
        if !openForks.isEmpty { throw ExitCode(3) }
    }
}
