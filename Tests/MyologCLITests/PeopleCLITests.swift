import EventCrypto
import EventLog
import EventModel
import EventSync
import Foundation
import GRDB
import MyologTestSupport
import Testing

/// Issue 33: people, not strings. Each person has their own Ed25519 key in their OS account's
/// configuration directory; every event they write names the role they wrote it in and is covered
/// by their signature; `--as NAME` without NAME's key writes nothing; sites receiving an event
/// check its author's signature against the user directory at that point in causal order.
/// Real processes, real stores, real files; the attacker uses `sqlite3` and a hand-built event.
@Suite("People: users, their own keys, author signatures")
struct PeopleCLITests {
    let scratch = TemporaryDirectory("people")

    /// Runs myolog as `user` (nil: no user), with people's keys in `keys` (default: the test run's).
    @discardableResult
    func run(_ arguments: [String], as user: String?, keys: String? = nil) throws -> MyologProcess.Result {
        var extra = ["MYOLOG_USER": user ?? ""]
        if let keys { extra["XDG_CONFIG_HOME"] = keys }
        return try MyologProcess.run(arguments, environment: MyologProcess.environment(extra))
    }

    /// A store founded by `founder`, whose key is made in this test's own key directory.
    func founded(_ name: String, by founder: String, keys: String) throws -> String {
        let store = scratch.path(name)
        let made = try run(["--store", store, "init", "--site", name, "--time-zone", "Australia/Melbourne", "--as", founder, "--display", founder.capitalized], as: nil, keys: keys)
        #expect(made.status == 0, "\(made.stderr)")
        return store
    }

    /// The public key `user key create` prints for `user` in `keys`.
    func createKey(_ user: String, keys: String) throws -> String {
        let made = try run(["--json", "user", "key", "create", "--as", user], as: nil, keys: keys)
        #expect(made.status == 0, "\(made.stderr)")
        return try #require(JSONParser.parse(made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["publicKey"]?.stringValue)
    }

