import EventLog
import Foundation
import GRDB
import MyologTestSupport
import Testing
import EventModel

/// `myolog hub` against a real PostgreSQL server: a throw-away cluster per test
/// (``PostgresCluster``), the built binary, real stores.
@Suite("Hub: a node whose log and views live in PostgreSQL", .serialized)
struct HubCLITests {
    let scratch = TemporaryDirectory("hub")

    func environment(_ cluster: PostgresCluster) -> [String: String] { MyologProcess.environment(["PGPASSWORD": cluster.password]) }

    @discardableResult
    func run(_ arguments: [String], _ cluster: PostgresCluster, status expected: Int32 = 0) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(arguments, environment: environment(cluster))
        #expect(result.status == expected, "myolog \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    func patientIDs(_ store: String) throws -> [String] {
        let listed = try MyologProcess.run(["--store", store, "--json", "patients"])
        return (try JSONParser.parse(listed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValue ?? []).compactMap { $0.objectValue?["patientId"]?.stringValue }
    }

    /// Three sites of generated patients (seeded from `seed` on) and a hub, all trusting each other.
    func chain(_ cluster: PostgresCluster, patients: Int, eventsPerPatient: Int, seed: Int) throws -> (hub: String, sites: [String]) {
        let hub = scratch.path("hub"), sites = ["a", "b", "c"].map { scratch.path($0) }
        for (index, site) in sites.enumerated() {
            try run(["--store", site, "demo", "generate", "--patients", String(patients), "--events-per-patient", String(eventsPerPatient), "--seed", String(index + seed)], cluster)
        }
        try run(["--store", hub, "hub", "init", "--postgres", cluster.url(password: ""), "--site", "Head office"], cluster)
        try MyologProcess.trustEachOther(sites[0], sites[1], sites[2], hub)
        return (hub, sites)
    }

