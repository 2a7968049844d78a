import ArgumentParser
import ClinicalEvents
import EventModel

struct OutcomeInstrumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instruments",
        abstract: "List the instruments: items, answers, scoring, MCID or MDC with its source, licence.",
        discussion: """
            Each instrument is a data file compiled into Myolog (Schemas/instrument.schema.json
            describes them); with --json, the files themselves, as one array.

            Examples:
              myolog outcome instruments
              myolog outcome instruments --json | jq '.[].id'
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        if global.json {
            let files = Instruments.files.map { try? JSONParser.parse($0.bytes) }
            print(JSONValue.array(files.compactMap { $0 }).canonicalString)
            return
        }
        for (index, instrument) in Instruments.all.enumerated() {
            if index > 0 { print("") }
            print("\(instrument.id) v\(instrument.version)  \(instrument.name) (\(instrument.abbreviation))" + (instrument.region.map { ", \($0)" } ?? ""))
            if let activities = instrument.activities {
                print("  answers: \(activities.count.lowerBound)–\(activities.count.upperBound) activities the patient names, each rated \(activities.range.lowerBound)–\(activities.range.upperBound)")
            } else {
                let ranges = Set(instrument.items.map(\.range))
                let range = ranges.count == 1 ? "each \(ranges.first!.lowerBound)–\(ranges.first!.upperBound)" : "ranges differ by item"
                print("  answers: \(instrument.items.count) items, \(range); at most \(instrument.primary.maxSkipped) skipped")
            }
            for rule in instrument.scores {
                let direction = rule.higherIsBetter ? "higher is better" : "higher is worse"
                let covered = rule.items.map { " (items \($0.map(String.init).joined(separator: ", ")))" } ?? ""
                print("  score \(rule.label): \(rule.rule.rawValue)\(covered), \(rule.range.lowerBound)–\(rule.range.upperBound)\(rule.unit.map { " \($0)" } ?? ""), \(direction)")
            }
            for band in instrument.bands {
                let when = band.when.map { c in [c.atLeast.map { "\(c.score) ≥ \($0)" }, c.atMost.map { "\(c.score) ≤ \($0)" }].compactMap { $0 }.joined(separator: " and ") }
                print("  band \(band.label): " + (when.isEmpty ? "otherwise" : when.joined(separator: " and ")))
            }
            if let change = instrument.change, let threshold = change.threshold {
                print("  change: \(threshold.kind) \(threshold.value.points.text(decimals: 1)) — \(threshold.value.source)")
            }
            print("  reassess every \(instrument.reassessEveryDays) days")
            print("  item text: \(instrument.licence.itemText) — \(instrument.licence.note)")
        }
    }
}
