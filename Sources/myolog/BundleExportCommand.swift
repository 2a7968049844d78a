import ArgumentParser
import ClinicalEvents
import EventLog
import Foundation
import EventModel

struct BundleExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the events beyond a clock (or all) to a bundle file.",
        discussion: """
            --for-clock takes the receiving store's clock (`myolog id --json` prints it there), so
            the bundle holds exactly what it lacks. The file appears only when complete.

            Payloads about patients are sealed: --for NODEID adds the keys of the patients the
            bundle carries, sealed to that node alone (a trusted peer whose enrolment this store
            holds). Without --for the bundle carries the events, unreadable until the keys arrive.

            Examples:
              myolog bundle export --out fitzroy.myolog --for 2v5ekk7zzmpxataj
              myolog bundle export --out delta.myolog --for-clock '{"2v5ekk7zzmpxataj":42}'
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The bundle file to write: a new file (an existing one only with --force).", valueName: "file")) var out: String
    @Flag(help: "Replace --out if it is an existing regular file.") var force = false
    @Option(name: .customLong("for-clock"), help: ArgumentHelp("Only events beyond this vector clock.", valueName: "clock")) var forClock: String?
    @Option(name: .customLong("for"), help: ArgumentHelp("Seal the patients' keys to this node (as `myolog id` prints it there).", valueName: "node"),
            transform: NodeID.argument(field: "for", printedBy: "`myolog id`"))
    var recipient: NodeID?

    func clock() throws -> VectorClock? {
        guard let forClock else { return nil }
        guard let clock = VectorClock(text: forClock) else {
            throw ValidationError("for-clock: \"\(forClock.prefix(60))\" is not accepted; accepted: a JSON object of node id → positive sequence, as `myolog id --json` prints it")
        }
        return clock
    }

    func validate() throws { _ = try clock() }

    func run() throws {
        let url = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        try AtomicFile.checkTarget(url, replacing: force)  // before opening the store: a refusal touches nothing
        let user = try global.requireReader()
        let store = try global.openStore()
        try global.require(.syncRecords, in: store)
        let count = try EventBundle.export(store, beyond: try clock(), for: recipient, to: url, replacing: force) { patients in
            guard !patients.isEmpty else { return }
            try global.record(RecordAccessed(action: .disclosure, command: "bundle export", patients: patients, purpose: global.purpose,
                                             detail: recipient == nil ? "sealed payloads, no keys in the file: readable by whoever already holds the patients' keys" : "with keys",
                                             peer: recipient), in: store, by: user)
        }
        if global.json {
            print(JSONValue.object(["events": .int(count), "file": .string(url.path)]).canonicalString)
        } else {
            print("Exported \(count) event\(count == 1 ? "" : "s") to \(url.path)")
        }
    }
}
