import ArgumentParser
import ChainHub
import EventLog
import Foundation

/// Where the hub's PostgreSQL server is, for every `hub` subcommand.
struct HubOptions: ParsableArguments {
    @Option(name: .customLong("postgres"), help: ArgumentHelp("postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (else PG* variables, else what `hub init` remembered).", valueName: "url"))
    var url: String?

    /// The file in the hub's store directory where `hub init` keeps the server's address.
    static let fileName = "hub.json"

    /// The server: --postgres, completed by the PG* variables and by what `hub init` kept.
    func connection(store directory: URL, environment: [String: String]) throws -> HubConnection {
        var environment = environment
        let remembered = directory.appendingPathComponent(Self.fileName)
        if url == nil, let data = FileManager.default.contents(atPath: remembered.path),
           case .object(let members)? = try? JSONParser.parse(String(decoding: data, as: UTF8.self)) {
            // The remembered address fills only what the environment leaves unset.
            for (key, variable) in [("host", "PGHOST"), ("database", "PGDATABASE"), ("user", "PGUSER")] where environment[variable]?.isEmpty ?? true {
                if case .string(let value)? = members[key] { environment[variable] = value }
            }
            if environment["PGPORT"]?.isEmpty ?? true, case .int(let port)? = members["port"] { environment["PGPORT"] = String(port) }
        }
        return try HubConnection.resolve(url: url, environment: environment)
    }

    /// Keeps the server's address (never its password) beside the hub's node key.
    static func remember(_ connection: HubConnection, in directory: URL) throws {
        let json = JSONValue.object(["host": .string(connection.host), "port": .int(connection.port), "database": .string(connection.database), "user": .string(connection.user)])
        try AtomicFile.write(to: directory.appendingPathComponent(fileName), replacing: true, field: "store", storeFile: true) { try $0.write(contentsOf: Data((json.canonicalString + "\n").utf8)) }
    }
}
