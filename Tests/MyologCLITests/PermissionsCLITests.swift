import ClinicalLog
import EventModel
import Foundation
import GRDB
import MyologTestSupport
import Testing

/// Issue 33, "Permissions enforced": real processes on a real store with one person in each
/// role, each signed in with their own key. Each command a role may run succeeds and writes its
/// events in that role; each it may not is refused in one line, exit non-zero, the store's every
/// row unchanged — except a refused read of an identified patient, recorded as refused.
@Suite("Permissions: each role does what the table says, and is refused the rest")
struct PermissionsCLITests {
    let scratch = TemporaryDirectory("permissions")

    /// The people of the clinic: the founder (practice manager and therapist) and one per role,
    /// ordered so the privacy officer's erasure comes last.
    static let people: [(name: String, role: Role)] = [
        ("tess", .therapist), ("stu", .student), ("desk", .frontDesk), ("pam", .practiceManager), ("audra", .auditor), ("priya", .privacyOfficer),
    ]

    func run(_ arguments: [String], as user: String, keys: String) throws -> MyologProcess.Result {
        try MyologProcess.run(arguments, environment: MyologProcess.environment(["MYOLOG_USER": user, "XDG_CONFIG_HOME": keys]))
    }

    func ok(_ arguments: [String], as user: String, keys: String) throws -> MyologProcess.Result {
        let result = try run(arguments, as: user, keys: keys)
        #expect(result.status == 0, "\(user) \(arguments): \(result.stderr)")
        return result
    }

