import EventLog
import Foundation
import GRDB
import Testing
import MyologTestSupport
import EventModel

/// Access auditing end to end, with the built binary: every command that shows patient data
/// (enumerated from the CLI's own command list, so a new command must be classified here)
/// records exactly one access before it prints; refusals and bad input; fail-closed reads when
/// the record cannot be written; records sync and every site answers `audit` alike.
@Suite("Access audit (CLI)")
struct AuditCLITests {
    let scratch = TemporaryDirectory("audit")

    func run(_ arguments: [String], _ environment: [String: String] = [:]) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(arguments, environment: MyologProcess.environment(environment))
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result
    }

    /// The access records of `store`, oldest first, as stored (payload members and the author).
    func accesses(_ store: String) throws -> [[String: JSONValue]] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            try Row.fetchAll(db, sql: "SELECT author, payload FROM events WHERE type = 'RecordAccessed' ORDER BY position").map { row in
                var members = try JSONParser.parse(row["payload"] as String).objectValue ?? [:]
                members["author"] = .string(row["author"])
                return members
            }
        }
    }

    func count(_ store: String) throws -> Int {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") ?? 0 }
    }

    /// Every leaf command of the CLI, from its own description (`--experimental-dump-help`).
    func leafCommands() throws -> [String] {
        let dump = try run(["--experimental-dump-help"]).stdout
        var leaves: [String] = []
        func walk(_ command: [String: JSONValue], _ path: [String]) {
            let name = command["commandName"]?.stringValue ?? ""
            let here = path + [name]
            let subcommands = command["subcommands"]?.arrayValue ?? []
            if subcommands.isEmpty { leaves.append(here.dropFirst().joined(separator: " ")) }
            for sub in subcommands { if let object = sub.objectValue { walk(object, here) } }
        }
        walk(try #require(JSONParser.parse(dump).objectValue?["command"]?.objectValue), [])
        return leaves
    }

    /// What each command that shows patient data records: how to run it, the action, and whose
    /// data ("one": the patient given; "all": every patient of the store; "event": the entry's).
    static let audited: [String: (arguments: [String], action: String, patients: String)] = [
        "show": (["show", "$P"], "read", "one"),
        "timeline": (["timeline", "$P"], "read", "one"),
        "history": (["history", "$E"], "read", "one"),
        "log": (["log", "--patient", "$P"], "read", "one"),
        "patients": (["patients"], "query", "all"),
        "conflicts": (["conflicts"], "query", "conflicted"),
        "query": (["query", "SELECT patient, name FROM patient_summary"], "query", "all"),
        "export fhir": (["export", "fhir", "$P", "--out", "$OUT/one.json"], "export", "one"),
        "report": (["report", "$P", "--out", "$OUT/report.html"], "report", "one"),
        "bundle export": (["bundle", "export", "--out", "$OUT/all.myolog"], "disclosure", "all"),
        "backup": (["backup", "--out", "$OUT/store.backup", "--passphrase-file", "$OUT/passphrase"], "export", "all"),
        "sync": (["sync", "$PEER"], "disclosure", "all"),
        "retention due": (["retention", "due", "--as-of", "2060-01-01"], "query", "all"),
    ]

    /// Commands that show no patient data, each with the reason.
    static let exempt: [String: String] = [
        "patient register": "a write: the event records who", "patient update": "a write", "visit start": "a write", "visit end": "a write",
        "record history": "a write", "record trigger-point": "a write", "record technique": "a write", "record pain": "a write",
        "resolve": "a write", "correct": "a write", "retract": "a write",
        "record note": "a write", "record consent": "a write", "record precaution": "a write", "record adverse-event": "a write",
        "record measurement": "a write", "record outcome": "a write",
        "outcome instruments": "the instruments only",
        "erase": "a write; `erase --due` without --yes lists, and is recorded (see the retention test)",
        "vocabulary": "the vocabularies only",
        "serve": "records each sync's disclosures when it ends (checked by the HTTP relay test)",
        "ui": "a server: records every page view (checked by the viewer test)",
        "bundle import": "prints counts only",
        "peer list": "nodes only", "peer add": "trust, a write", "peer remove": "trust, a write", "tls-identity": "the node's certificate",
        "forks list": "quarantined envelopes, payloads sealed", "forks decide": "a write",
        "verify": "checks and counts only",
        "status": "machines, counts and times only; the retention count is read from the views, no patient is shown",
        "audit list": "the access log (identifiers only)", "audit review": "the access log", "audit export fhir": "the access log",
        "retention policy": "the policy", "retention hold": "a write", "retention release": "a write",
        "init": "a new store", "restore": "a new store from a backup; prints counts only (the backup recorded its export)", "id": "the node", "site time-zone": "the site's zone; a write", "site late-entry": "the store's rule; a write", "visit sign": "a write", "cosign": "a write", "site time-zones": "the zone database's names", "rebuild": "prints counts only",
        "demo sites": "its own synthetic stores", "demo tour": "its own synthetic store", "demo generate": "its own synthetic store",
        "help": "help",
        "user list": "the store's users: names, roles, public keys", "user add": "a write", "user role": "a write", "user remove": "a write",
        "user key create": "the person's own key file", "user key show": "the person's public key", "user key rotate": "a write",
        "user roles": "the permission table",
        // The hub needs a PostgreSQL server: its reads are audited, and checked by the hub tests.
        "hub init": "a new hub", "hub verify": "checks and counts only",
        "hub show": "audited (one read): checked against a real server by HubCLITests",
        "hub patients": "audited (one query): checked against a real server by HubCLITests",
        "hub adverse-events": "counts per technique and site from the de-identified views; names no patient",
        "hub outcomes": "counts and medians per site and technique from the de-identified views; names no patient",
        "hub sync": "audited (a disclosure each way): checked against a real server by HubCLITests",
        "hub import": "stores what a bundle brings; the disclosure is recorded by the site that exported it",
        "hub serve": "records each sync's disclosures when it ends, as serve does",
    ]

    @Test("every command that shows patient data records exactly one access — user, action, patients, purpose — before it prints; every other command is classified")
    func everyCommandRecords() throws {
        let store = scratch.path("clinic"), peer = scratch.path("peer"), out = scratch.path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: out + "/passphrase", contents: Data("correct horse battery staple\n".utf8), attributes: [.posixPermissions: 0o600])
        _ = try run(["demo", "tour", "--store", store])
        _ = try run(["--store", peer, "init", "--site", "Peer"])
        try MyologProcess.trustEachOther(store, peer)
        let all = try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT patient FROM patient_summary ORDER BY patient") }
        let conflicted = try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT DISTINCT patient FROM field_conflicts ORDER BY patient") }
        let patient = all[0]
        let entry = try #require(try DatabaseQueue(path: store + "/myolog.sqlite").read {
            try String.fetchOne($0, sql: "SELECT id FROM events WHERE patient = ? AND type = 'PainScoreRecorded' LIMIT 1", arguments: [patient])
        })

        let leaves = Set(try leafCommands())
        let classified = Set(Self.audited.keys).union(Self.exempt.keys)
        #expect(leaves.subtracting(classified).isEmpty, "commands not classified as audited or exempt: \(leaves.subtracting(classified).sorted())")
        #expect(classified.subtracting(leaves).isEmpty, "classified commands that no longer exist: \(classified.subtracting(leaves).sorted())")

        for (name, plan) in Self.audited.sorted(by: { $0.key < $1.key }) {
            let before = try accesses(store).count
            let arguments = plan.arguments.map {
                $0.replacingOccurrences(of: "$PEER", with: peer).replacingOccurrences(of: "$OUT", with: out)
                    .replacingOccurrences(of: "$P", with: patient).replacingOccurrences(of: "$E", with: entry)
            }
            let result = try MyologProcess.run(["--store", store, "--as", "auditee", "--purpose", "operations"] + arguments)
            #expect(result.status == 0, "\(name): \(result.stderr)")
            let after = try accesses(store)
            #expect(after.count == before + 1, "\(name) recorded \(after.count - before) accesses")
            guard let record = after.last else { continue }
            let expected: [String] = switch plan.patients {
            case "one": [patient]
            case "conflicted": conflicted
            default: all
            }
            #expect(record["author"] == .string("auditee"), "\(name)")
            #expect(record["action"] == .string(plan.action), "\(name): \(record)")
            #expect(record["purpose"] == .string("operations"), "\(name)")
            #expect(record["outcome"] == .string("success"), "\(name)")
            #expect(record["patients"]?.arrayValue?.compactMap(\.stringValue) == expected, "\(name): \(record)")
            #expect(record.keys.allSatisfy { ["action", "command", "patients", "purpose", "outcome", "detail", "statement", "rows", "peer", "author"].contains($0) })
        }
        // An unknown patient identifies nobody: refused, nothing recorded. An identified patient
        // whose record cannot be shown is recorded as refused.
        let before = try count(store)
        let unknown = try MyologProcess.run(["--store", store, "--as", "auditee", "show", "ffffffff"])
        #expect(unknown.status != 0 && unknown.stdout.isEmpty)
        #expect(try count(store) == before)
        let then = try MyologProcess.run(["--store", store, "--as", "auditee", "show", patient, "--as-of", "1990-01-01"])
        #expect(then.status != 0 && then.stdout.isEmpty, "\(then.stdout)")
        let refused = try #require(try accesses(store).last)
        #expect(refused["outcome"] == .string("refused") && refused["patients"]?.arrayValue?.compactMap(\.stringValue) == [patient], "\(refused)")
    }

    @Test("query: no literal of a statement is kept (a name erased later stays in no file); an alias or an expression cannot hide whose rows were read — issue 29")
    func queryAttribution() throws {
        let store = scratch.path("query")
        _ = try run(["demo", "tour", "--store", store])
        let all = try #require(DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT patient FROM patient_summary ORDER BY patient") })
        let mia = try #require(DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchOne($0, sql: "SELECT patient FROM patient_summary WHERE name = 'Mia Thompson'") })
        func recorded(_ sql: String) throws -> [String: JSONValue] {
            _ = try run(["--store", store, "query", sql])
            return try #require(try accesses(store).last)
        }
        func patients(_ access: [String: JSONValue]) -> [String] { access["patients"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        // Literals, aliases and comments are never kept: the shape and its hash are.
        let named = try recorded("SELECT patient, name FROM patient_summary WHERE name = 'Mia Thompson' /* Wimblethwaite */ -- Theodora")
        #expect(named["statement"]?.stringValue == "SELECT patient , name FROM patient_summary WHERE name = ?", "\(named)")
        #expect(named["detail"]?.stringValue?.contains("sha256:") == true)
        #expect(patients(named) == [mia], "one row, provably Mia's")
        let aliased = try recorded("SELECT 'Wimblethwaite' AS Theodora, patient AS pid, name FROM patient_summary")
        #expect(aliased["statement"]?.stringValue == "SELECT ? AS ? , patient AS ? , name FROM patient_summary")
        #expect(patients(aliased) == all, "patient AS pid is still the patient column: every row's patient")
        // What cannot be attributed row by row is a read of every patient the table holds.
        for sql in ["SELECT name AS patient FROM patient_summary",
                    "SELECT patient, group_concat(name) FROM patient_summary",
                    "SELECT p.patient, q.name FROM patient_summary p JOIN patient_summary q ON q.patient != p.patient WHERE p.patient = '\(mia)'",
                    "SELECT patient, (SELECT name FROM patient_summary q WHERE q.patient != p.patient LIMIT 1) FROM patient_summary p WHERE patient = '\(mia)'",
                    "SELECT technique, count(*) FROM techniques GROUP BY technique"] {
            let access = try recorded(sql)
            #expect(patients(access) == all, "\(sql): \(patients(access).count) of \(all.count)")
            #expect(access["detail"]?.stringValue?.contains("not attributable") == true)
        }
        #expect(patients(try recorded("SELECT count(*) FROM nodes")).isEmpty, "no patient table read")
        // EXPLAIN is accepted; whose rows it shows cannot be proved, so it reads every patient.
        #expect(patients(try recorded("EXPLAIN SELECT patient, name FROM patient_summary")) == all)
        // No file of the store holds the literals (the WAL checkpointed or not).
        for file in try FileManager.default.contentsOfDirectory(atPath: store) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: store + "/" + file))
            for token in ["Wimblethwaite", "Theodora"] {
                #expect(bytes.range(of: Data(token.utf8)) == nil, "\(token) in \(file)")
            }
        }
        // audit --patient lists the aliased read under Mia.
        let audit = try run(["--store", store, "audit", "--patient", mia, "--json"]).stdout
        #expect(audit.contains("SELECT name AS patient FROM patient_summary"))
    }

    @Test("audit shows the signed access records, not the access_log rows: a row deleted or edited in the file changes nothing shown; an altered record refuses in one line — issue 29")
    func auditReadsSignedRecords() throws {
        let store = scratch.path("audited")
        _ = try run(["demo", "tour", "--store", store])
        let patient = try #require(DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchOne($0, sql: "SELECT patient FROM patient_summary ORDER BY patient") })
        _ = try run(["--store", store, "--as", "jo", "show", patient])
        let before = try run(["--store", store, "audit", "--patient", patient, "--json"]).stdout
        #expect(before.contains(#""user":"jo""#))
        // Jo's read removed from the projection, another user's renamed: audit shows what was signed.
        try DatabaseQueue(path: store + "/myolog.sqlite").write { db in
            try db.execute(sql: "DELETE FROM access_log WHERE user = 'jo'")
            try db.execute(sql: "UPDATE access_log SET user = 'nobody'")
        }
        #expect(try run(["--store", store, "audit", "--patient", patient, "--json"]).stdout == before)
        // The record itself altered (its hash no longer recomputes): refused, nothing shown.
        try DatabaseQueue(path: store + "/myolog.sqlite").write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: "UPDATE events SET author = 'nobody' WHERE type = 'RecordAccessed' AND author = 'jo'")
        }
        let altered = try MyologProcess.run(["--store", store, "audit", "--patient", patient])
        #expect(altered.status != 0 && altered.stdout.isEmpty && altered.stderr.contains("do not check against their signed chains"), "\(altered.stdout)\(altered.stderr)")
        #expect(altered.stderr.split(separator: "\n").count == 1)
    }

    @Test("bad input: a read without a user, an unknown purpose, audit with a malformed date, an unknown action or hours — one line naming the field, non-zero exit, nothing shown or written", arguments: [
        (["show", "$P"], "as:", ["MYOLOG_USER": ""]),
        (["--purpose", "curiosity", "show", "$P"], "purpose:", [:]),
        (["audit", "--since", "last tuesday"], "since:", [:]),
        (["audit", "--until", "2026-13-40"], "until:", [:]),
        (["audit", "--action", "peek"], "action:", [:]),
        (["audit", "review", "--hours", "20:00-07:00"], "hours:", [:]),
        (["audit", "review", "--time-zone", "Mars/Olympus"], "time-zone:", [:]),
        (["audit", "--csv", "--json"], "csv:", [:]),
    ] as [([String], String, [String: String])])
    func badInput(arguments: [String], field: String, environment: [String: String]) throws {
        let store = scratch.path("store")
        _ = try run(["demo", "tour", "--store", store])
        let patient = try #require(try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchOne($0, sql: "SELECT patient FROM patient_summary") })
        let before = try count(store)
        let result = try MyologProcess.run(["--store", store] + arguments.map { $0 == "$P" ? patient : $0 }, environment: MyologProcess.environment(environment))
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty, "\(result.stdout)")
        #expect(result.stderr.hasPrefix("myolog: error: \(field)") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try count(store) == before)
    }

    @Test("a full disk (a real tmpfs, filled): the read fails closed in one line, nothing shown, the store intact; with room again it is shown and recorded")
    func failsClosed() throws {
        let source = scratch.path("source"), disk = scratch.path("disk")
        _ = try run(["demo", "tour", "--store", source])
        #expect(try MyologProcess.run(["sqlite3", source + "/myolog.sqlite", "PRAGMA wal_checkpoint(TRUNCATE)"], executable: URL(fileURLWithPath: "/usr/bin/env")).status == 0)
        for file in ["-wal", "-shm"].map({ source + "/myolog.sqlite" + $0 }) where FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
        let patient = try #require(try DatabaseQueue(path: source + "/myolog.sqlite").read { try String.fetchOne($0, sql: "SELECT patient FROM patient_summary") })
        // A small filesystem of its own (the suite runs as root, as CI does).
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mounted = try MyologProcess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk], executable: URL(fileURLWithPath: "/usr/bin/env"))
        try #require(mounted.status == 0, "this test needs to mount a tmpfs (root): \(mounted.stderr)")
        defer { _ = try? MyologProcess.run(["umount", disk], executable: URL(fileURLWithPath: "/usr/bin/env")) }
        let store = disk + "/store"
        try FileManager.default.copyItem(atPath: source, toPath: store)
        let before = try count(store)
        // Filled to its last 32 KiB: room for SQLite's shared-memory index (opening, reading),
        // none for a single frame of the write-ahead log (any write).
        func free() throws -> Int {
            var info = statvfs()
            guard statvfs(disk, &info) == 0 else { throw CocoaError(.fileReadUnknown) }
            return Int(info.f_bavail) * Int(info.f_frsize)
        }
        let filled = try MyologProcess.run(["fallocate", "-l", String(try free() - 32_768), disk + "/filler"], executable: URL(fileURLWithPath: "/usr/bin/env"))
        let left = try free()
        #expect(filled.status == 0 && left == 32_768, "\(left) bytes left: \(filled.stderr)")
        let full = try MyologProcess.run(["--store", store, "--as", "alex", "show", patient])
        #expect(full.status == 1, "\(full.status) \(full.stderr)")
        #expect(full.stdout.isEmpty, "nothing shown: \(full.stdout)")
        #expect(full.stderr.hasPrefix("myolog: error: audit: this access could not be recorded, so nothing is shown") && full.stderr.contains("full")
                && full.stderr.split(separator: "\n").count == 1, "\(full.stderr)")
        try FileManager.default.removeItem(atPath: disk + "/filler")
        #expect(try count(store) == before)
        #expect(try run(["--store", store, "verify"]).stdout.contains("Views: ok"))
        // With room again, the same read is shown and recorded.
        #expect(try !run(["--store", store, "--as", "alex", "show", patient]).stdout.isEmpty)
        #expect(try count(store) == before + 1)
    }

    @Test("access records sync like any other event: after syncing, audit --json is byte-identical at both sites, and review agrees")
    func converges() throws {
        let a = scratch.path("a"), b = scratch.path("b")
        _ = try run(["demo", "tour", "--store", a])
        _ = try run(["--store", b, "init", "--site", "Brunswick"])
        try MyologProcess.trustEachOther(a, b)
        _ = try run(["--store", b, "sync", a])
        let patient = try #require(try DatabaseQueue(path: a + "/myolog.sqlite").read { try String.fetchOne($0, sql: "SELECT patient FROM patient_summary") })
        _ = try run(["--store", a, "--as", "alex", "show", patient])
        _ = try run(["--store", b, "--as", "jo", "--purpose", "payment", "timeline", patient])
        _ = try run(["--store", b, "--as", "jo", "patients"])
        // Two rounds: the second carries the records the first one wrote.
        _ = try run(["--store", a, "sync", b])
        _ = try run(["--store", a, "sync", b])
        let atA = try run(["--store", a, "--json", "audit"]).stdout, atB = try run(["--store", b, "--json", "audit"]).stdout
        #expect(atA == atB)
        let entries = try JSONParser.parse(atA.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest
        for (view, text) in [("audit", atA), ("audit-review", try run(["--store", a, "--json", "audit", "review", "--hours", "00:00-00:01"]).stdout)] {
            let file = scratch.path("\(view).json")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let checked = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-view.py").path, view, file],
                                                executable: SchemaValidationTests.python)
            #expect(checked.status == 0, "\(view): \(checked.stdout)\(checked.stderr)")
        }
        let sites = Set(entries.compactMap { $0.objectValue?["site"]?.stringValue })
        #expect(sites.isSuperset(of: ["Brunswick"]) && sites.count >= 2, "\(sites)")
        let mine = try run(["--store", a, "--json", "audit", "--patient", patient, "--user", "jo"]).stdout
        let jo = try JSONParser.parse(mine.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest
        #expect(jo.map { $0.objectValue?["command"]?.stringValue } == ["timeline", "patients"])
        #expect(jo.first?.objectValue?["purpose"] == .string("payment"))
        #expect(try run(["--store", a, "--json", "audit", "review", "--time-zone", "UTC"]).stdout == run(["--store", b, "--json", "audit", "review", "--time-zone", "UTC"]).stdout)
        let csv = try run(["--store", b, "audit", "--csv", "--action", "read"]).stdout
        #expect(csv.hasPrefix("at,user,role,site,node,action,command,patient,purpose,outcome,detail,rows,peer,event\r\n"))
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 3, "a header, alex's show and jo's timeline: \(csv)")
        #expect(try run(["--store", a, "verify"]).status == 0)
        // Removing who read what is tampering like any other: the operator who rewrites an access
        // record (here: jo's user name, in place) is caught by verify.
        try DatabaseQueue(path: b + "/myolog.sqlite").write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: "UPDATE events SET author = 'nobody' WHERE type = 'RecordAccessed' AND author = 'jo'")
        }
        let caught = try MyologProcess.run(["--store", b, "verify"])
        #expect(caught.status == 1 && caught.stdout.contains("hash does not match"), "\(caught.stdout)\(caught.stderr)")
        // The FHIR AuditEvents, checked by fhir.resources.
        _ = try run(["--store", a, "audit", "export", "fhir", "--out", scratch.path("fhir")])
        let check = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-fhir.py").path, scratch.path("fhir/audit-events.json")],
                                          executable: SchemaValidationTests.python)
        #expect(check.status == 0 && check.stdout.contains("AuditEvent \(Set(entries.compactMap { $0.objectValue?["event"]?.stringValue }).count)"), "\(check.stdout)\(check.stderr)")
    }
}
