import ArgumentParser
import EventLog
import Foundation
import Logging
import SyncHTTP

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve this store to trusted peers' `myolog sync https://HOST:PORT` until interrupted.",
        discussion: """
            The sync API (Schemas/sync-api.openapi.json) over HTTPS with mutual TLS only: each side
            presents a self-signed certificate for its node key, and each admits only nodes in its
            own trust list (`myolog peer add`); there is no plain-HTTP listener. Peers read this
            store's chain heads and the events they lack, and offer theirs, in bounded batches each
            checked and committed whole. Requests per peer are rate-limited; idle connections close
            after 30 s. One log line per sync on stderr, and one per refused client. Prints
            "Listening on https://HOST:PORT" once bound (with --listen HOST:0, the port the system
            chose). SIGINT or SIGTERM stop it after the requests in flight.

            Examples:
              myolog serve
              myolog --store ~/clinic serve --listen 0.0.0.0:8417
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Address to listen on.", valueName: "host:port")) var listen = "127.0.0.1:8417"

    func validate() throws {
        _ = try address()
    }

    private func address() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port),
            !listen[..<colon].isEmpty
        else { throw ValidationError("listen: \(listen) is not accepted; accepted: HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8417") }
        return (String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }

    func run() async throws {
        let store = try global.openStore(concurrentReads: true)
        let (host, port) = try address()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "myolog.serve")
        let server = try SyncServer(store: store, logger: logger)
        let site = store.identity.site, node = store.identity.nodeID
        do {
            try await server.run(host: host, port: port) { bound in
                // Unbuffered: a script or test waiting for this line must see it now.
                var out = StandardOutput()
                out.write("Listening on https://\(host):\(bound) — \(site) (node \(node)), mutual TLS, trusted peers only\n")
                out.flush()
            }
        } catch let failure as SyncServer.ListenFailure {
            throw CommandFailure("listen: \(failure)")
        }
    }
}
