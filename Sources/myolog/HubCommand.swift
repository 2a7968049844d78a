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

            The server: --postgres postgres://USER@HOST[:PORT]/DATABASE[?sslmode=MODE&sslrootcert=FILE],
            or libpq's PGHOST, PGPORT, PGDATABASE, PGUSER, PGSSLMODE and PGSSLROOTCERT for what the
            URL leaves out; `hub init` remembers host, port, database, user, sslmode and sslrootcert
            (never the password) in the store directory. A server reached over the network (not
            localhost, 127.0.0.1, ::1 or a Unix socket) only with TLS: sslmode=verify-full (the certificate chains to sslrootcert and names the
            host), verify-ca (chains, any name) or require (encrypted, not checked: stops
            eavesdropping only); disable and prefer are for localhost and Unix sockets.

            The password, in libpq's order: the URL (works, with a warning: `ps` and shell history
            show it), --postgres-password-file FILE (chmod 600, first line), PGPASSWORD, then
            PGPASSFILE or ~/.pgpass (libpq's format; ignored with a warning unless chmod 600).

            Examples:
              myolog --store /srv/hub hub init --postgres "postgres://myolog@db.internal/myolog?sslmode=verify-full&sslrootcert=/etc/myolog/db-ca.pem" --site "Head office"
              myolog --store /srv/hub peer add 7q2m4xkd3b5n6p8r --name Fitzroy
              myolog --store /srv/hub hub sync /srv/fitzroy
              myolog --store /srv/hub hub import /media/usb/brunswick.myolog
              PGPASSWORD=… myolog --store /srv/hub hub verify
              myolog --store /srv/hub --as auditor hub show 3f2a9c1b --json
            """,
        subcommands: [HubInitCommand.self, HubSyncCommand.self, HubImportCommand.self, HubServeCommand.self, HubVerifyCommand.self, HubShowCommand.self, HubPatientsCommand.self, HubAdverseEventsCommand.self, HubOutcomesCommand.self])
}
