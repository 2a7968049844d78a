import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel
import Foundation
import EventCrypto

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a store: one directory for one clinic machine.",
        discussion: """
            Creates the directory (mode 0700) with the SQLite log and this machine's Ed25519 node
            key (node.key, mode 0600). The node id is derived from the public key. Refuses to
            touch a directory that already holds a store or any other file.

            The person creating it (--as or $MYOLOG_USER) becomes the store's first user: its
            practice manager and a therapist (a solo practice is one person) unless --role says
            otherwise. Their own Ed25519 key is made in their configuration directory
            ($XDG_CONFIG_HOME/myolog/users/NAME.key, mode 0600; $MYOLOG_USER_KEY names another
            path) if they have none, and every event they write is signed with it. Without a
            user the store keeps plain author names, as stores made before people had keys.

            The site's time zone (--time-zone, default the machine's) is recorded with it: every
            screen shows times in it and dates typed are read in it, whatever the machine's zone.
            `myolog site time-zone` changes it later.

            Examples:
              myolog init --site "Fitzroy clinic" --store ~/myolog --time-zone Australia/Melbourne --as alex --display "Alex Ng"
              MYOLOG_STORE=/srv/myolog myolog init --site "Brunswick" --json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The clinic site this machine belongs to.", valueName: "name"))
    var site: String

    @Option(name: .customLong("time-zone"), help: ArgumentHelp("The site's time zone, an IANA name (default: the machine's).", valueName: "zone"),
            transform: SiteTimeZoneCommand.zone)
    var timeZone: SiteTimeZoneSet?

    @Option(help: ArgumentHelp("The first user's name as people see it (default: the user name).", valueName: "name"))
    var display: String?

    @Option(name: .customLong("role"), help: ArgumentHelp("A role of the first user (repeatable; default: practice-manager and therapist).", valueName: "role"))
    var roles: [UserRoleArgument] = []

    @Option(help: ArgumentHelp("The first user's professional registration number, if any.", valueName: "number"))
    var registration: String?

    func validate() throws {
        if let user = global.user, !UserName.isValid(user) { throw PeopleError.invalidUserName(user) }
        if global.user == nil, display != nil || !roles.isEmpty || registration != nil {
            throw ValidationError("as: --display, --role and --registration describe the store's first user; give the user with --as NAME")
        }
    }

    func run() throws {
        let zone = try timeZone ?? Self.machineZone()
        let directory = try global.storeDirectory()
        let existed = FileManager.default.fileExists(atPath: directory.path)
        let author = global.user ?? "myolog init"
        // The founder's key before anything is created: a key that cannot be read or made
        // leaves no store behind.
        let key = try global.user.map { try UserKeyCommand.ownKey(of: $0, environment: global.environment, creating: true) }
        let store = try global.createStore(at: directory, site: site, author: author)
        do {
            if let key {
                let roles = self.roles.isEmpty ? ["practice-manager", "therapist"] : self.roles.map(\.rawValue)
                try store.foundFirstUser(key.key, displayName: display ?? key.key.user, roles: roles, registration: registration)
                if key.created { FileHandle.standardError.write(Data("myolog: made \(key.key.user)'s key at \(key.key.path)\n".utf8)) }
            }
            try ClinicalRecord(store: store).write { try $0.setSiteTimeZone(zone.zone, author: author) }
        } catch {
            // A store without its zone would read every time on the machine's: none is left.
            if !existed { try? FileManager.default.removeItem(at: directory) }
            throw error
        }
        if global.json {
            print(JSONValue.object([
                "nodeId": .string(store.identity.nodeID.rawValue), "site": .string(site), "store": .string(store.directory.path), "timeZone": .string(zone.zone),
            ]).canonicalString)
        } else {
            print("Created store for site \"\(site)\" at \(store.directory.path); node \(store.identity.nodeID); times in \(zone.zone)")
        }
    }

    /// The machine's zone, when it is an IANA name; else UTC, said on stderr so the site can set
    /// its own.
    static func machineZone() throws -> SiteTimeZoneSet {
        let identifier = TimeZone.current.identifier
        if !SiteClock.utcNames.contains(identifier), let zone = try? SiteTimeZoneSet(zone: identifier) { return zone }
        // Foundation names UTC `Etc/UTC` (and any `TZ` it cannot read, such as the POSIX
        // `AEST-10`, too): UTC, said only when `TZ` asked for something else.
        let asked = ProcessInfo.processInfo.environment["TZ"].map { $0.trimmingPrefix(":") } ?? ""
        if !SiteClock.utcNames.contains(identifier) || !(asked.isEmpty || SiteClock.utcNames.contains(String(asked))) {
            FileHandle.standardError.write(Data("myolog: this machine's time zone (\(asked.isEmpty ? identifier : String(asked))) is not an IANA name; the site's zone is UTC — set it with --time-zone or `myolog site time-zone`\n".utf8))
        }
        return try SiteTimeZoneSet(zone: "UTC")
    }
}
