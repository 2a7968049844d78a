import ArgumentParser
import ChainHub
import EventLog
import Foundation
import EventModel

struct HubInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make a hub: a store directory for its identity, and its schema in a PostgreSQL database.",
        discussion: """
            Creates the store directory (as `myolog init`: node key, site) unless it already holds
            a store, then the schema "myolog" in the database (named, append-only migrations), and
            copies the hub node's enrolment into it. Run again, it brings an older schema forward.
            Refuses a database whose "myolog" schema is not a hub's or is another node's hub, a
            server older than PostgreSQL 15, and a server reached over the network without TLS
            (sslmode require, verify-ca or verify-full). Remembers the server, sslmode and
            sslrootcert in DIR/hub.json — never the password.

            Examples:
              myolog --store /srv/hub hub init --postgres "postgres://myolog@db.internal:5432/myolog?sslmode=verify-full&sslrootcert=/etc/myolog/db-ca.pem" --site "Head office"
              PGHOST=db.internal PGUSER=myolog PGDATABASE=myolog PGSSLMODE=require myolog --store /srv/hub hub init --site "Head office" --postgres-password-file /etc/myolog/db-password
              myolog --store /srv/hub hub init --postgres postgres://myolog@localhost/myolog --site "Head office"   # password from ~/.pgpass
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: HubOptions
    @Option(help: ArgumentHelp("The hub's site name (for a new store directory).", valueName: "name")) var site: String

    func run() async throws {
        let directory = try global.storeDirectory()
        let postgres = try server.resolved(store: directory, environment: global.environment)
        let existing = FileManager.default.fileExists(atPath: directory.appendingPathComponent("node.key").path)
        // A new hub's directory is made only once the database is known to be usable and free.
        if !existing { try await Hub.checkFree(server: postgres) }
        let store = existing ? try global.openStore() : try global.createStore(at: directory, site: site, author: global.user ?? "myolog hub init")
        try global.require(.syncRecords, in: store)
        let hub = try await Hub.initialise(store: store, server: postgres)
        await hub.close()
        try HubOptions.remember(postgres, in: directory)
        if global.json {
            print(JSONValue.object(["nodeId": .string(store.identity.nodeID.rawValue), "site": .string(store.identity.site), "store": .string(directory.path),
                                    "postgres": .string(postgres.description)]).canonicalString)
        } else {
            print("Hub node \(store.identity.nodeID) (\"\(store.identity.site)\") keeps its log in \(postgres.description); its identity is in \(directory.path)")
        }
    }
}
