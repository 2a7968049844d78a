import ArgumentParser
import EventLog
import Foundation
import EventModel

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Drop the patient views and fold them again from the log.",
        discussion: """
            The log is the only source of truth: rebuilding gives byte-for-byte the views that
            incremental updates keep. One transaction: a rebuild that is interrupted changes nothing.

            Examples:
              myolog rebuild
              myolog --store /srv/myolog rebuild --json
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let started = Date()
        try store.rebuildProjections()
        let seconds = Date().timeIntervalSince(started)
        let events = try store.read { try $0.eventCount() }
        if global.json {
            print(JSONValue.object(["events": .int(events), "milliseconds": .int(Int(seconds * 1000))]).canonicalString)
        } else {
            print("Rebuilt the patient views from \(events) events in \(String(format: "%.2f", seconds)) s")
        }
    }
}
