import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// Where the hub's PostgreSQL server is: a `postgres://user:password@host:port/database` URL,
/// or libpq's environment variables (`PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGPASSWORD`)
/// for whatever the URL leaves out.
///
/// Guarantees: the password is never part of ``description`` (nor of any error or log line
/// made from it).
public struct HubConnection: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    var password: String?

    public init(host: String, port: Int, database: String, user: String, password: String?) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
    }

    /// `postgres://user@host:port/database` — never the password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// The connection `url` names (nil: all from the environment), completed from `environment`.
    public static func resolve(url: String?, environment: [String: String]) throws(HubError) -> HubConnection {
        var connection = HubConnection(
            host: environment["PGHOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "localhost",
            port: 5432, database: "", user: environment["PGUSER"].flatMap { $0.isEmpty ? nil : $0 } ?? "postgres",
            password: environment["PGPASSWORD"])
        if let text = environment["PGPORT"], !text.isEmpty {
            guard let port = Int(text), (1...65535).contains(port) else { throw HubError.invalidConnection(field: "PGPORT", accepted: "a port number 1–65535") }
            connection.port = port
        }
        connection.database = environment["PGDATABASE"].flatMap { $0.isEmpty ? nil : $0 } ?? connection.user
        guard let url else { return connection }
        // Parsed by hand, not URLComponents: its error would echo the URL, password and all.
        guard let schemeEnd = url.range(of: "://"), ["postgres", "postgresql"].contains(url[..<schemeEnd.lowerBound]) else {
            throw HubError.invalidConnection(field: "--postgres", accepted: "a URL postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                connection.user = String(credentials[..<colon]).removingPercentEncoding ?? String(credentials[..<colon])
                let password = credentials[credentials.index(after: colon)...]
                connection.password = String(password).removingPercentEncoding ?? String(password)
            } else if !credentials.isEmpty {
                connection.user = String(credentials).removingPercentEncoding ?? String(credentials)
            }
        }
        var hostPort = rest
        if let slash = rest.firstIndex(of: "/") {
            hostPort = rest[..<slash]
            let database = rest[rest.index(after: slash)...]
            if !database.isEmpty { connection.database = String(database).removingPercentEncoding ?? String(database) }
        }
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            guard let port = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(port) else {
                throw HubError.invalidConnection(field: "--postgres", accepted: "a port number 1–65535 after the host")
            }
            connection.port = port
            hostPort = hostPort[..<colon]
        }
        if !hostPort.isEmpty { connection.host = String(hostPort).trimmingCharacters(in: CharacterSet(charactersIn: "[]")) }
        return connection
    }

    /// Opens one connection, or says in one line what failed: unreachable, authentication, no
    /// such database.
    func connect(logger: Logger) async throws(HubError) -> HubLink {
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        do {
            return HubLink(try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger))
        } catch {
            throw HubError(connecting: error, to: self)
        }
    }
}