    /// Everything a refusal must leave alone: every row of every table — but the node's record of
    /// its syncs (`sync_peers`), where a refused sync is recorded for `status` by design.
    func snapshot(_ store: String) throws -> String {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sync_peers' ORDER BY name").map { table in
                "\(table): " + (try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map(\.description).joined(separator: "|"))
            }.joined(separator: "\n")
        }
    }

    func checkLog(_ store: String, as user: String, keys: String) throws -> MyologProcess.Result {
        let log = scratch.path("log-\(UUID().uuidString).json")
        let printed = try run(["--store", store, "log", "--json"], as: user, keys: keys)
        #expect(printed.status == 0, "\(printed.stderr)")
        try printed.stdout.write(toFile: log, atomically: true, encoding: .utf8)
        return try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-log.py").path, log], executable: SchemaValidationTests.python)
    }

    @Test("init makes the founder's key (0600, in their configuration directory) and signs everything they write; check-log.py verifies it independently")
    func founderSignsEverything() throws {
        let keys = scratch.path("keys")
        let store = try founded("fitzroy", by: "alex", keys: keys)
        let keyFile = keys + "/myolog/users/alex.key"
        let mode = try #require(FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(!FileManager.default.fileExists(atPath: store + "/alex.key"), "a person's key never lives in the store")
        let listed = try run(["--store", store, "--json", "user", "list"], as: "alex", keys: keys)
        let users = try #require(JSONParser.parse(listed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValue)
        #expect(users.count == 1 && users[0].objectValue?["roles"] == .array(["practice-manager", "therapist"]))
        #expect(try run(["--store", store, "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"], as: "alex", keys: keys).status == 0)
        var log: [EventEnvelope] = []
        try EventStore.open(at: URL(fileURLWithPath: store)).read { try $0.forEachEvent { log.append($0) } }
        #expect(log.count >= 4)
        for event in log where event.type != SystemEventType.nodeEnrolled {
            #expect(event.author == "alex" && event.authorRole != nil, "\(event.type) names its author's role")
        }
        let checked = try checkLog(store, as: "alex", keys: keys)
        #expect(checked.status == 0 && checked.stdout.contains("author signatures verified"), "\(checked.stdout)\(checked.stderr)")
        let verified = try run(["--store", store, "verify"], as: "alex", keys: keys)
        #expect(verified.status == 0 && verified.stdout.contains("author signatures verified"), "\(verified.stdout)")
    }

    @Test("--as a person without their key, with another key, with a readable key, as nobody known or as no user name: one line each, nothing written")
    func asWithoutTheKeyIsRefused() throws {
        let keys = scratch.path("keys"), samsMachine = scratch.path("sams-machine")
        let store = try founded("fitzroy", by: "alex", keys: keys)
        let samKey = try createKey("sam", keys: samsMachine)
        #expect(try run(["--store", store, "user", "add", "sam", "--display", "Sam Lee", "--role", "therapist", "--key", samKey], as: "alex", keys: keys).status == 0)
        let before = try snapshot(store)
        let register = ["--store", store, "patient", "register", "--name", "Ava Jones", "--dob", "1990-01-02"]
        // Sam's key is on Sam's machine, not in this account.
        let noKey = try run(register, as: "sam", keys: keys)
        #expect(noKey.status != 0 && noKey.stderr.contains("no private key for \"sam\""), "\(noKey.stderr)")
        // A key at Sam's path that is not the one bound to Sam.
        _ = try createKey("sam", keys: keys)
        let otherKey = try run(register, as: "sam", keys: keys)
        #expect(otherKey.status != 0 && otherKey.stderr.contains("is not a key this store binds to \"sam\""), "\(otherKey.stderr)")
        // Sam's own key, readable by other OS users.
        let samFile = samsMachine + "/myolog/users/sam.key"
        #expect(chmod(samFile, 0o644) == 0)
        let readable = try run(register, as: "sam", keys: samsMachine)
        #expect(readable.status != 0 && readable.stderr.contains("mode 644"), "\(readable.stderr)")
        #expect(chmod(samFile, 0o600) == 0)
        let unknown = try run(register, as: "mallory", keys: keys)
        #expect(unknown.status != 0 && unknown.stderr.contains("no user \"mallory\""), "\(unknown.stderr)")
        let notAName = try run(register, as: "Sam Lee", keys: keys)
        #expect(notAName.status != 0 && notAName.stderr.contains("is not a user name"), "\(notAName.stderr)")
        for refusal in [noKey, otherKey, readable, unknown, notAName] {
            #expect(refusal.stderr.split(separator: "\n").count == 1, "one line: \(refusal.stderr)")
        }
        #expect(try snapshot(store) == before, "nothing written by any refusal")
        // With the right key, on Sam's machine: written, under Sam's signature.
        #expect(try run(register, as: "sam", keys: samsMachine).status == 0)
    }

    @Test("user commands refuse bad input in one line, nothing written: unknown role, existing user, a key that is not Ed25519, a non-manager, a removed user")
    func userCommandRefusals() throws {
        let keys = scratch.path("keys")
        let store = try founded("fitzroy", by: "alex", keys: keys)
        let samKey = try createKey("sam", keys: keys)
        #expect(try run(["--store", store, "user", "add", "sam", "--display", "Sam Lee", "--role", "therapist", "--key", samKey], as: "alex", keys: keys).status == 0)
        let before = try snapshot(store)
        let cases: [([String], String, String)] = [
            (["user", "add", "kim", "--display", "Kim", "--role", "surgeon", "--key", samKey], "alex", "role"),
            (["user", "add", "sam", "--display", "Sam", "--role", "therapist", "--key", samKey], "alex", "exists already"),
            (["user", "add", "kim", "--display", "Kim", "--role", "therapist", "--key", "bm90IGEga2V5"], "alex", "not an Ed25519 public key"),
            (["user", "add", "kim", "--display", "Kim", "--role", "therapist", "--key", samKey], "sam", "takes the practice-manager role"),
            (["user", "role", "sam", "practice-manager"], "sam", "takes the practice-manager role"),
            (["user", "role", "sam", "therapist"], "alex", "holds the role therapist already"),
            (["user", "remove", "alex", "--reason", "coup"], "sam", "takes the practice-manager role"),
            (["user", "key", "rotate", "alex", "--key", samKey], "sam", "takes the practice-manager role"),
            (["user", "remove", "nobody", "--reason", "x"], "alex", "no user \"nobody\""),
        ]
        for (arguments, user, words) in cases {
            let refused = try run(["--store", store] + arguments, as: user, keys: keys)
            #expect(refused.status != 0 && refused.stderr.contains(words) && refused.stderr.split(separator: "\n").count == 1, "\(arguments): \(refused.stderr)")
        }
        #expect(try snapshot(store) == before)
        #expect(try run(["--store", store, "user", "role", "sam", "privacy-officer"], as: "alex", keys: keys).status == 0)
        #expect(try run(["--store", store, "user", "role", "sam", "privacy-officer", "--revoke"], as: "alex", keys: keys).status == 0)
        #expect(try run(["--store", store, "user", "remove", "sam", "--reason", "left the practice"], as: "alex", keys: keys).status == 0)
        let removed = try run(["--store", store, "patient", "register", "--name", "Ava Jones", "--dob", "1990-01-02"], as: "sam", keys: keys)
        #expect(removed.status != 0 && removed.stderr.contains("was removed"), "\(removed.stderr)")
        let listed = try run(["--store", store, "user", "list"], as: "alex", keys: keys)
        #expect(listed.stdout.contains("removed: left the practice"), "\(listed.stdout)")
        // Every user event type validates against its payload schema and verifies independently.
        let checked = try checkLog(store, as: "alex", keys: keys)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
    }

    @Test("a person rotates their key: the old key signs nothing more, what it signed before still verifies")
    func keyRotation() throws {
        let keys = scratch.path("keys")
        let store = try founded("fitzroy", by: "alex", keys: keys)
        #expect(try run(["--store", store, "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"], as: "alex", keys: keys).status == 0)
        let oldKey = try String(contentsOfFile: keys + "/myolog/users/alex.key", encoding: .utf8)
        #expect(try run(["--store", store, "user", "key", "rotate"], as: "alex", keys: keys).status == 0)
        #expect(try run(["--store", store, "patient", "register", "--name", "Ava Jones", "--dob", "1990-01-02"], as: "alex", keys: keys).status == 0)
        let oldKeys = scratch.path("old-keys")
        try FileManager.default.createDirectory(atPath: oldKeys + "/myolog/users", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: oldKeys + "/myolog/users/alex.key", contents: Data(oldKey.utf8), attributes: [.posixPermissions: 0o600]))
        let stale = try run(["--store", store, "patients"], as: "alex", keys: oldKeys)
        #expect(stale.status != 0 && stale.stderr.contains("is not a key this store binds"), "\(stale.stderr)")
        #expect(try run(["--store", store, "verify"], as: "alex", keys: keys).status == 0)
        #expect(try checkLog(store, as: "alex", keys: keys).status == 0)
    }

    /// The node id of `store`, asked by one of its users.
    func nodeID(_ store: String, as user: String, keys: String) throws -> String {
        let id = try run(["--store", store, "--json", "id"], as: user, keys: keys)
        return try #require(JSONParser.parse(id.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["nodeId"]?.stringValue, "\(id.stderr)")
    }

    /// Three sites, each founded by its own manager, trusting each other; the other two add Alex
    /// (the network's practice manager, who runs the path syncs) with the key he has.
    func threeSites(keys: String) throws -> [(store: String, manager: String)] {
        var stores: [(store: String, manager: String)] = []
        for (site, manager) in [("fitzroy", "alex"), ("carlton", "bea"), ("brunswick", "cy")] {
            stores.append((try founded(site, by: manager, keys: keys), manager))
        }
        let alexKey = try #require(JSONParser.parse(try run(["--json", "user", "key", "show"], as: "alex", keys: keys).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            .objectValue?["publicKey"]?.stringValue)
        for site in stores.dropFirst() {
            let added = try run(["--store", site.store, "user", "add", "alex", "--display", "Alex", "--role", "practice-manager", "--key", alexKey], as: site.manager, keys: keys)
            #expect(added.status == 0, "\(added.stderr)")
        }
        let nodes = try stores.map { try nodeID($0.store, as: $0.manager, keys: keys) }
        for (index, site) in stores.enumerated() {
            for (other, node) in nodes.enumerated() where other != index {
                #expect(try run(["--store", site.store, "peer", "add", node, "--name", "site \(other)"], as: site.manager, keys: keys).status == 0)
            }
        }
        return stores
    }

    @Test("three sites syncing in random orders (seeded) converge on the same users and signed records; check-log.py and verify pass at each", arguments: [1, 2])
    func threeSitesConverge(seed: UInt64) throws {
        let keys = scratch.path("keys-\(seed)")
        let sites = try threeSites(keys: keys)
        let samKey = try createKey("sam", keys: keys)
        #expect(try run(["--store", sites[0].store, "user", "add", "sam", "--display", "Sam Lee", "--role", "therapist", "--key", samKey], as: "alex", keys: keys).status == 0)
        var generator = SeededGenerator(seed: seed)
        func syncRound() throws {
            for _ in 0..<4 {
                let pair = Array((0..<3).shuffled(using: &generator).prefix(2))
                let synced = try run(["--store", sites[pair[0]].store, "sync", sites[pair[1]].store], as: "alex", keys: keys)
                #expect(synced.status == 0, "\(synced.stdout)\(synced.stderr)")
            }
            for site in sites.indices { #expect(try run(["--store", sites[site].store, "sync", sites[(site + 1) % 3].store], as: "alex", keys: keys).status == 0) }
        }
        try syncRound()
        // Sam works at whichever site learned of him first; every site writes.
        let samSite = try #require(sites.first { (try? run(["--store", $0.store, "patients"], as: "sam", keys: keys).status) == 0 })
        #expect(try run(["--store", samSite.store, "patient", "register", "--name", "Noah Smith", "--dob", "1979-03-04"], as: "sam", keys: keys).status == 0)
        for site in sites {
            #expect(try run(["--store", site.store, "patient", "register", "--name", "Patient of \(site.manager)", "--dob", "1985-05-06"], as: site.manager, keys: keys).status == 0)
        }
        try syncRound()
        try syncRound()
        let lists = try sites.map { try run(["--store", $0.store, "--json", "user", "list"], as: $0.manager, keys: keys).stdout }
        #expect(Set(lists).count == 1, "the same users everywhere: \(lists)")
        #expect(lists[0].contains("\"sam\"") && lists[0].contains("\"bea\"") && lists[0].contains("\"cy\""))
        for site in sites {
            let checked = try checkLog(site.store, as: site.manager, keys: keys)
            #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
            #expect(try run(["--store", site.store, "verify"], as: site.manager, keys: keys).status == 0)
        }
    }

    @Test("a forged or stripped author signature is refused at receipt, and named by verify and by check-log.py at the store that holds it")
    func forgedAuthorSignature() throws {
        let keys = scratch.path("keys")
        let sites = try threeSites(keys: keys)
        let (a, b) = (sites[0], sites[1])
        #expect(try run(["--store", b.store, "patient", "register", "--name", "Noah Smith", "--dob", "1979-03-04"], as: b.manager, keys: keys).status == 0)
        let nodeB = try nodeID(b.store, as: b.manager, keys: keys)
        // Someone with sqlite3 at Carlton replaces Bea's signature over her last run with another.
        let sequence = try MyologProcess.count(b.store, "SELECT max(sequence) FROM author_signatures WHERE origin = '\(nodeB)'")
        let forged = String(repeating: "ab", count: 64)
        let sql = """
            DROP TRIGGER author_signatures_refuse_update;
            UPDATE author_signatures SET signature = '\(forged)' WHERE origin = '\(nodeB)' AND sequence = \(sequence);
            """
        #expect(try MyologProcess.run(["sqlite3", b.store + "/myolog.sqlite", sql], executable: URL(fileURLWithPath: "/usr/bin/env")).status == 0)
        let before = try snapshot(a.store)
        let pulled = try run(["--store", a.store, "sync", b.store], as: "alex", keys: keys)
        #expect(pulled.status != 0 && pulled.stderr.contains("author signature is not bea's"), "\(pulled.stdout)\(pulled.stderr)")
        #expect(try MyologProcess.count(a.store, "SELECT count(*) FROM events WHERE origin = '\(nodeB)' AND sequence >= \(sequence)") == 0)
        #expect(try snapshot(a.store) == before, "nothing of the batch is stored")
        #expect(try MyologProcess.count(a.store, "SELECT count(*) FROM sync_peers WHERE lastFailure LIKE '%author signature is not bea''s%' AND lastSuccessAt IS NULL") == 1,
                "the refused sync is recorded for status, with why")
        let verified = try run(["--store", b.store, "verify"], as: b.manager, keys: keys)
        #expect(verified.status != 0 && verified.stdout.contains("author signature is not bea's"), "\(verified.stdout)")
        let checked = try checkLog(b.store, as: b.manager, keys: keys)
        #expect(checked.status != 0 && checked.stdout.contains("author signature is not bea's"), "\(checked.stdout)")
        // Stripped instead: the run is no longer covered.
        #expect(try MyologProcess.run(["sqlite3", b.store + "/myolog.sqlite", """
            DROP TRIGGER author_signatures_refuse_delete;
            DELETE FROM author_signatures WHERE origin = '\(nodeB)' AND sequence = \(sequence);
            """], executable: URL(fileURLWithPath: "/usr/bin/env")).status == 0)
        let stripped = try run(["--store", a.store, "sync", b.store], as: "alex", keys: keys)
        #expect(stripped.status != 0 && stripped.stderr.contains("not covered by their signature"), "\(stripped.stdout)\(stripped.stderr)")
        #expect(try snapshot(a.store) == before)
        let checkedStripped = try checkLog(b.store, as: b.manager, keys: keys)
        #expect(checkedStripped.status != 0 && checkedStripped.stdout.contains("not covered by their signature"), "\(checkedStripped.stdout)")
    }

    @Test("events written in a removed user's name after the removal (in causal order) are refused at receipt everywhere; ones written concurrently are kept")
    func removedUserRefusedEverywhere() throws {
        let keys = scratch.path("keys"), samsMachine = scratch.path("sams-machine")
        let sites = try threeSites(keys: keys)
        let (a, b, c) = (sites[0], sites[1], sites[2])
        let samKey = try createKey("sam", keys: samsMachine)
        #expect(try run(["--store", a.store, "user", "add", "sam", "--display", "Sam Lee", "--role", "therapist", "--key", samKey], as: "alex", keys: keys).status == 0)
        for site in [b, c] { #expect(try run(["--store", site.store, "sync", a.store], as: "alex", keys: keys).status == 0) }
        // Offline at Brunswick, Sam keeps working; meanwhile Fitzroy removes him.
        #expect(try run(["--store", c.store, "patient", "register", "--name", "Concurrent Entry", "--dob", "1979-03-04"], as: "sam", keys: samsMachine).status == 0)
        #expect(try run(["--store", a.store, "user", "remove", "sam", "--reason", "left the practice"], as: "alex", keys: keys).status == 0)
        #expect(try run(["--store", b.store, "sync", a.store], as: "alex", keys: keys).status == 0)
        // Carlton knows of the removal: Sam cannot write there.
        let local = try run(["--store", b.store, "patient", "register", "--name", "Late Entry", "--dob", "1979-03-04"], as: "sam", keys: samsMachine)
        #expect(local.status != 0 && local.stderr.contains("was removed"), "\(local.stderr)")
        // A node gone bad at Carlton, holding Sam's key, writes in his name anyway: by hand, with
        // Carlton's node key and Sam's key, after the removal in causal order.
        let forged = try forge(at: b.store, by: "sam", as: "therapist", key: samsMachine + "/myolog/users/sam.key")
        for site in [a, c] {
            let store = try EventStore.open(at: URL(fileURLWithPath: site.store))
            // Carlton's chain up to the forged event first, as a sync would bring it.
            #expect(try run(["--store", site.store, "sync", b.store], as: "alex", keys: keys).status == 0)
            #expect(throws: EventProblem.self) { try store.write { try $0.receiveAll([forged]) } }
            do {
                try store.write { _ = try $0.receiveAll([forged]) }
            } catch let problem as EventProblem {
                #expect(problem.code == .authorRemoved, "\(problem)")
            }
            #expect(try MyologProcess.count(site.store, "SELECT count(*) FROM events WHERE id = '\(forged.id.rawValue)'") == 0)
        }
        // The concurrent entry is signed history: kept at every site.
        for site in sites {
            if site.store != c.store { #expect(try run(["--store", site.store, "sync", c.store], as: "alex", keys: keys).status == 0) }
            #expect(try MyologProcess.count(site.store, "SELECT count(*) FROM events WHERE author = 'sam' AND type = 'PatientRegistered'") == 1)
        }
    }

    @Test("FHIR: each signed author is a Practitioner with their registration and a PractitionerRole per role, the Provenance agents reference them; a signed-off entry's Provenance names the signer as verifier with their signature; AuditEvent agents carry the reader's role; check-fhir.py validates both")
    func fhirPractitioners() throws {
        let keys = scratch.path("keys")
        let store = try founded("fitzroy", by: "alex", keys: keys)
        let samKey = try createKey("sam", keys: keys)
        #expect(try run(["--store", store, "user", "add", "sam", "--display", "Sam Lee", "--role", "therapist", "--registration", "MAA 12345", "--key", samKey],
                        as: "alex", keys: keys).status == 0)
        let patient = try run(["--store", store, "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"], as: "sam", keys: keys).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").last.map(String.init) ?? ""
        #expect(try run(["--store", store, "visit", "start", patient, "--reason", "Neck pain"], as: "sam", keys: keys).status == 0)
        #expect(try run(["--store", store, "record", "pain", patient, "--score", "6", "--region", "neck"], as: "sam", keys: keys).status == 0)
        #expect(try run(["--store", store, "visit", "end", patient, "--sign"], as: "sam", keys: keys).status == 0)
        let file = scratch.path("mia.fhir.json")
        #expect(try run(["--store", store, "export", "fhir", patient, "--out", file], as: "sam", keys: keys).status == 0)
        let bundle = try String(contentsOfFile: file, encoding: .utf8)
        #expect(bundle.contains("\"resourceType\":\"Practitioner\"") && bundle.contains("Sam Lee") && bundle.contains("MAA 12345"))
        #expect(bundle.contains("\"resourceType\":\"PractitionerRole\"") && bundle.contains("\"code\":\"therapist\""))
        // The signed-off entries' Provenance: Sam as verifier, with his signature over the sign-off.
        #expect(bundle.contains("Verification Signature") && bundle.contains("\"code\":\"verifier\"") && bundle.contains("\"sigFormat\":\"application/octet-stream\""), "\(bundle)")
        let checked = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-fhir.py").path, file], executable: SchemaValidationTests.python)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(try run(["--store", store, "audit", "export", "fhir", "--out", scratch.path("audit")], as: "alex", keys: keys).status == 0)
        let audit = try String(contentsOfFile: scratch.path("audit/audit-events.json"), encoding: .utf8)
        #expect(audit.contains("\"code\":\"therapist\""), "sam's read names the role he read in")
        let auditChecked = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-fhir.py").path, scratch.path("audit/audit-events.json")],
                                                 executable: SchemaValidationTests.python)
        #expect(auditChecked.status == 0, "\(auditChecked.stdout)\(auditChecked.stderr)")
    }

    @Test("an event whose author's enrolment has not arrived waits, with the rest of its chain, and is applied when the enrolment arrives (here: when its origin is trusted)")
    func eventWaitsForItsAuthor() throws {
        let keys = scratch.path("keys")
        let a = try founded("fitzroy", by: "alex", keys: keys), b = try founded("carlton", by: "bea", keys: keys), c = try founded("brunswick", by: "cy", keys: keys)
        let alexKey = try #require(JSONParser.parse(try run(["--json", "user", "key", "show"], as: "alex", keys: keys).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            .objectValue?["publicKey"]?.stringValue)
        for (store, manager) in [(b, "bea"), (c, "cy")] {
            #expect(try run(["--store", store, "user", "add", "alex", "--display", "Alex", "--role", "practice-manager", "--key", alexKey], as: manager, keys: keys).status == 0)
        }
        let (nodeA, nodeB, nodeC) = (try nodeID(a, as: "alex", keys: keys), try nodeID(b, as: "bea", keys: keys), try nodeID(c, as: "cy", keys: keys))
        // Fitzroy and Carlton trust each other; Brunswick trusts Carlton only, for now.
        for (store, node) in [(a, nodeB), (b, nodeA), (b, nodeC), (c, nodeB)] {
            #expect(try run(["--store", store, "peer", "add", node, "--name", node], as: "alex", keys: keys).status == 0)
        }
        let samKey = try createKey("sam", keys: keys)
        #expect(try run(["--store", a, "user", "add", "sam", "--display", "Sam Lee", "--role", "therapist", "--key", samKey], as: "alex", keys: keys).status == 0)
        #expect(try run(["--store", b, "sync", a], as: "alex", keys: keys).status == 0)
        #expect(try run(["--store", b, "patient", "register", "--name", "Noah Smith", "--dob", "1979-03-04"], as: "sam", keys: keys).status == 0)
        // Brunswick gets Carlton's chain (Sam's entry) and Fitzroy's (Sam's enrolment, waiting for trust).
        #expect(try run(["--store", c, "sync", b], as: "alex", keys: keys).status == 0)
        let samsEntry = "SELECT count(*) FROM events WHERE author = 'sam'"
        #expect(try MyologProcess.count(c, samsEntry) == 0, "Sam's entry waits: his enrolment is not applied here yet")
        #expect(try MyologProcess.count(c, "SELECT count(*) FROM held_events WHERE origin = '\(nodeB)'") >= 1)
        // Brunswick trusts Fitzroy: Sam's enrolment is applied, and his entry after it.
        #expect(try run(["--store", c, "peer", "add", nodeA, "--name", "Fitzroy"], as: "cy", keys: keys).status == 0)
        #expect(try MyologProcess.count(c, samsEntry) == 1)
        #expect(try MyologProcess.count(c, "SELECT count(*) FROM held_events") == 0)
        #expect(try run(["--store", c, "verify"], as: "cy", keys: keys).status == 0)
    }

    /// A node gone bad at `store`, holding `author`'s key too, writes a store-wide event in their
    /// name by hand — after everything `store` holds, in causal order — signed by both keys.
    func forge(at store: String, by author: String, as role: String?, key: String, type: String = "SiteTimeZoneSet", payload: String = #"{"zone":"UTC"}"#) throws -> EventEnvelope {
        let node = try EventStore.open(at: URL(fileURLWithPath: store))
        return try node.read { reader -> EventEnvelope in
            let head = try #require(try reader.head(of: node.identity.nodeID))
            var next = VectorClock(try reader.clock().entries)
            next[node.identity.nodeID] = head.sequence + 1
            var event = EventEnvelope(id: EventID.make(at: Timestamp.now()), origin: node.identity.nodeID, sequence: head.sequence + 1, clock: next,
                                      lamport: try reader.maximumLamport() + 1, recordedAt: Timestamp.now(), occurredAt: Timestamp.now(), author: author,
                                      patient: nil, type: type, schemaVersion: 1, payload: payload, prevHash: head.hash,
                                      hash: EventHash(unchecked: ""), authorRole: role)
            event.hash = event.computedHash
            if role != nil {
                let personal = try UserKey.read(user: author, at: key).privateKey
                event.authorSignature = try AuthorSignature.sign(with: personal, author: author, origin: event.origin, first: event.sequence, hash: event.hash)
            }
            event.signature = try ChainSignature.sign(event.hash, by: node.identity)
            return event
        }
    }

    @Test("an event a person signed beyond their role (a front desk setting the site's zone, from a modified Myolog) is kept at receipt — signed history — and named by verify and audit review")
    func beyondRoleIsFlagged() throws {
        let keys = scratch.path("keys"), josMachine = scratch.path("jos-machine")
        let sites = try threeSites(keys: keys)
        let (a, b) = (sites[0], sites[1])
        let joKey = try createKey("jo", keys: josMachine)
        #expect(try run(["--store", a.store, "user", "add", "jo", "--display", "Jo Park", "--role", "front-desk", "--key", joKey], as: "alex", keys: keys).status == 0)
        #expect(try run(["--store", b.store, "sync", a.store], as: "alex", keys: keys).status == 0)
        // The permission table refuses it where Jo signs in through Myolog.
        let refused = try run(["--store", b.store, "site", "time-zone", "UTC"], as: "jo", keys: josMachine)
        #expect(refused.status != 0, "\(refused.stderr)")
        let forged = try forge(at: b.store, by: "jo", as: "front-desk", key: josMachine + "/myolog/users/jo.key")
        let store = try EventStore.open(at: URL(fileURLWithPath: a.store))
        let summary = try store.write { try $0.receiveAll([forged]) }
        #expect(summary.stored.values.reduce(0, +) == 1, "kept: it is signed history")
        let verified = try run(["--store", a.store, "verify"], as: "alex", keys: keys)
        #expect(verified.status == 1 && verified.stdout.contains("event \(forged.id.rawValue) by jo"), "\(verified.stdout)")
        let review = try run(["--store", a.store, "--json", "audit", "review"], as: "alex", keys: keys)
        #expect(review.status == 0 && review.stdout.contains("\"rule\":\"beyond-role\"") && review.stdout.contains(forged.id.rawValue), "\(review.stdout)\(review.stderr)")
    }

    /// Offers `event` to `store` as a sync would, expecting it refused with `code` and nothing stored.
    func expectRefused(_ event: EventEnvelope, at store: String, _ code: EventProblem.Code, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try snapshot(store)
        let opened = try EventStore.open(at: URL(fileURLWithPath: store))
        do {
            _ = try opened.write { try $0.receiveAll([event]) }
            Issue.record("\(event.type) by \(event.author) was stored", sourceLocation: sourceLocation)
        } catch let problem as EventProblem {
            #expect(problem.code == code, "\(problem)", sourceLocation: sourceLocation)
        }
        #expect(try snapshot(store) == before, sourceLocation: sourceLocation)
    }

    @Test("a peer gone bad cannot take over a user: a key rotation signed with the new key, an unsigned user event from a chain that never signed, a store founded under an existing user's name with another key — each refused at receipt")
    func takeoversRefused() throws {
        let keys = scratch.path("keys"), attacker = scratch.path("attacker")
        let sites = try threeSites(keys: keys)
        let (a, b) = (sites[0], sites[1])
        #expect(try run(["--store", b.store, "sync", a.store], as: "alex", keys: keys).status == 0)
        let malloryKey = try createKey("mallory", keys: attacker)
        let malloryFile = attacker + "/myolog/users/mallory.key"
        // Alex's key rotated to Mallory's, "by alex", signed with Mallory's (the new) key.
        let rotation = try forge(at: b.store, by: "alex", as: "practice-manager", key: malloryFile, type: "UserKeyRotated",
                                 payload: #"{"publicKey":"\#(malloryKey)","user":"alex"}"#)
        try expectRefused(rotation, at: a.store, .badAuthorSignature)
        // A practice manager added with no role named and no signature, as an older chain writes events.
        let unsigned = try forge(at: b.store, by: "alex", as: nil, key: malloryFile, type: "UserAdded",
                                 payload: #"{"displayName":"Eve","publicKey":"\#(malloryKey)","roles":["practice-manager"],"user":"eve"}"#)
        try expectRefused(unsigned, at: a.store, .badAuthor)
        // A new store founded as "alex" with Mallory's machine's key, its bundle imported at Fitzroy.
        let m = scratch.path("m")
        #expect(try run(["--store", m, "init", "--site", "M", "--as", "alex"], as: nil, keys: attacker).status == 0)
        let nodeA = try nodeID(a.store, as: "alex", keys: keys), nodeM = try nodeID(m, as: "alex", keys: attacker)
        #expect(try run(["--store", m, "peer", "add", nodeA, "--name", "A"], as: "alex", keys: attacker).status == 0)
        #expect(try run(["--store", a.store, "peer", "add", nodeM, "--name", "M"], as: "alex", keys: keys).status == 0)
        #expect(try run(["--store", m, "bundle", "export", "--out", scratch.path("m.bundle")], as: "alex", keys: attacker).status == 0)
        let before = try snapshot(a.store)
        let imported = try run(["--store", a.store, "bundle", "import", scratch.path("m.bundle")], as: "alex", keys: keys)
        #expect(imported.status != 0 && imported.stderr.contains("founded under the name of alex"), "\(imported.stdout)\(imported.stderr)")
        #expect(try snapshot(a.store) == before)
        #expect(try run(["--store", a.store, "verify"], as: "alex", keys: keys).status == 0)
    }

    @Test("a key file that is a link, of another account, or not a regular file signs nothing")
    func keyFileRefusals() throws {
        let keys = scratch.path("keys")
        let store = try founded("fitzroy", by: "alex", keys: keys)
        let real = keys + "/myolog/users/alex.key", moved = keys + "/alex.real"
        #expect(rename(real, moved) == 0 && symlink(moved, real) == 0)
        let linked = try run(["--store", store, "patients"], as: "alex", keys: keys)
        #expect(linked.status != 0 && linked.stderr.contains("not a link"), "\(linked.stderr)")
        #expect(unlink(real) == 0 && mkfifo(real, 0o600) == 0)
        let fifo = try run(["--store", store, "patients"], as: "alex", keys: keys)
        #expect(fifo.status != 0 && fifo.stderr.contains("regular file"), "\(fifo.stderr)")
        #expect(unlink(real) == 0 && rename(moved, real) == 0)
        #expect(try run(["--store", store, "patients"], as: "alex", keys: keys).status == 0)
    }
}