    @Test("three sites and the hub, seeded random syncs over paths, HTTPS and bundles: all converge, and the hub shows every patient byte for byte as each site does; hub verify passes")
    func convergence() throws {
        let cluster = try PostgresCluster()
        let (hub, sites) = try chain(cluster, patients: 4, eventsPerPatient: 12, seed: 1)
        // Each site serves its store as a clinic machine would; the hub dials it over mutual TLS.
        let servers = try sites.enumerated().map { index, site in try HTTPSyncCLITests.Server(store: site, scratch: scratch, name: "serve-\(index)") }
        defer { for server in servers { _ = server.stop() } }
        var generator = SeededGenerator(seed: 20)
        let hubNode = try #require(JSONParser.parse(try run(["--store", hub, "--json", "id"], cluster).stdout.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?["nodeId"]?.stringValue)
        var carried: [String: Int] = [:]
        for round in 0..<12 {
            let (x, y) = (Int.random(in: 0..<3, using: &generator), Int.random(in: 0..<3, using: &generator))
            // Every carrier in turn, between random sites.
            switch round % 4 {
            case 0:
                try run(["--store", hub, "hub", "sync", sites[x]], cluster)
                carried["path", default: 0] += 1
            case 1:
                try run(["--store", hub, "hub", "sync", servers[x].url, "--batch-size", "9"], cluster)
                carried["https", default: 0] += 1
            case 2:
                // A site with no network: a bundle for the hub, its patients' keys sealed to it —
                // or, from a site that has not met the hub yet (it lacks the hub's key-agreement
                // key), events only: their keys come with a later sync.
                let bundle = scratch.path("bundle-\(round).myolog")
                let sealed = try MyologProcess.run(["--store", sites[x], "bundle", "export", "--out", bundle, "--for", hubNode], environment: environment(cluster))
                if sealed.status != 0 {
                    #expect(sealed.stderr.contains("is not a trusted peer whose enrolment this store holds"), "\(sealed.stderr)")
                    try run(["--store", sites[x], "bundle", "export", "--out", bundle], cluster)
                }
                try run(["--store", hub, "hub", "import", bundle], cluster)
                carried["bundle", default: 0] += 1
            default: if x != y { try run(["--store", sites[x], "sync", sites[y]], cluster) }
            }
            // A site keeps working between syncs.
            let patients = try patientIDs(sites[x])
            if let patient = patients.randomElement(using: &generator) {
                try run(["--store", sites[x], "record", "pain", patient, "--score", String(Int.random(in: 0...10, using: &generator)), "--region", "neck"], cluster)
            }
        }
        #expect(carried == ["path": 3, "https": 3, "bundle": 3])
        // Two rounds through the hub (over HTTPS, then paths): everything written anywhere reaches everyone.
        for server in servers { try run(["--store", hub, "hub", "sync", server.url], cluster) }
        for site in sites { try run(["--store", hub, "hub", "sync", site], cluster) }
        // Each site's server recorded what it disclosed to the hub that dialled it.
        for site in sites {
            let audit = try run(["--store", site, "--json", "audit", "list"], cluster).stdout
            #expect(audit.contains("\"command\":\"serve\""), "\(audit.prefix(300))")
        }
        let hubList = try run(["--store", hub, "--json", "hub", "patients"], cluster).stdout
        #expect(try JSONParser.parse(hubList.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValue?.count == 12)
        for site in sites {
            #expect(try run(["--store", site, "--json", "patients"], cluster).stdout == hubList)
            for patient in try patientIDs(site) {
                let atSite = try run(["--store", site, "--json", "show", patient], cluster).stdout
                #expect(try run(["--store", hub, "--json", "hub", "show", patient], cluster).stdout == atSite)
            }
        }
        // Every hub read was recorded, in the hub's log, before it was shown: one `hub show` per
        // patient shown, `hub patients` naming all twelve, each sync's disclosures.
        let audit = try JSONParser.parse(try run(["--store", hub, "--json", "audit", "list"], cluster).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let commands = (audit.arrayValue ?? []).compactMap { $0.objectValue?["command"]?.stringValue }
        #expect(commands.filter { $0 == "hub show" }.count == 36, "\(commands)")
        #expect(commands.contains("hub patients") && commands.contains("hub sync"), "\(Set(commands))")
        let verified = try run(["--store", hub, "--json", "hub", "verify"], cluster).stdout
        #expect(verified.contains("\"ok\":true") && verified.contains("\"patients\":12"), "\(verified)")
        // The relational views answer SQL: one pain_scores row per score shown at the sites.
        let scores = try cluster.psql("SELECT count(*) FROM myolog.pain_scores")
        let shown = try sites[0..<1].flatMap { try patientIDs($0) }.reduce(0) { total, patient in
            let view = try JSONParser.parse(try run(["--store", sites[0], "--json", "show", patient], cluster).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            return total + (view.objectValue?["painScores"]?.arrayValue?.count ?? 0)
        }
        #expect(Int(scores) == shown, "pain_scores \(scores), shown \(shown)")
        // README's chain-wide reporting examples run, as printed, against this hub.
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"), encoding: .utf8)
        let block = try #require(readme.firstMatch(of: /```sql\n([\s\S]*?)```/)).1
        let statements = block.split(separator: ";\n").map { $0.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n") }.filter { !$0.isEmpty }
        #expect(statements.count == 3)
        for statement in statements { #expect(!(try cluster.psql(statement)).isEmpty, "no rows: \(statement)") }
        // Append-only in PostgreSQL too, even for the database's owner.
        #expect(throws: PostgresCluster.Failure.self) { try cluster.psql("UPDATE myolog.events SET author = 'x'") }
        #expect(throws: PostgresCluster.Failure.self) { try cluster.psql("DELETE FROM myolog.events") }
        #expect(throws: PostgresCluster.Failure.self) { try cluster.psql("TRUNCATE myolog.events") }
    }

    @Test("hub serve: sites run their ordinary `myolog sync https://…` against the hub, two at once; it outlives a restart of its server; everything relays through it; the hub verifies")
    func serve() throws {
        let cluster = try PostgresCluster()
        let hub = scratch.path("hub"), a = scratch.path("a"), b = scratch.path("b")
        try run(["--store", a, "demo", "generate", "--patients", "5", "--events-per-patient", "10", "--seed", "3"], cluster)
        try run(["--store", b, "demo", "generate", "--patients", "5", "--events-per-patient", "10", "--seed", "4"], cluster)
        try run(["--store", hub, "hub", "init", "--postgres", cluster.url(password: ""), "--site", "Head office"], cluster)
        try MyologProcess.trustEachOther(a, b, hub)
        let server = try HTTPSyncCLITests.Server(store: hub, scratch: scratch, name: "hub",
                                                 command: ["hub", "serve", "--listen", "127.0.0.1:0", "--postgres", cluster.url()])
        // Both sites at once: the hub's connection is taken in turns, each batch one transaction.
        let results = try [a, b].map { site -> (Process, URL) in
            let output = URL(fileURLWithPath: scratch.path("sync-\(URL(fileURLWithPath: site).lastPathComponent).err"))
            FileManager.default.createFile(atPath: output.path, contents: nil)
            let process = Process()
            process.executableURL = MyologProcess.binary
            process.arguments = ["--store", site, "sync", server.url, "--batch-size", "7"]
            process.environment = MyologProcess.environment()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: output)
            try process.run()
            return (process, output)
        }
        for (process, output) in results {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
        }
        // The server restarts (as by a crash or a failover) while `hub serve` stays up: the
        // hub opens its connection again at the next request.
        try cluster.stop(mode: "immediate")
        try cluster.start()
        // A second round brings each site what the other sent meanwhile.
        for site in [a, b] { try run(["--store", site, "sync", server.url], cluster) }
        let log = server.stop()
        #expect(!log.contains("error"), "\(log)")
        let listed = try run(["--store", a, "--json", "patients"], cluster).stdout
        #expect(try run(["--store", b, "--json", "patients"], cluster).stdout == listed)
        #expect(try run(["--store", hub, "--json", "hub", "patients", "--postgres", cluster.url()], cluster).stdout == listed)
        for patient in try patientIDs(a) {
            #expect(try run(["--store", hub, "--json", "hub", "show", patient], cluster).stdout == (try run(["--store", b, "--json", "show", patient], cluster).stdout))
        }
        try run(["--store", hub, "hub", "verify"], cluster)
        // The hub recorded what it disclosed to each site.
        let audit = try run(["--store", hub, "--json", "audit", "list"], cluster).stdout
        #expect(audit.contains("\"command\":\"hub serve\""), "\(audit.prefix(400))")
    }

    /// Starts `hub sync` in the background and returns it once the hub's log has grown past
    /// `beyond` events: mid-sync, with batches committed and more to come.
    func syncInFlight(hub: String, site: String, _ cluster: PostgresCluster, beyond: Int, errors: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = MyologProcess.binary
        process.arguments = ["--store", hub, "hub", "sync", site, "--batch-size", "20"]
        process.environment = environment(cluster)
        process.standardOutput = FileHandle.nullDevice
        if let errors {
            FileManager.default.createFile(atPath: errors, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        for _ in 0..<600 where process.isRunning {
            if let count = Int(try cluster.psql("SELECT count(*) FROM myolog.events")), count > beyond { break }
            usleep(20_000)
        }
        return process
    }

    func eventTally(_ cluster: PostgresCluster) throws -> String {
        try cluster.psql("SELECT count(*) || ' events, ' || (count(*) - count(DISTINCT id)) || ' duplicate ids' FROM myolog.events")
    }

    @Test("kill -9 of the hub mid-sync, and the server stopped with pg_ctl -m immediate mid-sync: whole batches only, nothing lost or duplicated after a re-run; hub verify clean")
    func crashes() throws {
        let cluster = try PostgresCluster()
        let hub = scratch.path("hub"), site = scratch.path("site")
        try run(["--store", site, "demo", "generate", "--patients", "60", "--events-per-patient", "50", "--seed", "9"], cluster)
        try run(["--store", hub, "hub", "init", "--postgres", cluster.url(password: ""), "--site", "Head office"], cluster)
        try MyologProcess.trustEachOther(site, hub)
        let siteEvents = Int(try DatabaseQueue(path: site + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") } ?? 0)

        // The hub's process killed outright.
        let killed = try syncInFlight(hub: hub, site: site, cluster, beyond: 200)
        #expect(killed.isRunning, "the sync ended before it could be killed: make the site larger")
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        let partial = Int(try cluster.psql("SELECT count(*) FROM myolog.events"))!
        #expect(partial > 1 && partial < siteEvents, "\(partial) of \(siteEvents)")
        try run(["--store", hub, "hub", "verify"], cluster)

        // The server stopped as by a power cut, mid-sync (the sync resumes from what committed).
        let stopped = try syncInFlight(hub: hub, site: site, cluster, beyond: partial + 200, errors: scratch.path("stopped.err"))
        #expect(stopped.isRunning, "the sync ended before the server could be stopped")
        try cluster.stop(mode: "immediate")
        for _ in 0..<300 where stopped.isRunning { usleep(100_000) }
        // A statement sent after the server vanished once left the sync waiting forever
        // (PostgresNIO drops a write to a closed channel); `HubConnection` fails it instead.
        #expect(!stopped.isRunning, "the sync did not end within 30 s of its server stopping")
        if stopped.isRunning { kill(stopped.processIdentifier, SIGKILL) }
        stopped.waitUntilExit()
        #expect(stopped.terminationStatus != 0)
        let said = (try? String(contentsOfFile: scratch.path("stopped.err"), encoding: .utf8)) ?? ""
        #expect(stopped.terminationReason == .exit)
        #expect(said.split(separator: "\n").count == 1 && said.contains("hub: the connection to PostgreSQL was lost") && said.contains("rolled back"), "\(said)")
        try cluster.start()
        try run(["--store", hub, "hub", "verify"], cluster)
        let siteIDs = try DatabaseQueue(path: site + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT id FROM events") }
        let resumed = try run(["--store", hub, "hub", "sync", site], cluster)
        #expect(resumed.stdout.contains("hub received"), "\(resumed.stdout)")
        try run(["--store", hub, "hub", "verify"], cluster)
        // Every site event is in the hub once (the site also holds the hub's enrolment; the hub
        // its own chain and the site's access records).
        #expect(try eventTally(cluster).hasSuffix(", 0 duplicate ids"))
        let held = Set(try cluster.psql("SELECT id FROM myolog.events").split(separator: "\n").map(String.init))
        #expect(siteIDs.filter { !held.contains($0) }.isEmpty, "site events missing at the hub after the re-run")
        // The views are whole too: the hub lists what the site lists.
        #expect(try run(["--store", hub, "--json", "hub", "patients"], cluster).stdout == (try run(["--store", site, "--json", "patients"], cluster).stdout))
    }

    @Test("hub sync --collect: head office takes a site's records (readable, views built) and sends it none of the chain's other records, by path and over HTTPS")
    func collect() throws {
        let cluster = try PostgresCluster()
        let (hub, sites) = try chain(cluster, patients: 3, eventsPerPatient: 8, seed: 31)
        func foreignEvents(_ site: String) throws -> [String] {
            try DatabaseQueue(path: site + "/myolog.sqlite").read { db in
                try String.fetchAll(db, sql: "SELECT type FROM events WHERE origin NOT IN (SELECT id FROM nodes WHERE isLocal = 1)")
                    + String.fetchAll(db, sql: "SELECT 'held' FROM held_events")
            }
        }
        try run(["--store", hub, "hub", "sync", sites[0]], cluster)  // the hub now holds a's records, and a the hub's
        try run(["--store", hub, "hub", "sync", "--collect", sites[1]], cluster)
        let server = try HTTPSyncCLITests.Server(store: sites[2], scratch: scratch, name: "serve-c")
        try run(["--store", hub, "hub", "sync", "--collect", server.url], cluster)
        _ = server.stop()
        let (atB, atC) = (try foreignEvents(sites[1]), try foreignEvents(sites[2]))
        // Each holds the hub's enrolment (its public keys, for sealing patient keys to it), nothing else.
        #expect(atB == ["NodeEnrolled"], "b was sent more than the hub's enrolment: \(atB)")
        #expect(atC == ["NodeEnrolled"], "c was sent more than the hub's enrolment: \(atC)")
        // Everything collected is readable at the hub, as each site shows it.
        for site in sites[1...] {
            for patient in try patientIDs(site) {
                #expect(try run(["--store", hub, "--json", "hub", "show", patient], cluster).stdout == (try run(["--store", site, "--json", "show", patient], cluster).stdout))
            }
        }
        try run(["--store", hub, "hub", "verify"], cluster)
    }

    @Test("an erasure at a site reaches the hub: key and view rows gone, the record refused, the chain intact")
    func erasure() throws {
        let cluster = try PostgresCluster()
        let hub = scratch.path("hub"), site = scratch.path("site")
        try run(["demo", "tour", "--store", site], cluster)
        try run(["--store", hub, "hub", "init", "--postgres", cluster.url(password: ""), "--site", "Head office"], cluster)
        try MyologProcess.trustEachOther(site, hub)
        try run(["--store", hub, "hub", "sync", site], cluster)
        let patient = try patientIDs(site).first!
        // The key is kept in the hub's store directory (SQLite), never in PostgreSQL.
        #expect(try hubKeyCount(hub, patient) == 1)
        #expect(try cluster.psql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'myolog' AND table_name = 'patient_keys'") == "0")
        #expect(try cluster.psql("SELECT count(*) FROM myolog.patients WHERE patient = '\(patient)'") == "1")
        try run(["--store", site, "--as", "privacy.officer", "erase", "--yes", patient, "--basis", "request", "--reason", "Written request"], cluster)
        try run(["--store", hub, "hub", "sync", site], cluster)
        #expect(try hubKeyCount(hub, patient) == 0)
        for table in ["patients", "pain_scores", "trigger_points", "techniques", "visits", "adverse_events"] {
            #expect(try cluster.psql("SELECT count(*) FROM myolog.\(table) WHERE patient = '\(patient)'") == "0", "\(table)")
        }
        #expect(try cluster.psql("SELECT count(*) FROM myolog.erased_patients WHERE patient = '\(patient)'") == "1")
        let shown = try run(["--store", hub, "hub", "show", patient], cluster, status: 1)
        #expect(shown.stderr.split(separator: "\n").count == 1 && shown.stderr.contains("was erased on") && shown.stderr.contains("by privacy.officer (request): Written request"), "\(shown.stderr)")
        try run(["--store", hub, "hub", "verify"], cluster)
    }

    @Test("adverse events reach the hub de-identified (terms and ids, no note), with their chain-wide rate per technique; an erasure takes them")
    func adverseEvents() throws {
        let cluster = try PostgresCluster()
        let hub = scratch.path("hub"), site = scratch.path("site")
        try run(["demo", "tour", "--store", site], cluster)
        try run(["--store", hub, "hub", "init", "--postgres", cluster.url(password: ""), "--site", "Head office"], cluster)
        try MyologProcess.trustEachOther(site, hub)
        try run(["--store", hub, "hub", "sync", site], cluster)
        // The demo's one adverse event: Mia's bruise after dry needling.
        let mia = try #require(try DatabaseQueue(path: site + "/myolog.sqlite").read { try String.fetchOne($0, sql: "SELECT patient FROM adverse_events") })
        #expect(try cluster.psql("SELECT patient || ' ' || kind || ' ' || severity || ' ' || technique FROM myolog.adverse_events") == "\(mia) bruising mild dry-needling")
        let columns = try cluster.psql("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_schema = 'myolog' AND table_name = 'adverse_events'")
        #expect(columns == "after,event,kind,occurred_at,origin,patient,severity,technique", "no note leaves the site: \(columns)")
        let techniques = try cluster.psql("SELECT count(*) FROM myolog.techniques WHERE technique = 'dry-needling'")
        #expect(try cluster.psql("SELECT applied || ' ' || adverse_events FROM myolog.adverse_event_rates WHERE technique = 'dry-needling'") == "\(techniques) 1")
        #expect(try cluster.psql("SELECT adverse_events FROM myolog.adverse_event_rates WHERE technique = 'cupping'") == "0")
        try run(["--store", site, "--as", "privacy.officer", "erase", "--yes", mia, "--basis", "request", "--reason", "Written request"], cluster)
        try run(["--store", hub, "hub", "sync", site], cluster)
        #expect(try cluster.psql("SELECT count(*) FROM myolog.adverse_events") == "0")
    }

    @Test("the hub passes an erasure on: B trusts the hub and the patient's site, not C; C's erasure reaches B through the hub's signed acknowledgement — issue 29")
    func erasureRelayedByTheHub() throws {
        let cluster = try PostgresCluster()
        let hub = scratch.path("hub"), site = scratch.path("site"), b = scratch.path("b"), c = scratch.path("c")
        try run(["demo", "tour", "--store", site], cluster)
        try run(["--store", hub, "hub", "init", "--postgres", cluster.url(password: ""), "--site", "Head office"], cluster)
        for (store, name) in [(b, "B"), (c, "C")] { try run(["--store", store, "init", "--site", name], cluster) }
        try MyologProcess.trustEachOther(site, hub)
        try MyologProcess.trustEachOther(c, hub)
        try MyologProcess.trustEachOther(c, site)
        try MyologProcess.trustEachOther(b, hub)
        try MyologProcess.trustEachOther(b, site)
        try run(["--store", c, "sync", site], cluster)
        try run(["--store", b, "sync", site], cluster)
        let patient = try patientIDs(site).first!
        #expect(try patientIDs(b).contains(patient))
        try run(["--store", c, "--as", "privacy.officer", "erase", "--yes", patient, "--basis", "request", "--reason", "Written request"], cluster)
        try run(["--store", hub, "hub", "sync", c], cluster)
        #expect(try cluster.psql("SELECT count(*) FROM myolog.events WHERE type = 'ErasureAcknowledged' AND patient = '\(patient)'") == "1")
        try run(["--store", hub, "hub", "sync", b], cluster)
        let shown = try MyologProcess.run(["--store", b, "show", patient], environment: environment(cluster))
        #expect(shown.status == 1 && shown.stderr.contains("was erased on") && shown.stderr.contains("(request): Written request"), "\(shown.stderr)")
        #expect(try MyologProcess.run(["--store", b, "verify"], environment: environment(cluster)).status == 0)
        try run(["--store", hub, "hub", "verify"], cluster)
    }

    /// How many keys of `patient` the hub's store directory holds (its SQLite `patient_keys`).
    func hubKeyCount(_ hub: String, _ patient: String) throws -> Int {
        try DatabaseQueue(path: hub + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM patient_keys WHERE patient = ?", arguments: [patient]) ?? 0 }
    }

    /// Every file under `directory` (recursively) holding any of `needles`, with the needle's index.
    static func filesHolding(_ needles: [Data], under directory: String) -> [String] {
        var found: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return ["cannot list \(directory)"] }
        for case let relative as String in walker {
            let path = directory + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let contents = FileManager.default.contents(atPath: path) else { continue }
            for (index, needle) in needles.enumerated() where contents.range(of: needle) != nil { found.append("\(relative) holds needle \(index)") }
        }
        return found
    }

    @Test("issue 29: the hub writes no identifying plaintext into PostgreSQL — after an erasure, CHECKPOINT and VACUUM, no file of the cluster (pg_wal included) holds the patient's name, visit reason or wrapped key, and the hub's store directory no longer holds the key")
    func erasureLeavesNothingInPostgres() throws {
        let cluster = try PostgresCluster()
        let (hub, sites) = try chain(cluster, patients: 2, eventsPerPatient: 6, seed: 40)
        let nameToken = "Zyxwquorth" + String(UInt32.random(in: 100_000...999_999)), reasonToken = "Plexivanthic" + String(UInt32.random(in: 100_000...999_999))
        try run(["--store", sites[0], "patient", "register", "--name", "Ada \(nameToken)", "--dob", "1971-04-09", "--email", "\(nameToken.lowercased())@example.org"], cluster)
        let listed = try JSONParser.parse(try run(["--store", sites[0], "--json", "patients"], cluster).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let patient = try #require(listed.arrayValue?.compactMap(\.objectValue).first { $0["name"]?.stringValue == "Ada \(nameToken)" }?["patientId"]?.stringValue)
        try run(["--store", sites[0], "visit", "start", patient, "--reason", "\(reasonToken) after a fall"], cluster)
        try run(["--store", sites[0], "record", "pain", patient, "--score", "6", "--region", "neck"], cluster)
        for site in sites { try run(["--store", hub, "hub", "sync", site], cluster) }
        #expect(try run(["--store", hub, "hub", "show", patient], cluster).stdout.contains(nameToken))
        #expect(try run(["--store", hub, "hub", "patients"], cluster).stdout.contains(nameToken))
        let wrapped = try #require(try DatabaseQueue(path: hub + "/myolog.sqlite").read { try Data.fetchOne($0, sql: "SELECT wrapped FROM patient_keys WHERE patient = ?", arguments: [patient]) })
        let needles = [Data(nameToken.utf8), Data(reasonToken.utf8), wrapped, Data(wrapped.base64EncodedString().utf8), Data(wrapped.map { String(format: "%02x", $0) }.joined().utf8)]
        // Before the erasure: the check sees what PostgreSQL holds (the patient's id, in the log
        // and the de-identified views) — and never the name, the reason or the key.
        try cluster.psql("CHECKPOINT")
        #expect(!Self.filesHolding([Data(patient.utf8)], under: cluster.data).isEmpty, "the grep finds nothing at all: it proves nothing")
        #expect(Self.filesHolding(needles, under: cluster.data) == [], "before the erasure")
        #expect(try cluster.psql("SELECT birth_year FROM myolog.patients WHERE patient = '\(patient)'") == "1971")
        #expect(try cluster.psql("SELECT count(*) FROM myolog.visits WHERE patient = '\(patient)'") == "1")

        try run(["--store", sites[0], "--as", "privacy.officer", "erase", "--yes", patient, "--basis", "request", "--reason", "Written request"], cluster)
        try run(["--store", hub, "hub", "sync", sites[0]], cluster)
        _ = try run(["--store", hub, "hub", "show", patient], cluster, status: 1)
        try run(["--store", hub, "hub", "verify"], cluster)
        #expect(try hubKeyCount(hub, patient) == 0)
        try cluster.psql("CHECKPOINT")
        try cluster.psql("VACUUM")
        try cluster.psql("CHECKPOINT")
        #expect(Self.filesHolding(needles, under: cluster.data) == [], "after the erasure, CHECKPOINT and VACUUM, server running")
        try cluster.stop()
        #expect(Self.filesHolding(needles, under: cluster.data) == [], "after the erasure, server stopped")
        // The hub's store directory: the key row deleted under secure_delete, the WAL checkpointed.
        #expect(Self.filesHolding([wrapped], under: hub) == [], "the hub's store directory still holds the erased patient's key")
        #expect(!FileManager.default.fileExists(atPath: hub + "/" + EventStore.erasureCheckpointFileName))
    }

    @Test("refused in one line, nothing written: unreachable server, wrong password, a foreign schema, another hub's database, no hub, an untrusted site")
    func refusals() throws {
        let cluster = try PostgresCluster()
        let site = scratch.path("site")
        try run(["demo", "tour", "--store", site], cluster)
        func refused(_ arguments: [String], _ expected: String, environment extra: [String: String] = [:]) throws {
            let result = try MyologProcess.run(arguments, environment: environment(cluster).merging(extra) { _, new in new })
            #expect(result.status != 0 && result.stdout.isEmpty, "\(arguments): \(result.stdout)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains(cluster.password) && !result.stderr.contains("wrong-secret"), "a password was printed: \(result.stderr)")
        }
        let closed = PostgresCluster.freePort()
        try refused(["--store", scratch.path("h1"), "hub", "init", "--postgres", "postgres://myolog@127.0.0.1:\(closed)/postgres", "--site", "H"], "cannot reach PostgreSQL at postgres://myolog@127.0.0.1:\(closed)/postgres")
        // (Passwords from PGPASSWORD: one in the URL adds a warning line — HubTLSTests.)
        try refused(["--store", scratch.path("h2"), "hub", "init", "--postgres", cluster.url(password: ""), "--site", "H"], "refused the login",
                    environment: ["PGPASSWORD": "wrong-secret"])
        try refused(["--store", scratch.path("h3"), "hub", "init", "--postgres", cluster.url(database: "nowhere", password: ""), "--site", "H"], "has no such database")
        try refused(["--store", scratch.path("h4"), "hub", "init", "--postgres", "mysql://x@y/z", "--site", "H"], "--postgres: expected a URL postgres://")
        // A schema of the same name that some other application made.
        try cluster.psql("CREATE DATABASE other")
        try cluster.psql("CREATE SCHEMA myolog; CREATE TABLE myolog.invoices (id int)", database: "other")
        try refused(["--store", scratch.path("h5"), "hub", "init", "--postgres", cluster.url(database: "other", password: ""), "--site", "H"], "not a Myolog hub's (tables invoices)")
        #expect(try cluster.psql("SELECT string_agg(table_name, ',') FROM information_schema.tables WHERE table_schema = 'myolog'", database: "other") == "invoices")
        // One hub per database: a second node is refused, the first's log untouched.
        try run(["--store", scratch.path("hub"), "hub", "init", "--postgres", cluster.url(password: ""), "--site", "Head office"], cluster)
        let before = try cluster.psql("SELECT count(*) || ':' || string_agg(hash, ',' ORDER BY origin, sequence) FROM myolog.events")
        try refused(["--store", scratch.path("h6"), "hub", "init", "--postgres", cluster.url(password: ""), "--site", "H"], "holds the log of hub node")
        try refused(["--store", scratch.path("h7"), "hub", "verify"], "no store")
        // A database without a hub, for a command that needs one.
        try cluster.psql("CREATE DATABASE empty")
        _ = try MyologProcess.run(["--store", scratch.path("h8"), "init", "--site", "H8"])
        try refused(["--store", scratch.path("h8"), "hub", "verify", "--postgres", cluster.url(database: "empty", password: "")], "no hub in the database")
        // The hub does not take a site it has not trusted (nor a site the hub's node).
        try refused(["--store", scratch.path("hub"), "hub", "sync", site], "not in this store's trust list")
        // Nor over HTTPS: the site's server, untrusted, is refused before anything is sent; and
        // plain HTTP is refused with the reason.
        let served = try HTTPSyncCLITests.Server(store: site, scratch: scratch, name: "untrusted-site")
        try refused(["--store", scratch.path("hub"), "hub", "sync", served.url], "which this store does not trust; nothing was sent")
        try refused(["--store", scratch.path("hub"), "hub", "sync", served.url.replacingOccurrences(of: "https://", with: "http://")], "plain HTTP carries no record data")
        _ = served.stop()
        #expect(try cluster.psql("SELECT count(*) || ':' || string_agg(hash, ',' ORDER BY origin, sequence) FROM myolog.events") == before)
        // Nothing was made where the server could not be used.
        for failed in ["h1", "h2", "h3", "h4", "h5", "h6", "h7"] { #expect(!FileManager.default.fileExists(atPath: scratch.path(failed)), "\(failed)") }
    }
}
