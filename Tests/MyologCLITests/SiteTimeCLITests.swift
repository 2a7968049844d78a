import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// Local time, driven through the real binary: every child runs with a `TZ` other than the
/// store's zone, so what it shows and reads can only come from the store.
@Suite("myolog site time zone")
struct SiteTimeCLITests {
    let scratch = TemporaryDirectory("site-time")

    /// The machine's zone in every child: neither Melbourne, Auckland nor Perth.
    static let machine = MyologProcess.environment(["TZ": "America/New_York"])

    func run(_ arguments: [String], _ environment: [String: String] = machine) throws -> MyologProcess.Result {
        try MyologProcess.run(arguments, environment: environment)
    }

    /// A new store for site `site` in `zone`, with one patient; returns (store, patient id).
    func store(_ name: String, zone: String) throws -> (String, String) {
        let store = scratch.path(name)
        let created = try run(["--store", store, "init", "--site", name, "--time-zone", zone])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("times in \(zone)"), "\(created.stdout)")
        let registered = try run(["--store", store, "--as", "jo", "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"])
        #expect(registered.status == 0, "\(registered.stderr)")
        return (store, registered.lastWord)
    }

    func logBytes(_ store: String) throws -> [String] {
        let db = try DatabaseQueue(path: store + "/myolog.sqlite")
        return try db.read { try Row.fetchAll($0, sql: "SELECT * FROM events ORDER BY position").map(\.description) }
    }

    func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text.trimmingCharacters(in: .whitespacesAndNewlines)) }

    /// The instant `log --json` stored for event `id`.
    func occurredAt(_ store: String, _ id: String) throws -> String? {
        let log = try json(try run(["--store", store, "--json", "log"]).stdout)
        return log.arrayValue?.first { $0.objectValue?["id"]?.stringValue == id }?.objectValue?["occurredAt"]?.stringValue
    }

    /// The `log` line of event `id`.
    func logLine(_ store: String, _ id: String) throws -> String {
        try run(["--store", store, "log"]).stdout.split(separator: "\n").first { $0.hasSuffix("[\(id)]") }.map(String.init) ?? ""
    }

    /// Records a pain score at `date`; the new event id, or nil (and the refusal) when refused.
    func pain(_ store: String, _ patient: String, _ date: String) throws -> MyologProcess.Result {
        try run(["--store", store, "--as", "alex", "record", "pain", patient, "--score", "5", "--region", "neck", "--date", date])
    }

    @Test("init --time-zone that is not an IANA name: one line naming time-zone and what is accepted; no directory left",
          arguments: ["AEST", "+10:00", "Mars/Base", "australia/melbourne", ""])
    func initRefused(_ zone: String) throws {
        let store = scratch.path("refused")
        let result = try run(["--store", store, "init", "--site", "Fitzroy", "--time-zone", zone])
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("myolog: error: time-zone: "), "\(result.stderr)")
        #expect(result.stderr.contains("IANA") && result.stderr.contains("Australia/Melbourne") && result.stderr.contains("myolog site time-zones"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test("site time-zone refuses a name that is not IANA in one line, the store unchanged", arguments: ["AEST", "+10:00", "Mars/Base"])
    func changeRefused(_ zone: String) throws {
        let (store, _) = try self.store("fitzroy", zone: "Australia/Melbourne")
        let before = try logBytes(store)
        let result = try run(["--store", store, "--as", "pm", "site", "time-zone", zone])
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("myolog: error: time-zone: "), "\(result.stderr)")
        #expect(try logBytes(store) == before)
        #expect(try run(["--store", store, "site", "time-zone"]).stdout == "Australia/Melbourne\n")
    }

    @Test("the zone defaults to the machine's, is shown, changed by an event, and listed")
    func defaultAndChange() throws {
        let store = scratch.path("default")
        #expect(try run(["--store", store, "init", "--site", "Ponsonby"], MyologProcess.environment(["TZ": "Pacific/Auckland"])).status == 0)
        #expect(try run(["--store", store, "site", "time-zone"]).stdout == "Pacific/Auckland\n")
        let changed = try run(["--store", store, "--as", "pm", "site", "time-zone", "Australia/Perth"])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(try run(["--store", store, "--json", "site", "time-zone"]).stdout == #"{"recorded":true,"timeZone":"Australia/Perth"}"# + "\n")
        #expect(try run(["--store", store, "--json", "log", "--type", "SiteTimeZoneSet"]).stdout.components(separatedBy: "\"type\":\"SiteTimeZoneSet\"").count == 3)
        let list = try run(["site", "time-zones", "australia"]).stdout.split(separator: "\n")
        #expect(list.contains("Australia/Melbourne") && list.contains("Australia/Perth") && !list.contains("Pacific/Auckland"))
        // A machine zone that is not an IANA name (a POSIX TZ string): UTC, said on stderr.
        let posix = scratch.path("posix")
        let made = try run(["--store", posix, "--json", "init", "--site", "Somewhere"], MyologProcess.environment(["TZ": "AEST-10"]))
        #expect(made.status == 0 && made.stderr.contains("not an IANA name") && made.stderr.contains("--time-zone"), "\(made.stderr)")
        #expect(try json(made.stdout).objectValue?["timeZone"]?.stringValue == "UTC")
        // A machine on UTC: named UTC, silently.
        let onUTC = try run(["--store", scratch.path("utc"), "init", "--site", "Greenwich"], MyologProcess.environment(["TZ": "UTC"]))
        #expect(onUTC.status == 0 && onUTC.stderr.isEmpty && onUTC.stdout.hasSuffix("times in UTC\n"), "\(onUTC.stdout)\(onUTC.stderr)")
        // A store made before zones were recorded: the machine's, and it says so.
        let old = scratch.path("old")
        _ = try EventStore.create(at: URL(fileURLWithPath: old), site: "Old")
        #expect(try run(["--store", old, "site", "time-zone"]).stdout == "America/New_York (the machine's: this store has not recorded its zone)\n")
    }

    @Test("Melbourne, spring forward (first Sunday in October): 01:30 is +10:00, 03:30 +11:00, a visit between them is one hour; 02:30 is refused")
    func melbourneSpring() throws {
        let (store, patient) = try self.store("fitzroy", zone: "Australia/Melbourne")
        let start = try run(["--store", store, "--as", "alex", "visit", "start", patient, "--reason", "Neck pain", "--date", "2026-10-04 01:30"])
        #expect(start.status == 0, "\(start.stderr)")
        let end = try run(["--store", store, "--as", "alex", "visit", "end", patient, "--date", "2026-10-04T03:30"])
        #expect(end.status == 0, "\(end.stderr)")
        #expect(try occurredAt(store, start.lastWord) == "2026-10-03T15:30:00.000Z")
        #expect(try occurredAt(store, end.lastWord) == "2026-10-03T16:30:00.000Z")  // one hour after the start
        #expect(try logLine(store, start.lastWord).contains("2026-10-04 01:30 +10:00"))
        #expect(try logLine(store, end.lastWord).contains("2026-10-04 03:30 +11:00"))
        let log = try run(["--store", store, "log"]).stdout
        #expect(log.hasPrefix("Times are Australia/Melbourne (UTC+"), "\(log.prefix(80))")
        #expect(!log.contains("(UTC)"))
        let before = try logBytes(store)
        let gap = try pain(store, patient, "2026-10-04 02:30")
        #expect(gap.status != 0)
        #expect(gap.stderr.split(separator: "\n").count == 1 && gap.stderr.hasPrefix("myolog: error: date: "), "\(gap.stderr)")
        #expect(gap.stderr.contains("does not") && gap.stderr.contains("Australia/Melbourne"), "\(gap.stderr)")
        #expect(try logBytes(store) == before)
    }

    @Test("Melbourne, fall back (first Sunday in April): 02:30 needs its offset; each offset gives its own instant, shown with it")
    func melbourneAutumn() throws {
        let (store, patient) = try self.store("fitzroy", zone: "Australia/Melbourne")
        let before = try logBytes(store)
        let ambiguous = try pain(store, patient, "2026-04-05 02:30")
        #expect(ambiguous.status != 0)
        #expect(ambiguous.stderr.split(separator: "\n").count == 1, "\(ambiguous.stderr)")
        #expect(ambiguous.stderr.contains("2026-04-05 02:30+11:00") && ambiguous.stderr.contains("2026-04-05 02:30+10:00"), "\(ambiguous.stderr)")
        #expect(try logBytes(store) == before)
        let early = try pain(store, patient, "2026-04-05 01:30")
        let first = try pain(store, patient, "2026-04-05 02:30+11:00")
        let second = try pain(store, patient, "2026-04-05 02:30+10:00")
        #expect(try occurredAt(store, early.lastWord) == "2026-04-04T14:30:00.000Z")
        #expect(try occurredAt(store, first.lastWord) == "2026-04-04T15:30:00.000Z")
        #expect(try occurredAt(store, second.lastWord) == "2026-04-04T16:30:00.000Z")
        #expect(try logLine(store, early.lastWord).contains("2026-04-05 01:30 +11:00"))
        #expect(try logLine(store, first.lastWord).contains("2026-04-05 02:30 +11:00"))
        #expect(try logLine(store, second.lastWord).contains("2026-04-05 02:30 +10:00"))
    }

    @Test("Auckland: first Sunday in April repeats 02:00–03:00, last Sunday in September skips it")
    func auckland() throws {
        let (store, patient) = try self.store("ponsonby", zone: "Pacific/Auckland")
        let cases = [("2026-04-05 01:30", "2026-04-04T12:30:00.000Z", "+13:00"), ("2026-04-05 02:30+13:00", "2026-04-04T13:30:00.000Z", "+13:00"),
                     ("2026-04-05 02:30+12:00", "2026-04-04T14:30:00.000Z", "+12:00"), ("2026-09-27 01:30", "2026-09-26T13:30:00.000Z", "+12:00"),
                     ("2026-09-27 03:30", "2026-09-26T14:30:00.000Z", "+13:00")]
        for (typed, instant, offset) in cases {
            let written = try pain(store, patient, typed)
            #expect(written.status == 0, "\(typed): \(written.stderr)")
            #expect(try occurredAt(store, written.lastWord) == instant, "\(typed)")
            #expect(try logLine(store, written.lastWord).contains("\(typed.prefix(16)) \(offset)"), "\(typed)")
        }
        let before = try logBytes(store)
        for typed in ["2026-09-27 02:30", "2026-04-05 02:30"] {
            let refused = try pain(store, patient, typed)
            #expect(refused.status != 0 && refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("Pacific/Auckland"), "\(typed): \(refused.stderr)")
        }
        #expect(try logBytes(store) == before)
    }

    @Test("a day-only --date is local midnight; last visit is a local day, in text and JSON (validated), whatever the machine's zone")
    func localDays() throws {
        let (store, patient) = try self.store("fitzroy", zone: "Australia/Melbourne")
        let day = try pain(store, patient, "2026-11-20")
        #expect(try occurredAt(store, day.lastWord) == "2026-11-19T13:00:00.000Z")
        let visit = try run(["--store", store, "--as", "alex", "visit", "start", patient, "--date", "2026-11-27 09:10"])
        #expect(visit.status == 0, "\(visit.stderr)")
        #expect(try occurredAt(store, visit.lastWord) == "2026-11-26T22:10:00.000Z")
        let text = try run(["--store", store, "patients"]).stdout
        #expect(text.hasPrefix("Times are Australia/Melbourne"), "\(text)")
        #expect(text.contains("2026-11-27") && !text.contains("2026-11-26"), "\(text)")
        let listed = try run(["--store", store, "--json", "patients"]).stdout
        let row = try #require(try json(listed).arrayValue?.first?.objectValue)
        #expect(row["lastVisit"]?.stringValue == "2026-11-26T22:10:00.000Z")
        #expect(row["lastVisitDate"]?.stringValue == "2026-11-27")
        #expect(row["timeZone"]?.stringValue == "Australia/Melbourne")
        let file = scratch.path("patients.json")
        try listed.write(toFile: file, atomically: true, encoding: .utf8)
        let checked = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-view.py").path, "patients", file],
                                            executable: SchemaValidationTests.python)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        // --as-of a day is the end of that Melbourne day (events count by when they were
        // recorded: now). Melbourne's yesterday ended before now; its today has not.
        let today = SiteClock(identifier: "Australia/Melbourne")!.day(.now())
        let yesterday = CivilDate(daysSinceEpoch: today.daysSinceEpoch - 1)
        #expect(try json(try run(["--store", store, "--json", "patients", "--as-of", today.description]).stdout).arrayValue?.count == 1)
        #expect(try json(try run(["--store", store, "--json", "patients", "--as-of", yesterday.description]).stdout).arrayValue?.count == 0)
    }

    @Test("--as-of, --since and --until are read in the site's zone: a skipped time is refused naming the option, the store unchanged",
          arguments: [(["patients", "--as-of", "2026-10-04 02:30"], "as-of"), (["audit", "--since", "2026-10-04 02:30"], "since"),
                      (["audit", "list", "--until", "2026-04-05 02:30"], "until"), (["audit", "--since", "2026-03-02", "--until", "2026-03-01"], "until")])
    func optionsRefused(arguments: [String], field: String) throws {
        let (store, _) = try self.store("fitzroy", zone: "Australia/Melbourne")
        let before = try logBytes(store)
        let result = try run(["--store", store] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("myolog: error: \(field): "), "\(result.stderr)")
        #expect(try logBytes(store) == before)
    }

    @Test("audit, audit review, retention due and erase --due name the site's zone and show its times")
    func otherScreens() throws {
        let (store, patient) = try self.store("fitzroy", zone: "Australia/Melbourne")
        #expect(try run(["--store", store, "show", patient]).status == 0)
        let audit = try run(["--store", store, "audit"]).stdout
        #expect(audit.hasPrefix("Times are Australia/Melbourne"), "\(audit)")
        let offset = SiteClock(identifier: "Australia/Melbourne")!.offset(at: .now())
        #expect(audit.contains(" \(offset)"), "\(audit)")
        let review = try run(["--store", store, "audit", "review", "--hours", "00:00-00:01"]).stdout
        #expect(review.hasPrefix("Times are Australia/Melbourne") && review.contains("outside-hours"), "\(review)")
        let due = try run(["--store", store, "retention", "due"]).stdout
        #expect(due.contains("Australia/Melbourne"), "\(due)")
        let erase = try run(["--store", store, "--as", "po", "erase", "--due"])
        #expect(erase.stdout.contains("Australia/Melbourne"), "\(erase.stdout)\(erase.stderr)")
    }

    @Test("Perth syncing with Melbourne: each shows the same events (and conflicts) in its own zone, keeps its own zone, and the JSON instants are byte-identical")
    func twoZones() throws {
        let (melbourne, patient) = try self.store("fitzroy", zone: "Australia/Melbourne")
        let perth = scratch.path("perth")
        #expect(try run(["--store", perth, "init", "--site", "Perth", "--time-zone", "Australia/Perth"]).status == 0)
        try MyologProcess.trustEachOther(melbourne, perth)
        // 02:30 in Melbourne on the 27th is 23:30 in Perth on the 26th.
        let visit = try run(["--store", melbourne, "--as", "alex", "visit", "start", patient, "--date", "2026-11-27 02:30"])
        #expect(visit.status == 0, "\(visit.stderr)")
        #expect(try run(["--store", perth, "sync", melbourne]).status == 0)
        #expect(try run(["--store", melbourne, "sync", perth]).status == 0)
        // Each site's zone is its own: the other's SiteTimeZoneSet arrived but does not change it.
        #expect(try run(["--store", melbourne, "site", "time-zone"]).stdout == "Australia/Melbourne\n")
        #expect(try run(["--store", perth, "site", "time-zone"]).stdout == "Australia/Perth\n")
        #expect(try logLine(melbourne, visit.lastWord).contains("2026-11-27 02:30 +11:00"))
        #expect(try logLine(perth, visit.lastWord).contains("2026-11-26 23:30 +08:00"))
        #expect(try run(["--store", perth, "log"]).stdout.hasPrefix("Times are Australia/Perth (UTC+08:00 now)."))
        let atMelbourne = try json(try run(["--store", melbourne, "--json", "patients"]).stdout).arrayValue?.first?.objectValue
        let atPerth = try json(try run(["--store", perth, "--json", "patients"]).stdout).arrayValue?.first?.objectValue
        #expect(atMelbourne?["lastVisit"] == atPerth?["lastVisit"])
        #expect(atMelbourne?["lastVisitDate"]?.stringValue == "2026-11-27" && atPerth?["lastVisitDate"]?.stringValue == "2026-11-26")
        // A concurrent edit: each site's `conflicts` shows when each value was written, on its clock.
        #expect(try run(["--store", melbourne, "--as", "jo", "patient", "update", patient, "--phone", "+61 3 9555 0101"]).status == 0)
        #expect(try run(["--store", perth, "--as", "kim", "patient", "update", patient, "--phone", "+61 8 9555 0202"]).status == 0)
        #expect(try run(["--store", perth, "sync", melbourne]).status == 0)
        #expect(try run(["--store", melbourne, "sync", perth]).status == 0)
        let conflictsAtPerth = try run(["--store", perth, "conflicts"]).stdout, conflictsAtMelbourne = try run(["--store", melbourne, "conflicts"]).stdout
        #expect(conflictsAtPerth.hasPrefix("Times are Australia/Perth") && conflictsAtPerth.contains(" +08:00)") && !conflictsAtPerth.contains("Z)"), "\(conflictsAtPerth)")
        #expect(conflictsAtMelbourne.hasPrefix("Times are Australia/Melbourne") && conflictsAtMelbourne.contains(" +11:00)"), "\(conflictsAtMelbourne)")
        // The same instants, byte for byte: each envelope of `log --json` (each store lists them in
        // its own arrival order), and `show --json`.
        func envelopes(_ store: String) throws -> [String] {
            try run(["--store", store, "--json", "log", "--patient", patient]).stdout.split(separator: "\n").filter { $0.hasPrefix("{") }
                .map { $0.hasSuffix(",") ? String($0.dropLast()) : String($0) }.sorted()
        }
        let logHere = try envelopes(melbourne)
        let logThere = try envelopes(perth)
        #expect(logHere.count == 4 && logHere == logThere, "\(logHere)")
        // `show --json` says which zone it reads days in and the last visit's local day: those two
        // members are each site's own; every other byte is the same.
        let shownHere = try run(["--store", melbourne, "--json", "show", patient]), shownThere = try run(["--store", perth, "--json", "show", patient])
        #expect(shownHere.status == 0 && !shownHere.stdout.isEmpty)
        var here = try json(shownHere.stdout).objectValue ?? [:], there = try json(shownThere.stdout).objectValue ?? [:]
        #expect(here["timeZone"] == "Australia/Melbourne" && there["timeZone"] == "Australia/Perth")
        #expect(here["lastVisitDate"] == "2026-11-27" && there["lastVisitDate"] == "2026-11-26")
        for local in ["timeZone", "lastVisitDate"] { (here[local], there[local]) = (nil, nil) }
        #expect(!here.isEmpty && JSONValue.object(here).canonicalString == JSONValue.object(there).canonicalString)
    }
}
