import ArgumentParser
import ChainHub
import EventLog
import Foundation
import EventModel

/// Where the hub's PostgreSQL server is, how to reach it safely, and where its password is, for
/// every `hub` subcommand.
///
/// Guarantees: the password is never written to `hub.json` nor printed; warnings (a password
/// in the URL, a password file others can read) go to stderr, one line each, before connecting.
struct HubOptions: ParsableArguments {
    @Option(name: .customLong("postgres"), help: ArgumentHelp("postgres://USER@HOST[:PORT]/DATABASE[?sslmode=MODE&sslrootcert=FILE] (else PG* variables, else what `hub init` remembered). sslmode: disable or prefer (localhost and Unix sockets only), require, verify-ca, verify-full.", valueName: "url"))
    var url: String?

    @Option(name: .customLong("postgres-password-file"), help: ArgumentHelp("A file (chmod 600) whose first line is the password (else PGPASSWORD, else PGPASSFILE or ~/.pgpass).", valueName: "file"))
    var passwordFile: String?

    /// The file in the hub's store directory where `hub init` keeps the server's address.
    static let fileName = "hub.json"

    /// The server: --postgres, completed by the PG* variables and by what `hub init` kept; the
    /// resolution's warnings printed on stderr.
    func resolved(store directory: URL, environment: [String: String]) throws -> HubServer {
        var environment = environment
        let remembered = directory.appendingPathComponent(Self.fileName)
        if url == nil, let data = FileManager.default.contents(atPath: remembered.path),
           case .object(let members)? = try? JSONParser.parse(String(decoding: data, as: UTF8.self)) {
            // The remembered address fills only what the environment leaves unset.
            for (key, variable) in [("host", "PGHOST"), ("database", "PGDATABASE"), ("user", "PGUSER"), ("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")]
            where environment[variable]?.isEmpty ?? true {
                if case .string(let value)? = members[key] { environment[variable] = value }
            }
            if environment["PGPORT"]?.isEmpty ?? true, case .int(let port)? = members["port"] { environment["PGPORT"] = String(port) }
        }
        let server = try HubServer.resolve(url: url, passwordFile: passwordFile, environment: environment)
        for warning in server.warnings {
            FileHandle.standardError.write(Data("myolog: warning: \(VisibleText.escaped(warning))\n".utf8))
        }
        return server
    }

    /// Keeps the server's address and TLS settings (never its password) beside the hub's node key.
    static func remember(_ server: HubServer, in directory: URL) throws {
        var members: [String: JSONValue] = ["host": .string(server.host), "port": .int(server.port), "database": .string(server.database),
                                            "user": .string(server.user), "sslmode": .string(server.tls.mode.rawValue)]
        if let roots = server.tls.roots { members["sslrootcert"] = .string(roots.description) }
        try AtomicFile.write(to: directory.appendingPathComponent(fileName), replacing: true, field: "store", storeFile: true) {
            try $0.write(contentsOf: Data((JSONValue.object(members).canonicalString + "\n").utf8))
        }
    }
}
