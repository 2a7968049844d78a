import AccessAudit
import ArgumentParser
import ClinicalLog
import EventLog
import Foundation
import EventModel
import Projections

struct AuditReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Flag what a privacy officer looks for in the access log, each flag with its evidence.",
        discussion: """
            never-treated   a record read, exported or reported for treatment by a user who wrote
                            no clinical event about that patient
            outside-hours   an access outside the opening hours (--hours, in --time-zone: by
                            default the site's zone, `myolog site time-zone`)
            unusual-volume  a user who, on one day, accessed at least --volume-factor times as
                            many patients as the median of the other users that day (and at
                            least --volume-minimum)
            erased-patient  an access to what remains of a patient after their erasure (also a
                            refused one: `show` then says who erased them, when and why)
            cosign-overdue  an entry written in the student role and not co-signed more than
                            --cosign-overdue-days days after it was written (default 7); `at`
                            is when it was written, `user` the student
            beyond-role     an event a person signed beyond the roles they held at that point in
                            causal order (received from a peer: kept, as signed history), or a
                            user change the directory did not obey; `accesses` is the event
            Other refused accesses showed nothing and are not flagged.

            Examples:
              myolog audit review --since 2026-03-01
              myolog audit review --hours 08:00-18:30 --time-zone Australia/Melbourne --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filter: AuditFilterOptions
    @Option(help: ArgumentHelp("Opening hours, local time: HH:MM-HH:MM.", valueName: "hours"), transform: AuditReviewCommand.hours)
    var hours: ClosedRange<Int> = (7 * 60)...(20 * 60)
    @Option(help: ArgumentHelp("The clinic's time zone (IANA name; default: the site's).", valueName: "zone"), transform: AuditReviewCommand.zone)
    var timeZone: SiteClock?
    @Option(help: ArgumentHelp("Flag a user at this many times the median of the others' patients that day.", valueName: "factor"))
    var volumeFactor: Double = 3
    @Option(help: ArgumentHelp("… and at least this many patients.", valueName: "count"))
    var volumeMinimum: Int = 10
    @Option(help: ArgumentHelp("Flag a student's entry not co-signed this many days after it was written.", valueName: "days"))
    var cosignOverdueDays: Int = 7

    func validate() throws {
        guard volumeFactor.isFinite, volumeFactor >= 1 else { throw ValidationError("volume-factor: \(volumeFactor) is not accepted; accepted: a number of at least 1") }
        guard volumeMinimum >= 1 else { throw ValidationError("volume-minimum: \(volumeMinimum) is not accepted; accepted: a whole number of at least 1") }
        guard (0...3650).contains(cosignOverdueDays) else {
            throw ValidationError("cosign-overdue-days: \(cosignOverdueDays) is not accepted; accepted: a whole number of days from 0 to 3650")
        }
    }

    func run() throws {
        let store = try global.openStore()
        try global.require(.reviewAccess, in: store)
        let clock = try timeZone ?? global.siteClock(store)
        let settings = AccessReview.Settings(opens: hours.lowerBound, closes: hours.upperBound, timeZone: clock.zone, volumeFactor: volumeFactor, volumeMinimum: volumeMinimum)
        let now = Timestamp.now()
        let cutoff = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - Int64(cosignOverdueDays) * 86_400_000)
        let (access, overdue, authority) = try store.read { reader in
            (try AccessReview(reader, settings: settings).flags(try filter.filter(in: reader, clock: clock)),
             try PatientViews(reader).awaitingCoSignature(writtenBefore: cutoff).map { CoSignatureOverdue($0, now: now, days: cosignOverdueDays, clock: clock) },
             try AuthorityCheck.findings(reader).map(BeyondRole.init))
        }
        // One list in time order: the access flags, and each overdue co-signature at the time
        // its entry was written; ties keep the access flags first, each list its own order.
        let flags = (try access.map { Flag(at: $0.at, rule: $0.rule.rawValue, evidence: $0.evidence, events: $0.accesses, json: try CanonicalEncoder().value($0)) }
            + overdue.map { Flag(at: $0.at, rule: $0.rule, evidence: $0.evidence, events: $0.accesses, json: try CanonicalEncoder().value($0)) }
            + authority.map { Flag(at: $0.at, rule: $0.rule, evidence: $0.evidence, events: $0.accesses, json: try CanonicalEncoder().value($0)) })
            .enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        if global.json {
            print(JSONValue.array(flags.map(\.json)).canonicalString)
            return
        }
        print(clock.label())
        for flag in flags {
            print("\(clock.minuteWithOffset(flag.at))  \(flag.rule): \(VisibleText.escaped(flag.evidence)) [\(flag.events.map(\.rawValue).joined(separator: ", "))]")
        }
        print("\(flags.count) flag\(flags.count == 1 ? "" : "s")")
    }

    /// One flag of either kind, as shown.
    private struct Flag {
        var at: Timestamp
        var rule: String
        var evidence: String
        var events: [EventID]
        var json: JSONValue
    }

    /// A student's entry waiting for its co-signature longer than allowed: the shape of an
    /// access flag (Schemas/views/audit-review.schema.json), its `accesses` the entry itself.
    struct CoSignatureOverdue: Encodable {
        var rule = "cosign-overdue"
        var user: String
        var patient: PatientID
        var at: Timestamp
        var accesses: [EventID]
        var evidence: String

        init(_ entry: AwaitingCoSignature, now: Timestamp, days: Int, clock: SiteClock) {
            let waited = (now.millisecondsSinceEpoch - entry.writtenAt.millisecondsSinceEpoch) / 86_400_000
            (user, patient, at, accesses) = (entry.author, entry.patientId, entry.writtenAt, [entry.eventId])
            evidence = "\(entry.type) \(entry.eventId) of patient \(entry.patientId.rawValue.prefix(8)), written by \(entry.author) (student) on "
                + "\(clock.minute(entry.writtenAt)), has waited \(waited) day\(waited == 1 ? "" : "s") for a co-signature (overdue after \(days)); `myolog cosign \(entry.eventId)`"
        }
    }

    /// An event a person signed beyond their roles at that point (``AuthorityCheck``): the shape
    /// of an access flag, its `accesses` the event itself.
    struct BeyondRole: Encodable {
        var rule = "beyond-role"
        var user: String
        var at: Timestamp
        var accesses: [EventID]
        var evidence: String

        init(_ finding: AuthorityCheck.Finding) {
            (user, at, accesses) = (finding.author, finding.at, [finding.event])
            evidence = "event \(finding.event) by \(finding.author)\(finding.role.map { " (as \($0))" } ?? ""): \(finding.reason)"
        }
    }

    @Sendable static func hours(_ text: String) throws -> ClosedRange<Int> {
        let parts = text.split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0) } }
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && (0..<24).contains($0[0]) && (0..<60).contains($0[1]) }),
              parts[0][0] * 60 + parts[0][1] < parts[1][0] * 60 + parts[1][1] else {
            throw ValidationError("hours: \"\(text.prefix(40))\" is not accepted; accepted: opening and closing times HH:MM-HH:MM, opening first, e.g. 07:00-20:00")
        }
        return (parts[0][0] * 60 + parts[0][1])...(parts[1][0] * 60 + parts[1][1])
    }

    @Sendable static func zone(_ text: String) throws -> SiteClock {
        try SiteTimeZoneCommand.zone(text).clock
    }
}
