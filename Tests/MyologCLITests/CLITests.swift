import ClinicalEvents
import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

@Suite("myolog CLI")
struct CLITests {
    let scratch = TemporaryDirectory("cli")

    /// A store with one patient; returns (store path, patient id).
    func storeWithPatient() throws -> (String, String) {
        let store = scratch.path("store")
        let created = try MyologProcess.run(["--store", store, "init", "--site", "Fitzroy"])
        #expect(created.status == 0, "\(created.stderr)")
        let registered = try MyologProcess.run(["--store", store, "--as", "jo", "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"])
        #expect(registered.status == 0, "\(registered.stderr)")
        return (store, registered.lastWord)
    }

    /// Every stored row of the log, read with a plain SQLite connection, plus the row count.
    func logBytes(_ store: String) throws -> [String] {
        let db = try DatabaseQueue(path: store + "/myolog.sqlite")
        return try db.read { try Row.fetchAll($0, sql: "SELECT * FROM events ORDER BY position").map(\.description) }
    }

    @Test("the demo tour builds a store in a temporary directory and prints its events")
    func demoTour() throws {
        let result = try MyologProcess.run(["demo", "tour"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("4 patients"))
        #expect(result.stdout.contains("PainScoreRecorded"))
        #expect(result.stdout.contains("EntryRetracted"))
        #expect(result.stdout.contains("Explore it (each line runs as printed):"))
        let path = result.stdout.split(separator: "\n")[0].replacingOccurrences(of: "Demo store: ", with: "").split(separator: " ")[0]
        #expect(FileManager.default.fileExists(atPath: "\(path)/myolog.sqlite"))
        // The hints run as printed: they name this very binary, not a `myolog` that may not be on PATH.
        let hints = result.stdout.components(separatedBy: "Explore it (each line runs as printed):\n").last ?? ""
        let show = try #require(hints.split(separator: "\n").first { $0.contains(" show ") })
        let words = show.split(separator: " ").map(String.init)
        #expect(FileManager.default.isExecutableFile(atPath: words[0]) || words[0] == "myolog", "\(show)")
        let shown = try MyologProcess.run(Array(words.dropFirst()), environment: MyologProcess.environment(["MYOLOG_STORE": String(path)]),
                                          executable: URL(fileURLWithPath: words[0]))
        #expect(shown.status == 0 && shown.stdout.contains("Pain"), "\(shown.stderr)")
        try? FileManager.default.removeItem(atPath: String(path))
    }

    @Test("the default demo: two sites sync, a concurrent edit shows as a conflict and is resolved, views identical at both")
    func demoSites() throws {
        let dir = scratch.path("sites")
        let result = try MyologProcess.run(["demo", "--dir", dir])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 new field conflict"), "\(result.stdout)")
        #expect(result.stdout.contains("phone: shown"))
        #expect(result.stdout.contains("No conflicts."))
        #expect(result.stdout.contains("byte-identical at both: yes"))
        // The stores are real, and have people: the CLI agrees on both, read by a myotherapist
        // signed in with the key the demo made (as its hints say).
        #expect(result.stdout.contains("export XDG_CONFIG_HOME=\(dir)/config MYOLOG_USER=myo.sam"), "\(result.stdout)")
        let sam = MyologProcess.environment(["XDG_CONFIG_HOME": "\(dir)/config", "MYOLOG_USER": "myo.sam"])
        let shows = try ["carlton", "fitzroy"].map { site in try MyologProcess.run(["--store", "\(dir)/\(site)", "patients", "--json"], environment: sam).stdout }
        #expect(shows[0] == shows[1] && !shows[0].isEmpty)
        let conflicts = try ["carlton", "fitzroy"].map { site in try MyologProcess.run(["--store", "\(dir)/\(site)", "conflicts", "--json"], environment: sam).stdout }
        #expect(conflicts == ["[]\n", "[]\n"])
        let again = try MyologProcess.run(["demo", "--dir", dir])
        #expect(again.status != 0 && again.stderr.hasPrefix("myolog: error: dir: "), "\(again.stderr)")
    }

    @Test("a clinical session end to end: global options before or after the subcommand, ids as the last word, --json")
    func session() throws {
        let (store, patient) = try storeWithPatient()
        #expect(PatientID(patient) != nil)
        let env = MyologProcess.environment(["MYOLOG_STORE": store, "MYOLOG_USER": "alex"])
        let id = try MyologProcess.run(["id", "--json"], environment: env)
        let idJSON = try JSONParser.parse(id.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(idJSON.objectValue?["site"] == "Fitzroy")
        #expect(NodeID(idJSON.objectValue?["nodeId"]?.stringValue ?? "") != nil)
        let prefix = String(patient.prefix(8))
        let visit = try MyologProcess.run(["visit", "start", prefix, "--reason", "Neck pain"], environment: env)
        #expect(visit.status == 0 && EventID(visit.lastWord) != nil, "\(visit.stderr)")
        let tp = try MyologProcess.run(["--json", "record", "trigger-point", prefix, "--muscle", "Upper Trapezius", "--side", "right"], environment: env)
        let tpJSON = try JSONParser.parse(tp.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let tpID = try #require(tpJSON.objectValue?["eventId"]?.stringValue)
        #expect(EventID(tpID) != nil)
        for arguments in [
            ["record", "consent", prefix, "--for", "dry needling", "--form", "verbal"],
            ["record", "technique", prefix, "--technique", "dry needling", "--region", "neck", "--minutes", "10"],
            ["record", "pain", prefix, "--score", "7", "--region", "neck", "--context", "pre"],
            ["record", "history", prefix, "--kind", "occupation", "--text", "Nurse", "--ergonomics", "12 h shifts"],
            ["resolve", tpID, "--note", "gone"],
            ["visit", "end", prefix],
            ["patient", "update", prefix, "--phone", "0400 555 101"],
        ] {
            let result = try MyologProcess.run(arguments, environment: env)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(EventID(result.lastWord) != nil, "\(arguments): \(result.stdout)")
        }
        let pain = try MyologProcess.run(["log", "--patient", prefix, "--type", "PainScoreRecorded", "--json"], environment: env)
        let painEvents = try JSONParser.parse(pain.stdout)
        guard case .array(let events) = painEvents, let first = events.first?.objectValue else { Issue.record("no pain events: \(pain.stdout)"); return }
        #expect(events.count == 1)
        #expect(first["openedPayload"] == ["context": "pre", "region": "neck", "score": 7, "visit": .string(visit.lastWord)])
        #expect(first["payload"]?.objectValue?.keys.sorted() == ["sealed"], "stored sealed")
        let corrected = try MyologProcess.run(["correct", first["id"]!.stringValue!, "--score", "6", "--reason", "Re-rated"], environment: env)
        #expect(corrected.status == 0, "\(corrected.stderr)")
        let retracted = try MyologProcess.run(["--json", "retract", first["id"]!.stringValue!, "--reason", "Wrong patient"], environment: env)
        #expect(retracted.stdout.hasPrefix("{\"eventId\":"), "\(retracted.stderr)")
        let human = try MyologProcess.run(["log", "--patient", patient], environment: env)
        #expect(human.stdout.contains("active trigger point, right upper trapezius"))
        #expect(human.stdout.contains("retracted"))
        // NodeEnrolled, the site's time zone, registration and the eleven writes above; beside
        // them, each read's access record.
        #expect(try logBytes(store).filter { !$0.contains("RecordAccessed") }.count == 14)
        #expect(try logBytes(store).filter { $0.contains("RecordAccessed") }.count == 2, "the two `log` reads")
    }

    @Test("bad input: one line naming the field, non-zero exit, the log unchanged", arguments: CLIBadInput.cases)
    func badInput(_ bad: CLIBadInput) throws {
        let (store, patient) = try storeWithPatient()
        #expect(try MyologProcess.run(["--store", store, "--as", "alex", "record", "consent", patient, "--for", "cupping", "--form", "verbal"]).status == 0)
        let tp = try MyologProcess.run(["--store", store, "--as", "alex", "record", "technique", patient, "--technique", "cupping", "--region", "hip"])
        let retracted = try MyologProcess.run(["--store", store, "--as", "alex", "retract", tp.lastWord, "--reason", "error"])
        #expect(retracted.status == 0)
        let before = try logBytes(store)
        let arguments = bad.arguments.map { $0.replacingOccurrences(of: "$P", with: patient).replacingOccurrences(of: "$E", with: tp.lastWord) }
        let result = try MyologProcess.run(["--store", store] + (bad.withAuthor ? ["--as", "alex"] : []) + arguments,
                                           environment: MyologProcess.environment(bad.withAuthor ? [:] : ["MYOLOG_USER": ""]))
        #expect(result.status != 0, "\(bad.name) was accepted: \(result.stdout)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(bad.name): \(result.stderr)")
        #expect(result.stderr.hasPrefix("myolog: error: "), "\(bad.name): \(result.stderr)")
        #expect(result.stderr.contains(bad.field), "\(bad.name) should name \(bad.field): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try logBytes(store) == before, "\(bad.name) changed the log")
    }

    @Test("no store, init over a store, and a missing --store are refused with advice")
    func storeRefusals() throws {
        let missing = try MyologProcess.run(["--store", scratch.path("nowhere"), "log"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("myolog init --site"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("nowhere")))
        let noStore = try MyologProcess.run(["log"])
        #expect(noStore.status != 0 && noStore.stderr.contains("MYOLOG_STORE"))
        let (store, _) = try storeWithPatient()
        let before = try logBytes(store)
        let key = try Data(contentsOf: URL(fileURLWithPath: store + "/node.key"))
        let again = try MyologProcess.run(["--store", store, "init", "--site", "Other"])
        #expect(again.status != 0 && again.stderr.contains("already exists"))
        #expect(try logBytes(store) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/node.key")) == key)
    }

    @Test("a plain sqlite3 session cannot UPDATE or DELETE events")
    func sqlite3Refuses() throws {
        let (store, _) = try storeWithPatient()
        let before = try logBytes(store)
        let sqlite3 = URL(fileURLWithPath: "/usr/bin/sqlite3")
        try #require(FileManager.default.isExecutableFile(atPath: sqlite3.path), "sqlite3 is missing: .ci/run installs it (apt-get install sqlite3)")
        for sql in ["UPDATE events SET author = 'mallory';", "DELETE FROM events;", "INSERT OR REPLACE INTO events SELECT * FROM events WHERE position = 2;"] {
            let result = try MyologProcess.run([store + "/myolog.sqlite", sql], executable: sqlite3)
            #expect(result.status != 0, "\(sql)")
            #expect(result.stderr.contains("append-only"), "\(sql): \(result.stderr)")
        }
        #expect(try logBytes(store) == before)
    }

    @Test("every command's --help has a discussion with examples", arguments: [
        [], ["init"], ["id"], ["patient"], ["patient", "register"], ["patient", "update"], ["visit"], ["visit", "start"], ["visit", "end"],
        ["record"], ["record", "history"], ["record", "trigger-point"], ["record", "technique"], ["record", "pain"], ["resolve"],
        ["correct"], ["retract"], ["log"], ["demo"], ["demo", "sites"], ["demo", "tour"], ["demo", "generate"], ["vocabulary"],
        ["patients"], ["show"], ["timeline"], ["history"], ["conflicts"], ["rebuild"], ["query"], ["sync"], ["serve"],
        ["forks"], ["forks", "list"], ["forks", "decide"], ["verify"], ["bundle"], ["bundle", "export"], ["bundle", "import"], ["export"], ["export", "fhir"],
    ])
    func help(_ command: [String]) throws {
        let result = try MyologProcess.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"), "\(command)")
    }
}

/// One refused command line: `$P` is a registered patient's id, `$E` a retracted entry's id.
struct CLIBadInput: CustomStringConvertible, Sendable {
    let name: String
    let field: String
    let arguments: [String]
    var withAuthor = true
    var description: String { name }

    static let cases: [CLIBadInput] = [
        .init(name: "pain 11", field: "score", arguments: ["record", "pain", "$P", "--score", "11", "--region", "neck"]),
        .init(name: "pain -1", field: "score", arguments: ["record", "pain", "$P", "--score=-1", "--region", "neck"]),
        .init(name: "pain seven", field: "score", arguments: ["record", "pain", "$P", "--score", "seven", "--region", "neck"]),
        .init(name: "unknown technique", field: "technique", arguments: ["record", "technique", "$P", "--technique", "reiki", "--region", "neck"]),
        .init(name: "unknown muscle", field: "muscle", arguments: ["record", "trigger-point", "$P", "--muscle", "heart", "--side", "left"]),
        .init(name: "unknown region", field: "region", arguments: ["record", "pain", "$P", "--score", "3", "--region", "elbowpit"]),
        .init(name: "unknown history kind", field: "kind", arguments: ["record", "history", "$P", "--kind", "allergy", "--text", "nuts"]),
        .init(name: "unknown side", field: "side", arguments: ["record", "trigger-point", "$P", "--muscle", "QL", "--side", "middle"]),
        .init(name: "unknown context", field: "context", arguments: ["record", "pain", "$P", "--score", "3", "--region", "neck", "--context", "asleep"]),
        .init(name: "unknown status", field: "status", arguments: ["record", "trigger-point", "$P", "--muscle", "QL", "--side", "left", "--status", "dormant"]),
        .init(name: "unknown patient", field: "patient", arguments: ["record", "pain", "ffffffff", "--score", "3", "--region", "neck"]),
        .init(name: "short patient prefix", field: "id", arguments: ["record", "pain", "abc", "--score", "3", "--region", "neck"]),
        .init(name: "unknown event", field: "event", arguments: ["retract", "ffffffff-ffff-7fff-bfff-ffffffffffff", "--reason", "x"]),
        .init(name: "empty name", field: "name", arguments: ["patient", "register", "--name", "", "--dob", "1990-01-01"]),
        .init(name: "control-character name", field: "name", arguments: ["patient", "register", "--name", "Mia\u{1B}[2J", "--dob", "1990-01-01"]),
        .init(name: "future date of birth", field: "dob", arguments: ["patient", "register", "--name", "Mia", "--dob", "2999-01-01"]),
        .init(name: "not a date of birth", field: "dob", arguments: ["patient", "register", "--name", "Mia", "--dob", "12/04/1988"]),
        .init(name: "future --date", field: "date", arguments: ["record", "pain", "$P", "--score", "3", "--region", "neck", "--date", "2999-01-01"]),
        .init(name: "not a --date", field: "date", arguments: ["record", "pain", "$P", "--score", "3", "--region", "neck", "--date", "soon"]),
        .init(name: "text over 10,000 characters", field: "text", arguments: ["record", "history", "$P", "--kind", "illness", "--text", String(repeating: "x", count: 10_001)]),
        .init(name: "write without an author", field: "author", arguments: ["record", "pain", "$P", "--score", "3", "--region", "neck"], withAuthor: false),
        .init(name: "retracting a retracted entry", field: "event", arguments: ["retract", "$E", "--reason", "again"]),
        .init(name: "correcting a retracted entry", field: "event", arguments: ["correct", "$E", "--minutes", "5", "--reason", "x"]),
        .init(name: "correction without fields", field: "correct", arguments: ["correct", "$E", "--reason", "x"]),
        .init(name: "ending a visit that was never started", field: "visit", arguments: ["visit", "end", "$P"]),
        .init(name: "missing required option", field: "--score", arguments: ["record", "pain", "$P", "--region", "neck"]),
    ]
}
