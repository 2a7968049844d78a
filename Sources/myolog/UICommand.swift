import ArgumentParser
import ClinicViewer
import ClinicalEvents
import EventLog
import Logging
import SyncHTTP

struct UICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Serve a read-only web view of this store on this machine: patients, the patient page, timelines, conflicts.",
        discussion: """
            Open the printed address, http://127.0.0.1:PORT/?token=…, in a browser on the clinic
            machine. The token in it is new each run and authenticates that browser: opening the
            address gives the browser a cookie (HttpOnly, SameSite=Strict) and takes the token out
            of the address bar; a request without the cookie gets a page saying to open the
            printed address, and nothing else — other accounts on this machine can reach
            127.0.0.1 too, and they are shown nothing. Anyone with the address can read what the
            viewer shows until it stops: keep it to yourself. The token is printed once, here, and
            written nowhere else. A request naming another host (a DNS rebinding page) is refused.

            The patient page is the same page `myolog report` writes (pain chart, body chart,
            visits, timeline, provenance). Nothing can be changed through it (GET only). Every page
            that shows patient data is recorded in the log as an access by the user who started
            `ui` (--as / $MYOLOG_USER), with --purpose, before it is sent; if the record cannot be
            written, the page is refused.

            It listens on loopback only. Off loopback it needs --tls, and then admits only what
            `serve` admits: clients presenting the node certificate of a peer in the trust list
            (mutual TLS 1.3) — and those too need the printed address. Stops on SIGINT or SIGTERM.

            Examples:
              myolog ui                                   # http://127.0.0.1:8418/?token=…
              myolog --store /tmp/clinic/carlton ui --listen 127.0.0.1:0
              myolog ui --listen 0.0.0.0:8418 --tls       # trusted peers' node certificates only, and the token
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Address to listen on: loopback, unless --tls.", valueName: "host:port"), transform: ListenAddress.parser(for: "listen"))
    var listen = ListenAddress(host: "127.0.0.1", port: 8418)
    @Flag(help: "Serve over mutual TLS, admitting only trusted peers' node certificates (required off loopback).") var tls = false

    func validate() throws {
        if !tls, !MetricsEndpoint.isLoopback(listen.host) {  // the one loopback rule, also `serve --metrics`'s
            throw ValidationError("listen: \(listen) is not a loopback address; accepted: 127.0.0.1, ::1 or localhost with a port — or add --tls to serve over mutual TLS to trusted peers only")
        }
    }

    func run() async throws {
        let user = try global.requireReader()
        let store = try global.openStore(concurrentReads: true)
        try global.require(.readClinicalRecords, in: store)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .notice
            return handler
        }
        let logger = Logger(label: "myolog.ui")
        let token = ViewerToken()
        let viewer = ClinicViewer(store: store, user: user, purpose: global.purpose, token: token, logger: logger) { accesses in
            _ = try store.append(accesses.map(\.newEvent), author: user)
        }
        let channel = tls ? try SyncServer(store: store, logger: logger).mutualTLS : nil
        let (host, scheme) = (listen.description.hasPrefix("[") ? "[\(listen.host)]" : listen.host, tls ? "https" : "http")
        let site = store.identity.site
        do {
            try await viewer.run(host: listen.host, port: listen.port, tls: channel) { bound in
                var out = StandardOutput()
                // The token's one appearance: this terminal (not the log, which is stderr).
                out.write("Viewing \(site) on \(scheme)://\(host):\(bound)/?token=\(token.secret) — read-only; every page is recorded as an access by \(user)\n")
                out.flush()
            }
        } catch {
            throw CommandFailure("listen: cannot serve on \(listen): \(error)")
        }
    }
}