    /// Every row of every table: what a refusal must leave alone.
    func snapshot(_ store: String) throws -> String {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map { table in
                "\(table): " + (try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map(\.description).joined(separator: "|"))
            }.joined(separator: "\n")
        }
    }

    /// The events after the first `skip`, oldest first: type, author, authorRole, and the
    /// payload of the plaintext ones (access records).
    func events(_ store: String, after skip: Int = 0) throws -> [(type: String, author: String, role: String?, payload: String)] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { db in
            try Row.fetchAll(db, sql: "SELECT type, author, authorRole, payload FROM events ORDER BY position LIMIT -1 OFFSET ?", arguments: [skip]).map {
                ($0["type"], $0["author"], $0["authorRole"], $0["payload"])
            }
        }
    }

    /// A clinic founded by `boss` (practice manager and therapist), with one user per role.
    func clinic() throws -> (store: String, keys: String) {
        let keys = scratch.path("keys"), store = scratch.path("clinic")
        let founded = try run(["--store", store, "init", "--site", "Fitzroy", "--time-zone", "Australia/Melbourne", "--as", "boss", "--display", "Boss"],
                              as: "", keys: keys)
        #expect(founded.status == 0, "\(founded.stderr)")
        for (name, role) in Self.people {
            try add(name, role: role, store: store, keys: keys)
        }
        return (store, keys)
    }

    func add(_ name: String, role: Role, store: String, keys: String) throws {
        let made = try ok(["--json", "user", "key", "create", "--as", name], as: "", keys: keys)
        let key = try #require(JSONParser.parse(made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["publicKey"]?.stringValue)
        _ = try ok(["--store", store, "user", "add", name, "--display", name.capitalized, "--role", role.rawValue, "--key", key], as: "boss", keys: keys)
    }

    @Test("the role matrix: each role runs what the table grants and is refused the rest in one line, nothing written but a refused read's record")
    func roleMatrix() throws {
        let (store, keys) = try clinic()
        let patient = try ok(["--store", store, "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"], as: "boss", keys: keys).lastWord
        let other = try ok(["--store", store, "patient", "register", "--name", "Ned Other", "--dob", "1970-01-02"], as: "boss", keys: keys).lastWord
        _ = try ok(["--store", store, "visit", "start", patient, "--reason", "neck pain"], as: "boss", keys: keys)
        let entry = try ok(["--store", store, "record", "pain", patient, "--score", "6", "--region", "neck", "--context", "pre"], as: "boss", keys: keys).lastWord
        // A second student, whose entries the others try to co-sign (a student's own is refused as such).
        try add("kim", role: .student, store: store, keys: keys)
        let peerStore = scratch.path("peer")
        #expect(try MyologProcess.run(["--store", peerStore, "init", "--site", "Peer"]).status == 0)
        let peer = try MyologProcess.nodeID(peerStore)

        let passphrase = scratch.path("passphrase")
        FileManager.default.createFile(atPath: passphrase, contents: Data("correct horse battery staple\n".utf8), attributes: [.posixPermissions: 0o600])
        let ownBundle = scratch.path("own.myolog")
        _ = try ok(["--store", store, "bundle", "export", "--out", ownBundle], as: "boss", keys: keys)

        /// One command, the permission it needs, and whether it reads an identified patient.
        /// `arguments` runs before the store is looked at: it may prepare (as the founder) what
        /// the command needs, a hold of its own to release, a patient of its own to visit.
        /// `refusedOnly`: a command that, allowed, would serve or reach the network — tried only
        /// by the roles refused it.
        struct Case {
            var name: String
            var arguments: (Role) throws -> [String]
            var permission: Permission
            var readsPatient = false
            var refusedOnly = false
        }
        func newPatient(_ role: Role, _ purpose: String) throws -> String {
            try ok(["--store", store, "patient", "register", "--name", "\(purpose) \(role.display)", "--dob", "1991-02-03"], as: "boss", keys: keys).lastWord
        }
        let cases: [Case] = [
            Case(name: "patient register", arguments: { ["patient", "register", "--name", "Reg \($0.display)", "--dob", "1990-01-01"] }, permission: .registerPatients),
            Case(name: "patient update", arguments: { ["patient", "update", patient, "--phone", "0400 000 00\(Role.allCases.firstIndex(of: $0)!)"] },
                 permission: .registerPatients),
            Case(name: "patients", arguments: { _ in ["patients"] }, permission: .seePatientList),
            Case(name: "retention due", arguments: { _ in ["retention", "due"] }, permission: .seePatientList),
            Case(name: "show", arguments: { _ in ["show", patient] }, permission: .readClinicalRecords, readsPatient: true),
            Case(name: "timeline", arguments: { _ in ["timeline", patient] }, permission: .readClinicalRecords, readsPatient: true),
            Case(name: "history", arguments: { _ in ["history", entry] }, permission: .readClinicalRecords, readsPatient: true),
            Case(name: "log --patient", arguments: { _ in ["log", "--patient", patient] }, permission: .readClinicalRecords, readsPatient: true),
            Case(name: "report", arguments: { [scratch] in ["report", patient, "--out", scratch.path("report-\($0.rawValue).html")] },
                 permission: .readClinicalRecords, readsPatient: true),
            Case(name: "export fhir", arguments: { [scratch] in ["export", "fhir", patient, "--out", scratch.path("fhir-\($0.rawValue).json")] },
                 permission: .readClinicalRecords, readsPatient: true),
            Case(name: "export fhir --all", arguments: { [scratch] in ["export", "fhir", "--all", "--out", scratch.path("fhir-all-\($0.rawValue)")] },
                 permission: .readClinicalRecords),
            Case(name: "log", arguments: { _ in ["log"] }, permission: .readClinicalRecords),
            Case(name: "conflicts", arguments: { _ in ["conflicts"] }, permission: .readClinicalRecords),
            Case(name: "query", arguments: { _ in ["query", "SELECT count(*) FROM patient_summary"] }, permission: .readClinicalRecords),
            Case(name: "ui", arguments: { _ in ["ui", "--listen", "127.0.0.1:0"] }, permission: .readClinicalRecords, refusedOnly: true),
            Case(name: "record pain", arguments: { _ in ["record", "pain", patient, "--score", "5", "--region", "neck", "--context", "post"] },
                 permission: .recordCare),
            Case(name: "visit start", arguments: { ["visit", "start", try newPatient($0, "Visit"), "--reason", "review"] }, permission: .recordCare),
            Case(name: "visit sign", arguments: { role in
                let visited = try newPatient(role, "Signed")
                let visit = try ok(["--store", store, "visit", "start", visited, "--reason", "review"], as: "boss", keys: keys).lastWord
                _ = try ok(["--store", store, "record", "pain", visited, "--score", "4", "--region", "neck", "--context", "pre"], as: "boss", keys: keys)
                _ = try ok(["--store", store, "visit", "end", visited], as: "boss", keys: keys)
                return ["visit", "sign", visit]
            }, permission: .signOffVisits),
            Case(name: "cosign", arguments: { _ in
                ["cosign", try ok(["--store", store, "record", "pain", patient, "--score", "3", "--region", "neck", "--context", "post"], as: "kim", keys: keys).lastWord]
            }, permission: .coSignEntries),
            Case(name: "site late-entry", arguments: { _ in ["site", "late-entry", "24h"] }, permission: .configureSite),
            Case(name: "audit", arguments: { _ in ["audit"] }, permission: .reviewAccess),
            Case(name: "audit review", arguments: { _ in ["audit", "review"] }, permission: .reviewAccess),
            Case(name: "audit export fhir", arguments: { [scratch] in ["audit", "export", "fhir", "--out", scratch.path("audit-\($0.rawValue)")] },
                 permission: .reviewAccess),
            Case(name: "retention policy", arguments: { _ in ["retention", "policy", "--years", "8"] }, permission: .manageRetention),
            Case(name: "retention hold", arguments: { _ in ["retention", "hold", patient, "--reason", "Claim pending"] }, permission: .manageRetention),
            Case(name: "retention release", arguments: { _ in
                ["retention", "release", try ok(["--store", store, "retention", "hold", patient, "--reason", "Another claim"], as: "boss", keys: keys).lastWord,
                 "--reason", "Settled"]
            }, permission: .manageRetention),
            Case(name: "site time-zone", arguments: { _ in ["site", "time-zone", "Australia/Perth"] }, permission: .configureSite),
            Case(name: "peer add", arguments: { _ in ["peer", "add", peer, "--name", "Peer"] }, permission: .trustPeers),
            Case(name: "peer remove", arguments: { _ in ["peer", "remove", peer] }, permission: .trustPeers),
            Case(name: "forks decide", arguments: { _ in ["forks", "decide", peer, "3", "--note", "kept ours"] }, permission: .trustPeers, refusedOnly: true),
            Case(name: "status --acknowledge", arguments: { _ in ["status", "--acknowledge", peer] }, permission: .trustPeers, refusedOnly: true),
            Case(name: "bundle export", arguments: { [scratch] in ["bundle", "export", "--out", scratch.path("bundle-\($0.rawValue).myolog")] },
                 permission: .syncRecords),
            Case(name: "bundle import", arguments: { _ in ["bundle", "import", ownBundle] }, permission: .syncRecords),
            Case(name: "sync", arguments: { _ in ["sync", peerStore] }, permission: .syncRecords, refusedOnly: true),
            Case(name: "serve", arguments: { _ in ["serve", "--listen", "127.0.0.1:0"] }, permission: .syncRecords, refusedOnly: true),
            Case(name: "hub sync", arguments: { _ in ["hub", "sync", peerStore] }, permission: .syncRecords, refusedOnly: true),
            Case(name: "user add", arguments: { role in
                let name = "new-\(role.rawValue)"
                let made = try ok(["--json", "user", "key", "create", "--as", name], as: "", keys: keys)
                let key = try #require(JSONParser.parse(made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["publicKey"]?.stringValue)
                return ["user", "add", name, "--display", "New", "--role", "auditor", "--key", key]
            }, permission: .manageUsers),
            Case(name: "erase", arguments: { _ in ["erase", other, "--basis", "request", "--reason", "Written request", "--yes"] }, permission: .eraseRecords),
            Case(name: "backup", arguments: { [scratch] in ["backup", "--out", scratch.path("backup-\($0.rawValue)"), "--passphrase-file", passphrase] },
                 permission: .backUpStore),
        ]
        var ran: [Bool: Int] = [:]
        for (name, role) in Self.people {
            for command in cases {
                let may = Permissions.table[role]!.contains(command.permission)
                if may && command.refusedOnly { continue }
                let arguments = ["--store", store] + (try command.arguments(role))
                let before = try snapshot(store)
                let count = try events(store).count
                let result = try run(arguments, as: name, keys: keys)
                let written = try events(store, after: count)
                ran[may, default: 0] += 1
                if may {
                    #expect(result.status == 0, "\(role.rawValue) may \(command.name): \(result.stderr)")
                    for event in written where event.author == name {
                        #expect(event.role == role.rawValue, "\(role.rawValue) \(command.name): \(event.type) written as \(event.role ?? "no role")")
                    }
                    continue
                }
                #expect(result.status != 0, "\(role.rawValue) may not \(command.name), and it ran: \(result.stdout)")
                // The user directory's own check answers first for user changes, in its own words.
                let said = command.permission == .manageUsers ? "\"\(name)\" may not add users" : "permission: \(name) (\(role.display)) may not \(command.permission.summary)"
                #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(said), "\(role.rawValue) \(command.name): \(result.stderr)")
                if command.readsPatient {
                    // The attempt is recorded, as refused, under the person and their role.
                    #expect(written.count == 1 && written.first?.type == "RecordAccessed" && written.first?.author == name && written.first?.role == role.rawValue,
                            "\(role.rawValue) \(command.name): \(written.map(\.type))")
                    #expect(written.first?.payload.contains("\"outcome\":\"refused\"") == true, "\(written.first?.payload ?? "")")
                } else {
                    #expect(try snapshot(store) == before, "\(role.rawValue) \(command.name) was refused but changed the store")
                }
            }
        }
        // Not a vacuous matrix: both sides ran, for every role.
        #expect(ran[true, default: 0] > 60 && ran[false, default: 0] > 100, "\(ran)")
        #expect(try ok(["--store", store, "verify"], as: "audra", keys: keys).status == 0)
    }

    @Test("correcting another's entry needs its author, a therapist for a student's, or a practice manager; the refusal names whose it was")
    func amendments() throws {
        let (store, keys) = try clinic()
        let patient = try ok(["--store", store, "patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"], as: "desk", keys: keys).lastWord
        let mine = try ok(["--store", store, "record", "pain", patient, "--score", "6", "--region", "neck", "--context", "pre"], as: "tess", keys: keys).lastWord
        let students = try ok(["--store", store, "record", "pain", patient, "--score", "7", "--region", "neck", "--context", "pre"], as: "stu", keys: keys).lastWord
        #expect(try events(store).last?.role == "student")
        try add("theo", role: .therapist, store: store, keys: keys)

        // Another therapist may not correct Tess's entry; the refusal names her.
        let before = try snapshot(store)
        let refused = try run(["--store", store, "correct", mine, "--score", "5", "--reason", "re-rated"], as: "theo", keys: keys)
        #expect(refused.status == 1 && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("it is tess's (written as therapist)"), "\(refused.stderr)")
        #expect(try snapshot(store) == before)
        // Nor may a student, nor retract it.
        #expect(try run(["--store", store, "retract", mine, "--reason", "wrong patient"], as: "stu", keys: keys).status == 1)
        #expect(try snapshot(store) == before)

        // Its author may; a therapist may correct the student's (supervision); the manager anyone's.
        var count = try events(store).count
        _ = try ok(["--store", store, "correct", mine, "--score", "5", "--reason", "re-rated"], as: "tess", keys: keys)
        #expect(try events(store, after: count).map(\.role) == ["therapist"])
        count = try events(store).count
        _ = try ok(["--store", store, "correct", students, "--score", "6", "--reason", "supervisor re-rated"], as: "theo", keys: keys)
        #expect(try events(store, after: count).map(\.role) == ["therapist"])
        count = try events(store).count
        _ = try ok(["--store", store, "retract", mine, "--reason", "filed under the wrong patient"], as: "pam", keys: keys)
        #expect(try events(store, after: count).map(\.role) == ["practice-manager"])
        // The founder, a therapist and a manager, amends Theo's entry as the manager, records care as the therapist.
        let theos = try ok(["--store", store, "record", "pain", patient, "--score", "4", "--region", "neck", "--context", "post"], as: "theo", keys: keys).lastWord
        count = try events(store).count
        _ = try ok(["--store", store, "correct", theos, "--score", "3", "--reason", "re-rated"], as: "boss", keys: keys)
        #expect(try events(store, after: count).map(\.role) == ["practice-manager"])
        count = try events(store).count
        _ = try ok(["--store", store, "record", "pain", patient, "--score", "2", "--region", "neck", "--context", "post"], as: "boss", keys: keys)
        #expect(try events(store, after: count).map(\.role) == ["therapist"])
        // Withdrawing a mistaken registration is reception's: the front desk may, as front desk.
        let mistaken = try ok(["--store", store, "patient", "register", "--name", "Mia Thomson", "--dob", "1988-04-21"], as: "desk", keys: keys)
        let registration = try #require(try DatabaseQueue(path: store + "/myolog.sqlite").read {
            try String.fetchOne($0, sql: "SELECT id FROM events WHERE type = 'PatientRegistered' AND patient = ?", arguments: [mistaken.lastWord])
        })
        count = try events(store).count
        _ = try ok(["--store", store, "retract", registration, "--reason", "duplicate"], as: "desk", keys: keys)
        #expect(try events(store, after: count).map(\.role) == ["front-desk"])
    }

    @Test("a store with users refuses a command no one signed in for; the permission table is printed and kept in Schemas")
    func signInNeeded() throws {
        let (store, keys) = try clinic()
        let before = try snapshot(store)
        let anonymous = try run(["--store", store, "peer", "add", "aaaaaaaaaaaaaaaa", "--name", "x"], as: "", keys: keys)
        #expect(anonymous.status != 0 && anonymous.stderr.split(separator: "\n").count == 1, "\(anonymous.stderr)")
        #expect(try snapshot(store) == before)
        let table = try ok(["user", "roles"], as: "", keys: keys).stdout
        #expect(table.contains("read clinical entries") && table.contains("front-desk"))
        let json = try ok(["--json", "user", "roles"], as: "", keys: keys).stdout
        #expect(try JSONParser.parse(json.trimmingCharacters(in: .whitespacesAndNewlines)) == PermissionDocument.json())
    }
}
