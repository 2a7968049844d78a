import ArgumentParser
import EventLog
import Foundation

struct BundleImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the events of a bundle file (checked whole before anything is written).",
        discussion: """
            Examples:
              myolog bundle import /media/usb/fitzroy.myolog
              myolog --json bundle import delta.myolog
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The bundle file.", valueName: "file")) var file: String

    func run() throws {
        let store = try global.openStore()
        let moved = try EventBundle.import(URL(fileURLWithPath: (file as NSString).expandingTildeInPath), into: store)
        let total = moved.values.reduce(0, +)
        if global.json {
            print(JSONValue.object(["received": .object(Dictionary(uniqueKeysWithValues: moved.map { ($0.key.rawValue, JSONValue.int($0.value)) }))]).canonicalString)
        } else if total == 0 {
            print("Nothing new in the bundle: every event was already here")
        } else {
            print("Imported \(total) event\(total == 1 ? "" : "s") (" + moved.keys.sorted().map { "\($0): \(moved[$0]!)" }.joined(separator: ", ") + ")")
        }
    }
}
