import ArgumentParser
import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel
import Projections

struct SiteLateEntryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "late-entry",
        abstract: "Show the store's late-entry rule, or change it (end-of-day, 24h, 2h, 3d).",
        discussion: """
            An entry recorded later than its time of care by more than the rule allows is marked
            "late entry" with both times wherever it is shown. end-of-day (the default): recorded
            after the end of the day of care, in the zone of the site that wrote it. Nh / Nd:
            more than N hours / days after. The rule is store-wide and syncs to every site; the
            latest set stands everywhere, and every site marks the same entries.

            Examples:
              myolog site late-entry
              myolog --as practice.manager site late-entry 24h
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The new rule: end-of-day, or hours or days such as 2h, 24h, 3d.", valueName: "rule"))
    var rule: String?

    func run() throws {
        guard let rule else {
            let store = try global.openStore()
            let policy = try store.read { try LateEntryPolicy($0) }
            if global.json {
                print(JSONValue.object(["rule": .string(policy.rule.description)]).canonicalString)
            } else {
                print(policy.rule.description)
            }
            return
        }
        guard LateEntryRule(rule) != nil else { throw ValidationError(LateEntryRuleSet.refusal(rule).fact) }
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.setLateEntryRule(rule, author: author) }
        global.printWritten(envelope, message: "Late-entry rule set to \(LateEntryRule(rule)!.description):")
    }
}
