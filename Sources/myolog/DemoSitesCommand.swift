import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation
import ClinicalFold
import Projections
import EventModel
import EventSync
import EventCrypto

struct DemoSitesCommand: AsyncParsableCommand {
    /// The demo clinic's practice manager, who founds both stores.
    static let manager = "practice.manager"
    /// The demo clinic's people.
    static let people: [(name: String, display: String, role: String, registration: String?)] = [
        (manager, "Dana Reid", "practice-manager", nil),
        ("frontdesk.jo", "Jo Park", "front-desk", nil), ("frontdesk.sam", "Sam Ortiz", "front-desk", nil), ("frontdesk.kai", "Kai Brown", "front-desk", nil),
        ("myo.sam", "Sam Lee", "therapist", "MAA 10231"), ("myo.priya", "Priya Shah", "therapist", "MAA 20877"),
    ]

    static let configuration = CommandConfiguration(
        commandName: "sites",
        abstract: "Two clinic sites, Carlton and Fitzroy, working offline and syncing: a conflict found and resolved.",
        discussion: """
            Builds two stores in a new temporary directory (or under --dir): Carlton holds the
            sample patients; Fitzroy starts empty and syncs. Then both front desks change one
            patient's phone number while offline, and a Fitzroy clinician records a visit. The next
            sync brings the visit to Carlton and finds the concurrent edit: both values are kept
            and shown as a conflict, until a later edit that has seen both resolves it. Both sites
            end with byte-identical views.

            The clinic has people: a practice manager founds both stores and adds three front desks
            and two myotherapists, each with their own key (in DIR/config, which the commands it
            suggests afterwards use); every event they write carries their role and signature.

            Examples:
              myolog demo
              myolog demo sites --dir /tmp/two-sites
            """)

    @Option(help: ArgumentHelp("An empty or new directory for the two stores (default: a new temporary directory).", valueName: "dir"))
    var dir: String?

    @Flag(name: .long, help: "Print a JSON summary instead of the walk-through.")
    var json = false

