import EventModel
import Foundation
import MyologTestSupport
import Testing

/// `hub outcomes` and the README's outcome SQL: outcome measures compared across the chain from
/// the hub's de-identified rows, against a real PostgreSQL server and two sites that recorded
/// NDI baselines and reassessments around the techniques they applied.
@Suite("Hub: outcome measures per site and per technique across the chain", .serialized)
struct HubOutcomesCLITests {
    let scratch = TemporaryDirectory("hub-outcomes")
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @discardableResult
    func run(_ arguments: [String], _ cluster: PostgresCluster, status expected: Int32 = 0) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(["--as", "alex"] + arguments, environment: MyologProcess.environment(["PGPASSWORD": cluster.password]))
        #expect(result.status == expected, "myolog \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    /// Registers a patient at `store` with consent (dated before any entry) to dry needling and cupping; returns the id.
    func patient(_ name: String, at store: String, _ cluster: PostgresCluster) throws -> String {
        let id = try run(["--store", store, "patient", "register", "--name", name, "--dob", "1980-01-0\(name.count % 9 + 1)"], cluster).lastWord
        for technique in ["dry-needling", "cupping"] {
            try run(["--store", store, "record", "consent", id, "--for", technique, "--form", "written", "--risks", "Bruising, soreness", "--date", "2026-08-31 09:00"], cluster)
        }
        return id
    }

    /// An NDI answer set (`-` skips an item) of `context`, on `date` at 10:00 (UTC: the tests' zone).
    @discardableResult
    func ndi(_ patient: String, _ answers: String, _ context: String, on date: String, at store: String, _ cluster: PostgresCluster) throws -> String {
        try run(["--store", store, "record", "outcome", patient, "--instrument", "ndi", "--answers", answers, "--context", context, "--date", "\(date) 10:00",
                 "--note", "Reports NOTE-NOT-IN-PG"], cluster).lastWord
    }

    func technique(_ technique: String, _ patient: String, on date: String, at store: String, _ cluster: PostgresCluster) throws {
        try run(["--store", store, "record", "technique", patient, "--technique", technique, "--region", "neck", "--date", "\(date) 10:20"], cluster)
    }

