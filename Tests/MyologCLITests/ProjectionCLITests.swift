import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

@Suite("myolog views")
struct ProjectionCLITests {
    let scratch = TemporaryDirectory("cli")

    func demoStore() throws -> String {
        let store = scratch.path("demo")
        let demo = try MyologProcess.run(["demo", "tour", "--store", store])
        #expect(demo.status == 0, "\(demo.stderr)")
        return store
    }

    /// The log and every projection table, for "nothing changed".
    func everything(_ store: String) throws -> [String] {
        let db = try DatabaseQueue(path: store + "/myolog.sqlite")
        return try db.read { db in
            try ["events", "patient_summary", "pain_scores", "trigger_points", "techniques", "history_entries", "visits", "field_conflicts"].flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1").map { "\(table) \($0)" }
            }
        }
    }

    func json(_ arguments: [String], store: String) throws -> JSONValue {
        let result = try MyologProcess.run(["--store", store, "--json"] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `json` of a view that prints an array: anything else fails the test where it is called
    /// (a changed shape must not end the test early and pass).
    func array(_ arguments: [String], store: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [JSONValue] {
        try #require(try json(arguments, store: store).arrayValue, "\(arguments) did not print a JSON array", sourceLocation: sourceLocation)
    }

    @Test("patients, show, timeline, history and conflicts over the demo store; rebuild changes no byte")
    func views() throws {
        let store = try demoStore()
        let patients = try array(["patients"], store: store)
        #expect(patients.count == 4)
        let names = patients.compactMap { $0.objectValue?["name"]?.stringValue }
        #expect(names == ["Aiko Tanaka", "Liam O'Connor", "Mia Thompson", "Ruth Nguyen"])
        let found = try array(["patients", "--search", "THOMP"], store: store)
        #expect(found.count == 1)
        let ruth = try #require(patients[3].objectValue?["patientId"]?.stringValue)
        let shown = try MyologProcess.run(["--store", store, "show", ruth, "--json"]).stdout
        let view = try JSONParser.parse(shown.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(view.objectValue?["details"]?.objectValue?["phone"] == "03 9555 0303")
        #expect(view.objectValue?["painTrend"]?.objectValue?["clinicallyMeaningful"] == .bool(true))
        // The retracted dry needling is gone from the view but stays, marked, in the timeline.
        let techniques = view.objectValue?["techniques"]?.canonicalString ?? ""
        #expect(!techniques.contains("dry-needling"))
        let timeline = try array(["timeline", ruth], store: store)
        let retracted = timeline.compactMap(\.objectValue).filter { $0["status"] == "retracted" }
        #expect(retracted.count == 1)
        #expect(retracted.first?["amendments"]?.canonicalString.contains("patient declined needling") == true)
        let history = try json(["history", retracted[0]["eventId"]!.stringValue!], store: store)
        #expect(history.objectValue?["status"] == "retracted")
        #expect(try json(["conflicts"], store: store) == .array([]))
        let human = try MyologProcess.run(["--store", store, "show", String(ruth.prefix(8))])
        // Ruth's QL point is active, her erector spinae point latent: shown apart, counted apart.
        #expect(human.stdout.contains("Active trigger points (1)") && human.stdout.contains("Latent trigger points (1)"), "\(human.stdout)")
        let latentSection = human.stdout.components(separatedBy: "Latent trigger points (1)").last ?? ""
        #expect(latentSection.prefix(200).contains("Erector spinae"), "\(human.stdout)")
        let rows = try array(["patients"], store: store)
        let ruthRow = rows.compactMap(\.objectValue).first { $0["patientId"]?.stringValue == ruth }
        #expect(ruthRow?["activeTriggerPoints"] == .int(1) && ruthRow?["latentTriggerPoints"] == .int(1))
        #expect(human.stdout.contains("clinically meaningful improvement"))
        // Rebuild from the log: byte-identical views.
        let before = try everything(store)
        let rebuilt = try MyologProcess.run(["--store", store, "rebuild"])
        #expect(rebuilt.status == 0 && rebuilt.stdout.contains("Rebuilt"))
        #expect(try everything(store) == before)
        #expect(try MyologProcess.run(["--store", store, "show", ruth, "--json"]).stdout == shown)
    }

    @Test("every --json view validates against Schemas/views with Python jsonschema; a broken one does not")
    func viewSchemas() throws {
        let store = try demoStore()
        func check(_ view: String, _ arguments: [String]) throws -> MyologProcess.Result {
            let output = try MyologProcess.run(["--store", store, "--json"] + arguments)
            let file = scratch.path("\(view)-\(UUID().uuidString).json")
            try output.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            return try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-view.py").path, view, file],
                                         executable: SchemaValidationTests.python)
        }
        #expect(try check("patients", ["patients"]).status == 0)
        #expect(try check("conflicts", ["conflicts"]).status == 0)
        let patients = try array(["patients"], store: store)
        for patient in patients.compactMap({ $0.objectValue?["patientId"]?.stringValue }) {
            let show = try check("show", ["show", patient])
            #expect(show.status == 0, "\(show.stdout)")
            let timeline = try check("timeline", ["timeline", patient])
            #expect(timeline.status == 0, "\(timeline.stdout)")
        }
        let lines = try array(["timeline", patients[0].objectValue!["patientId"]!.stringValue!], store: store)
        #expect(try check("history", ["history", lines[1].objectValue!["eventId"]!.stringValue!]).status == 0)
        // Not a rubber stamp: a show document with an impossible score fails.
        let broken = scratch.path("broken.json")
        let shown = try MyologProcess.run(["--store", store, "--json", "show", patients[1].objectValue!["patientId"]!.stringValue!]).stdout
        try shown.replacingOccurrences(of: "\"score\":3", with: "\"score\":11").write(toFile: broken, atomically: true, encoding: .utf8)
        let refused = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-view.py").path, "show", broken],
                                            executable: SchemaValidationTests.python)
        #expect(refused.status != 0, "\(refused.stdout)")
    }

    @Test("query answers read-only SQL as a table, JSON or CSV")
    func query() throws {
        let store = try demoStore()
        let result = try json(["query", "SELECT name, latestPainScore AS pain FROM patient_summary ORDER BY name LIMIT 2"], store: store)
        #expect(result == [["name": "Aiko Tanaka", "pain": 5], ["name": "Liam O'Connor", "pain": 3]])
        let csv = try MyologProcess.run(["--store", store, "query", "--csv", "SELECT 'a,b' AS x, 1 AS y"])
        #expect(csv.stdout == "x,y\r\n\"a,b\",1\r\n")
        let table = try MyologProcess.run(["--store", store, "query", "SELECT count(*) AS n FROM events"])
        #expect(table.stdout.contains("(1 row)"))
    }

    @Test("--as-of before a patient existed, and --at-clock of the enrolment only, find nothing")
    func timeTravel() throws {
        let store = try demoStore()
        let past = try array(["patients", "--as-of", "2000-01-01T00:00:00Z"], store: store)
        #expect(past.isEmpty)
        let node = try json(["id"], store: store).objectValue!["nodeId"]!.stringValue!
        let atClock = try array(["patients", "--at-clock", "{\"\(node)\":1}"], store: store)
        #expect(atClock.isEmpty)
        let all = try array(["patients", "--at-clock", "{\"\(node)\":1000}"], store: store)
        #expect(all.count == 4)
        // The store's own clock, as `id --json` prints it, covers everything.
        let clock = try json(["id"], store: store).objectValue!["clock"]!.canonicalString
        let atOwnClock = try array(["patients", "--at-clock", clock], store: store)
        #expect(atOwnClock == all)
    }

    @Test("bad time-travel and audit input: one line, non-zero exit, store unchanged", arguments: [
        (["patients", "--as-of", "yesterday"], "as-of"),
        (["patients", "--as-of", "2026-02-30T00:00:00Z"], "as-of"),
        (["patients", "--at-clock", "{not json"], "at-clock"),
        (["patients", "--at-clock", "{\"abc\":1}"], "at-clock"),
        (["patients", "--at-clock", "{\"aaaaaaaaaaaaaaaa\":-1}"], "at-clock"),
        (["patients", "--as-of", "2026-01-01", "--at-clock", "{}"], "as-of"),
        (["history", "ffffffff-ffff-7fff-bfff-ffffffffffff"], "event"),
        (["history", "abc"], "id"),
        (["show", "ffffffff"], "patient"),
        (["timeline", "ffffffff"], "patient"),
        (["query", "DELETE FROM patient_summary"], "query"),
        (["query", "UPDATE events SET author = 'x'"], "query"),
        (["query", "DROP TABLE pain_scores"], "query"),
        (["query", "SELECT 1; DELETE FROM events"], "query"),
        (["query", "SELEC name FROM patient_summary"], "query"),
        (["query", "INSERT INTO pain_scores SELECT * FROM pain_scores"], "query"),
        (["query", "ATTACH DATABASE '/tmp/myolog-attached.sqlite' AS other"], "query"),
    ])
    func badInput(arguments: [String], field: String) throws {
        let store = try demoStore()
        let before = try everything(store)
        let result = try MyologProcess.run(["--store", store] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("myolog: error: \(field)"), "\(result.stderr)")
        #expect(try everything(store) == before)
    }
}
