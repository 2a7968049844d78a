import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import ClinicalFold
import Projections

struct RetentionPolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show the retention policy in force, or set a new one (an event every site applies).",
        discussion: """
            Without options it prints the policy. Defaults (Victoria, HPP 4): 7 years after the
            last service; a record begun before 18 kept until 25.

            Examples:
              myolog retention policy
              myolog --as practice.manager retention policy --years 10 --child-until-age 25
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Years a record is kept after the last service (1–100).") var years: Int?
    @Option(name: .customLong("child-until-age"), help: "The age until which a record begun in childhood is kept.") var childUntilAge: Int?
    @Option(name: .customLong("adult-age"), help: "Below this age at registration, a patient is a child (default 18).") var adultAge: Int?

    func run() throws {
        let store = try global.openStore()
        if years == nil, childUntilAge == nil, adultAge == nil {
            let policy = try store.read { try RetentionSchedule($0).policy() }
            print(global.json ? policy.json.canonicalString : ClinicalEvent(policy).summary)
            return
        }
        let author = try global.requireAuthor()
        let current = try store.read { try RetentionSchedule($0).policy() }
        let policy = RetentionPolicySet(yearsAfterLastService: years ?? current.yearsAfterLastService,
                                        childUntilAge: childUntilAge ?? current.childUntilAge, adultAge: adultAge ?? current.adultAge)
        let envelope = try ClinicalRecord(store: store).write { try $0.setRetentionPolicy(policy, author: author) }
        global.printWritten(envelope, message: "Retention policy set (\(ClinicalEvent(policy).summary)):")
    }
}