    func run() async throws {
        let root: URL
        if let dir {
            root = URL(fileURLWithPath: (dir as NSString).expandingTildeInPath)
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
            guard contents.isEmpty else { throw ValidationError("dir: \(dir) is not empty; give a new or empty directory") }
        } else {
            root = try DemoDirectory.makeTemporary(field: "dir")
        }
        let projections = GlobalOptions.projections
        let carlton = try EventStore.create(at: root.appendingPathComponent("carlton"), site: "Carlton", author: Self.manager, projections: projections)
        let fitzroy = try EventStore.create(at: root.appendingPathComponent("fitzroy"), site: "Fitzroy", author: Self.manager, projections: projections)
        // The clinic's people, each with their own key (XDG_CONFIG_HOME=DIR/config): the practice
        // manager founds both stores (one person, one key) and adds the others at Carlton;
        // Fitzroy learns of them at its first sync.
        let config = root.appendingPathComponent("config")
        var keys: [String: UserKey] = [:]
        for person in Self.people { keys[person.name] = try UserKey.create(user: person.name, at: UserKey.path(for: person.name, environment: ["XDG_CONFIG_HOME": config.path])) }
        for store in [carlton, fitzroy] {
            try store.foundFirstUser(keys[Self.manager]!, displayName: "Dana Reid", roles: ["practice-manager", "therapist"], registration: nil)
        }
        for person in Self.people where person.name != Self.manager {
            try carlton.addUser(person.name, displayName: person.display, roles: [person.role], registration: person.registration,
                                key: keys[person.name]!.publicKey, by: Self.manager)
            try carlton.signIn(keys[person.name]!)
        }
        let carltonRecord = ClinicalRecord(store: carlton), fitzroyRecord = ClinicalRecord(store: fitzroy)
        let summary = try DemoClinic.populate(carltonRecord, author: "myo.sam")
        let (mia, miaName) = summary.patients[0]
        let (liam, _) = summary.patients[1]
        let printer = SyncReportPrinter(json: false)
        func say(_ text: String) {
            // print, like the sync report, so the two interleave in order.
            if !json { print(text, terminator: "") }
        }
        func sync(_ title: String) async throws {
            say("\n\(title)\n$ myolog --store \(fitzroy.directory.path) sync \(carlton.directory.path)\n")
            if json {
                _ = try await LogExchange.sync(fitzroy, with: carlton)
            } else {
                _ = try await printer.run(fitzroy) { try await LogExchange.sync(fitzroy, with: carlton) }
            }
        }

        say("Two sites of one clinic, each with its own store (one directory = one machine):\n")
        say("  Carlton  \(carlton.directory.path)  node \(carlton.identity.nodeID)  — \(summary.patients.count) sample patients\n")
        say("  Fitzroy  \(fitzroy.directory.path)  node \(fitzroy.identity.nodeID)  — new, empty\n")
        say("\n0. Each site's operator adds the other machine to its trust list (node ids read off `myolog id`):\n")
        say("$ myolog --store \(carlton.directory.path) peer add \(fitzroy.identity.nodeID) --name Fitzroy\n")
        try carlton.write { try $0.trustPeer(fitzroy.identity.nodeID, name: "Fitzroy", author: Self.manager) }
        say("$ myolog --store \(fitzroy.directory.path) peer add \(carlton.identity.nodeID) --name Carlton\n")
        try fitzroy.write { try $0.trustPeer(carlton.identity.nodeID, name: "Carlton", author: Self.manager) }
        try await sync("1. Fitzroy joins: one sync brings Carlton's records and people (and Carlton gets Fitzroy's enrolment).")
        for person in Self.people where person.name != Self.manager { try fitzroy.signIn(keys[person.name]!) }

        // Offline at both sites: the same field changed twice, and a visit at Fitzroy.
        _ = try carltonRecord.write { try $0.updatePatient(IDReference(mia), changes: ["phone": "+61 3 9555 0199"], author: "frontdesk.jo") }
        _ = try fitzroyRecord.write { try $0.updatePatient(IDReference(mia), changes: ["phone": "0412 555 303"], author: "frontdesk.kai") }
        _ = try fitzroyRecord.write { s in
            let p = IDReference(liam)
            try s.startVisit(p, reason: "Review of left hip; running 20 km/week again", author: "myo.priya")
            try s.recordPain(p, score: 3, region: "hip", context: "pre", author: "myo.priya")
            try s.recordTriggerPoint(p, muscle: "gluteus medius", side: "left", status: "latent", author: "myo.priya")
            try s.recordConsent(p, technique: "dry needling", form: "verbal", risks: "Soreness, bruising, fainting", author: "myo.priya")
            try s.recordTechnique(p, technique: "dry needling", region: "hip", minutes: 10, needling: .init(needles: 2, gauge: try NeedleGauge(parsing: "0.30"), depth: 40),
                                  author: "myo.priya")
            try s.recordPain(p, score: 1, region: "hip", context: "post", author: "myo.priya")
            return try s.endVisit(p, note: "Progress hip abduction to banded; review in 4 weeks", author: "myo.priya")
        }
        say("""

            2. Offline, both front desks change \(miaName)'s phone: Carlton writes +61 3 9555 0199,
               Fitzroy writes 0412 555 303. A Fitzroy myotherapist records a visit for Liam
               (his consent to dry needling, then two needles in gluteus medius).

            """)
        try await sync("3. They sync: the visit reaches Carlton, and the concurrent edit is found.")
        let conflicts = try carlton.read { try PatientViews($0).conflicts() }
        say("\n$ myolog --store \(carlton.directory.path) conflicts\n" + ConflictRendering.text(conflicts, clock: try carlton.siteClock()))
        say("   Both values are kept; the view shows one by a fixed rule (Lamport time, then node id), the same at both sites.\n")

        _ = try carltonRecord.write { try $0.updatePatient(IDReference(mia), changes: ["phone": "0412 555 303"], author: "frontdesk.jo") }
        say("\n4. Carlton's front desk calls \(miaName), confirms 0412 555 303 and records it: an edit that has seen both.\n")
        try await sync("5. They sync again: the conflict is resolved everywhere.")
        let remaining = try fitzroy.read { try PatientViews($0).conflicts() }
        say("\n$ myolog --store \(fitzroy.directory.path) conflicts\n" + ConflictRendering.text(remaining, clock: try fitzroy.siteClock()))

        func views(_ store: EventStore) throws -> String {
            try store.read { reader in
                let views = PatientViews(reader)
                return try summary.patients.map { try views.show($0.id).map(CanonicalEncoder().string) ?? "" }.joined(separator: "\n")
            }
        }
        let identical = try views(carlton) == views(fitzroy)
        let counts = try [carlton, fitzroy].map { store in try store.read { try $0.eventCount() } }
        if json {
            print(JSONValue.object([
                "directory": .string(root.path), "carlton": .string(carlton.directory.path), "fitzroy": .string(fitzroy.directory.path),
                "events": .array(counts.map(JSONValue.int)), "conflictsFound": .int(conflicts.count), "conflictsLeft": .int(remaining.count),
                "identicalViews": .bool(identical),
            ]).canonicalString)
            return
        }
        let myolog = DemoDirectory.invocation
        say("""

            Both sites hold \(counts[0]) and \(counts[1]) events; every patient's view is byte-identical at both: \(identical ? "yes" : "NO").
            (The \(miaName) record keeps the whole story: `myolog timeline`, `myolog history EVENT`.)

            Explore (each line runs as printed; every read of patient data is recorded under the user
            who signs in with their own key — here Sam Lee, a myotherapist; `user list` shows the others):
              export XDG_CONFIG_HOME=\(config.path) MYOLOG_USER=myo.sam
              \(myolog) --store \(carlton.directory.path) user list
              \(myolog) --store \(carlton.directory.path) show \(mia.rawValue.prefix(8))
              \(myolog) --store \(fitzroy.directory.path) timeline \(liam.rawValue.prefix(8))
              \(myolog) --store \(fitzroy.directory.path) serve --listen 127.0.0.1:8417 & sleep 1
              \(myolog) --store \(carlton.directory.path) sync https://127.0.0.1:8417   # mutual TLS, node ids pinned
              kill %1                     # stop the server
              \(myolog) --store \(carlton.directory.path) audit   # who was shown which record, at both sites
              \(myolog) demo tour         # one store with the sample patients and its whole log

            """)
    }
}