    /// The verbatim text of `Tools/sql/NAME`, as the README prints it.
    static func sql(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("Tools/sql/\(name)"), encoding: .utf8)
    }

    @Test("two sites' NDI episodes reach the hub as de-identified rows (the course show gives; techniques of the episode; no answers, note, name or birth date); README's SQL and hub outcomes count them per site and per technique with exact medians and MCID shares; an erasure takes the rows; hub verify passes")
    func outcomes() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        for file in ["outcomes-by-site.sql", "outcomes-by-technique.sql"] {
            #expect(readme.contains(try Self.sql(file).trimmingCharacters(in: .newlines)), "README shows \(file) as the tests run it")
        }
        let cluster = try PostgresCluster()
        let (carlton, fitzroy, hub) = (scratch.path("carlton"), scratch.path("fitzroy"), scratch.path("hub"))
        // Alex also answers for privacy at Carlton: the erasure at the end is theirs.
        try run(["--store", carlton, "init", "--site", "Carlton", "--role", "practice-manager", "--role", "therapist", "--role", "privacy-officer"], cluster)
        try run(["--store", fitzroy, "init", "--site", "Fitzroy"], cluster)
        try run(["--store", hub, "hub", "init", "--postgres", cluster.url(password: ""), "--site", "Head office"], cluster)
        try MyologProcess.trustEachOther(carlton, fitzroy, hub, as: "alex")

        // Carlton. Mia: 30 → 14 (−16) → discharged at 8 (−22, past the MCID of 7.5), dry needling
        // after the baseline and deep tissue massage between the reassessments.
        let (mia, noah) = (try patient("Mia Zyxwquorth", at: carlton, cluster), try patient("Noah Brown", at: carlton, cluster))
        try ndi(mia, "3,3,3,3,3,3,3,3,3,3", "baseline", on: "2026-09-01", at: carlton, cluster)
        try technique("dry-needling", mia, on: "2026-09-01", at: carlton, cluster)
        try ndi(mia, "2,2,2,2,1,1,1,1,1,1", "reassessment", on: "2026-09-29", at: carlton, cluster)
        try technique("deep-tissue-massage", mia, on: "2026-10-06", at: carlton, cluster)
        try ndi(mia, "1,1,1,1,1,1,1,1,0,0", "discharge", on: "2026-10-27", at: carlton, cluster)
        // Noah: 20 → 16/45 × 50 = 17.8 with an item skipped (−20/9, shown −2.2: short of the MCID),
        // cupping; an answer set recorded in error and retracted counts nowhere.
        try ndi(noah, "2,2,2,2,2,2,2,2,2,2", "baseline", on: "2026-09-02", at: carlton, cluster)
        try technique("cupping", noah, on: "2026-09-02", at: carlton, cluster)
        let mistaken = try ndi(noah, "0,0,0,0,0,0,0,0,0,0", "reassessment", on: "2026-09-15", at: carlton, cluster)
        try run(["--store", carlton, "retract", mistaken, "--reason", "Answers of another patient"], cluster)
        try ndi(noah, "2,2,2,2,2,2,2,1,1,-", "reassessment", on: "2026-09-30", at: carlton, cluster)
        // Fitzroy. Ava: two episodes — 40 → 26 (−14) with dry needling, then a new baseline 25 →
        // 15 (−10) with no technique since it; Zoe 10 → 11 (+1), no technique; Leo a baseline only
        // (no episode yet).
        let (ava, zoe, leo) = (try patient("Ava Wilson", at: fitzroy, cluster), try patient("Zoe King", at: fitzroy, cluster), try patient("Leo Park", at: fitzroy, cluster))
        try ndi(ava, "4,4,4,4,4,4,4,4,4,4", "baseline", on: "2026-09-03", at: fitzroy, cluster)
        try technique("dry-needling", ava, on: "2026-09-03", at: fitzroy, cluster)
        try ndi(ava, "3,3,3,3,3,3,2,2,2,2", "reassessment", on: "2026-10-01", at: fitzroy, cluster)
        try ndi(ava, "3,3,3,3,3,2,2,2,2,2", "baseline", on: "2026-10-15", at: fitzroy, cluster)
        try ndi(ava, "2,2,2,2,2,1,1,1,1,1", "reassessment", on: "2026-11-12", at: fitzroy, cluster)
        try ndi(zoe, "1,1,1,1,1,1,1,1,1,1", "baseline", on: "2026-09-05", at: fitzroy, cluster)
        try ndi(zoe, "1,1,1,1,1,1,1,1,1,2", "reassessment", on: "2026-10-03", at: fitzroy, cluster)
        try ndi(leo, "2,2,2,2,2,2,2,2,2,2", "baseline", on: "2026-09-04", at: fitzroy, cluster)

        try run(["--store", hub, "hub", "sync", carlton], cluster)
        try run(["--store", hub, "hub", "sync", fitzroy], cluster)

        // The rows: one per standing answer set, each with its episode's change as show gives it.
        func rows(_ patient: String) throws -> String {
            try cluster.psql("""
                SELECT o.context, o.occurred_on, o.score, o.change, o.mcid_reached, o.episode_end, o.techniques, o.therapist, n.site, o.instrument, o.version
                FROM myolog.outcome_scores o JOIN myolog.nodes n ON n.id = o.origin WHERE o.patient = '\(patient)' ORDER BY o.occurred_on
                """)
        }
        #expect(try rows(mia) == """
            baseline|2026-09-01|30.0|||f|{}|alex|Carlton|ndi|1
            reassessment|2026-09-29|14.0|-16.0|t|f|{dry-needling}|alex|Carlton|ndi|1
            discharge|2026-10-27|8.0|-22.0|t|t|{deep-tissue-massage,dry-needling}|alex|Carlton|ndi|1
            """)
        #expect(try rows(noah) == """
            baseline|2026-09-02|20.0|||f|{}|alex|Carlton|ndi|1
            reassessment|2026-09-30|17.8|-2.2|f|t|{cupping}|alex|Carlton|ndi|1
            """)
        #expect(try rows(ava) == """
            baseline|2026-09-03|40.0|||f|{}|alex|Fitzroy|ndi|1
            reassessment|2026-10-01|26.0|-14.0|t|t|{dry-needling}|alex|Fitzroy|ndi|1
            baseline|2026-10-15|25.0|||f|{}|alex|Fitzroy|ndi|1
            reassessment|2026-11-12|15.0|-10.0|t|t|{}|alex|Fitzroy|ndi|1
            """)
        #expect(try rows(leo) == "baseline|2026-09-04|20.0|||f|{}|alex|Fitzroy|ndi|1")
        // Each row names its episode's baseline: Ava's two episodes, each judged on its own baseline.
        #expect(try cluster.psql("SELECT count(DISTINCT baseline) || ' ' || count(*) FILTER (WHERE episode_end) FROM myolog.outcome_scores WHERE patient = '\(ava)'") == "2 2")
        // The latest row of Mia's course says what the site's show says of it.
        let shown = try JSONParser.parse(try run(["--store", carlton, "--json", "show", mia], cluster).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let course = try #require(shown.objectValue?["outcomeCourses"]?.arrayValue?.first?.objectValue)
        #expect(course["change"]?.stringValue == "-22.0" && course["reached"] == .bool(true), "\(course)")
        #expect(try cluster.psql("SELECT change || ' ' || mcid_reached FROM myolog.outcome_scores WHERE event = '\(course["latest"]?.objectValue?["eventId"]?.stringValue ?? "")'") == "-22.0 true")

        // De-identified: no column that names a patient, and none of the answers, the note or the name.
        let columns = try cluster.psql("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_schema = 'myolog' AND table_name = 'outcome_scores'")
        #expect(columns == "band,baseline,change,context,episode_end,event,instrument,mcid_reached,occurred_on,origin,patient,score,techniques,therapist,version", "\(columns)")
        let dump = try cluster.psql("SELECT string_agg(t::text, ' ') FROM myolog.outcome_scores t")
        #expect(dump.contains("reassessment") && !dump.contains("NOTE-NOT-IN-PG") && !dump.contains("Zyxwquorth") && !dump.contains("1980-") && !dump.contains("3,3,3"), "\(dump)")

        // README's SQL, verbatim from its files, against this hub: exact medians and shares.
        // Carlton: Mia −22.0 and Noah −2.2 → median −12.1, 1 of 2 past the MCID. Fitzroy: Ava −14.0
        // and −10.0, Zoe +1.0 → median −10, 2 of 3.
        #expect(try cluster.psql(Self.sql("outcomes-by-site.sql")) == """
            Carlton|ndi v1|2|2|-12.1|50.0
            Fitzroy|ndi v1|3|2|-10|66.7
            """)
        // Per technique: an episode under every technique between its baseline and its end.
        #expect(try cluster.psql(Self.sql("outcomes-by-technique.sql")) == """
            cupping|ndi v1|1|1|-2.2|0.0
            deep-tissue-massage|ndi v1|1|1|-22|100.0
            dry-needling|ndi v1|2|2|-18|100.0
            (none recorded)|ndi v1|2|2|-4.5|50.0
            """)
        // hub outcomes gives the same numbers.
        let json = try run(["--store", hub, "--json", "hub", "outcomes"], cluster).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(json == """
            {"bySite":[\
            {"episodes":2,"instrument":"ndi","judged":2,"medianChange":"-12.1","patients":2,"percentReached":"50.0","reached":1,"site":"Carlton","version":1},\
            {"episodes":3,"instrument":"ndi","judged":3,"medianChange":"-10","patients":2,"percentReached":"66.7","reached":2,"site":"Fitzroy","version":1}],\
            "byTechnique":[\
            {"episodes":1,"instrument":"ndi","judged":1,"medianChange":"-2.2","patients":1,"percentReached":"0.0","reached":0,"technique":"cupping","version":1},\
            {"episodes":1,"instrument":"ndi","judged":1,"medianChange":"-22","patients":1,"percentReached":"100.0","reached":1,"technique":"deep-tissue-massage","version":1},\
            {"episodes":2,"instrument":"ndi","judged":2,"medianChange":"-18","patients":2,"percentReached":"100.0","reached":2,"technique":"dry-needling","version":1},\
            {"episodes":2,"instrument":"ndi","judged":2,"medianChange":"-4.5","patients":2,"percentReached":"50.0","reached":1,"technique":null,"version":1}]}
            """)
        let text = try run(["--store", hub, "hub", "outcomes"], cluster).stdout
        #expect(text.contains("Carlton") && text.contains("NDI v1 (lower is better)") && text.contains("2 of 3 (66.7 %)") && text.contains("Dry needling")
                && text.contains("(none recorded)"), "\(text)")
        try run(["--store", hub, "hub", "verify"], cluster)

        // An erasure at the site takes the patient's rows at the hub, and the counts with them.
        try run(["--store", carlton, "erase", "--yes", mia, "--basis", "request", "--reason", "Written request"], cluster)
        try run(["--store", hub, "hub", "sync", carlton], cluster)
        #expect(try cluster.psql("SELECT count(*) FROM myolog.outcome_scores WHERE patient = '\(mia)'") == "0")
        #expect(try cluster.psql("SELECT count(*) FROM myolog.outcome_scores") == "9")
        #expect(try cluster.psql(Self.sql("outcomes-by-site.sql")) == """
            Carlton|ndi v1|1|1|-2.2|0.0
            Fitzroy|ndi v1|3|2|-10|66.7
            """)
        try run(["--store", hub, "hub", "verify"], cluster)
    }
}
