import ArgumentParser
import ClinicalEvents
import EventLog
import Foundation
import ClinicalFold
import Projections
import EventModel

struct RetentionDueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "The patients whose retention has ended, and why (held records are listed apart).",
        discussion: """
            Examples:
              myolog retention due
              myolog retention due --as-of 2033-07-01 --json
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("as-of"), help: ArgumentHelp("The day to judge by (default: today in the site's time zone).", valueName: "YYYY-MM-DD"),
            transform: RetentionDueCommand.day)
    var asOf: CivilDate?

    @Sendable static func day(_ text: String) throws -> CivilDate {
        guard let day = CivilDate(iso: text) else {
            throw ValidationError("as-of: \"\(text.prefix(60))\" is not accepted; accepted: a date YYYY-MM-DD")
        }
        return day
    }

    func run() throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        try global.require(.seePatientList, in: store)
        let clock = try global.siteClock(store)
        let day = asOf ?? clock.day(.now())
        let entries = try store.read { try RetentionSchedule($0).entries(asOf: day, clock: clock) }
        let due = entries.filter(\.isDue), held = entries.filter { $0.isDue == false && !$0.holds.isEmpty && day >= $0.retainUntil }
        try global.record(RecordAccessed(action: .query, command: "retention due", patients: (due + held).map(\.patientId), purpose: global.purpose), in: store, by: user)
        try SyncReportPrinter.warnHeldErasures(store)
        if global.json {
            print(try CanonicalEncoder().string(due))
            return
        }
        guard !due.isEmpty || !held.isEmpty else {
            print("No record is due for erasure on \(day) (\(clock.identifier)).")
            return
        }
        print("Days are \(clock.identifier)'s.")
        var table = TextTable(["PATIENT", "NAME", "BORN", "LAST SERVICE", "KEPT UNTIL", "WHY"])
        for entry in due {
            table.add([String(entry.patientId.rawValue.prefix(8)), entry.name ?? "-", entry.dateOfBirth.description, entry.lastService.description,
                       entry.retainUntil.description, entry.because])
        }
        print(table.rendered, terminator: "")
        print("\(due.count) record\(due.count == 1 ? "" : "s") due for erasure on \(day)" + (due.isEmpty ? "" : "; erase them with `myolog erase --due --yes`"))
        for entry in held {
            let holds = entry.holds.map { VisibleText.indented($0, indent: "    ") }.joined(separator: "; ")
            print("Held: \(entry.patientId.rawValue.prefix(8)) \(VisibleText.escaped(entry.name ?? "")) (kept until \(entry.retainUntil), but a legal hold stands: \(holds))")
        }
    }
}
