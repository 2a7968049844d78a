import ArgumentParser

struct HubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "A chain-wide hub: a node whose log and patient views live in PostgreSQL.",
        discussion: """
            The hub's identity (node key, site, trust list) is an ordinary store directory
            (--store); its log, patient keys and views are the schema "myolog" of one PostgreSQL
            database. It receives through the same checks as any store (hashes, chain links,
            signatures, trust, forks quarantined, gaps held back) and keeps the patient views as
            tables for SQL and BI tools (README "Scaling").

            The server: --postgres postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, or libpq's
            PGHOST, PGPORT, PGDATABASE, PGUSER and PGPASSWORD for what the URL leaves out; `hub init`
            remembers host, port, database and user (never the password) in the store directory.

            Examples:
              myolog --store /srv/hub hub init --postgres postgres://myolog@db.internal/myolog --site "Head office"
              myolog --store /srv/hub peer add 7q2m4xkd3b5n6p8r --name Fitzroy
              myolog --store /srv/hub hub sync /srv/fitzroy
              myolog --store /srv/hub hub import /media/usb/brunswick.myolog
              PGPASSWORD=… myolog --store /srv/hub hub verify
              myolog --store /srv/hub --as auditor hub show 3f2a9c1b --json
            """,
        subcommands: [HubInitCommand.self, HubSyncCommand.self, HubImportCommand.self, HubServeCommand.self, HubVerifyCommand.self, HubShowCommand.self, HubPatientsCommand.self])
}
