import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// Where the hub's PostgreSQL server is, how the connection is encrypted, and the password: a
/// `postgres://user@host:port/database?sslmode=…&sslrootcert=…` URL, completed by libpq's
/// environment variables (`PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGSSLMODE`,
/// `PGSSLROOTCERT`) for whatever it leaves out. A host that starts with `/` is the directory of a
/// Unix socket (in a URL, percent-encoded: `postgres://myolog@%2Fvar%2Frun%2Fpostgresql/myolog`).
///
/// The password, in libpq's order: the URL's (accepted, with a warning: it shows in `ps` and
/// shell history), `--postgres-password-file` (its first line; refused if group or world can
/// read it), `PGPASSWORD`, then libpq's password file (`PGPASSFILE`, else `~/.pgpass`; ignored
/// with a warning if group or world can read it).
///
/// Guarantees:
/// - The password is never part of ``description``, of `dump` or any mirror of the value, of a
///   warning, or of any error or log line made from it: the URL is parsed by hand (Foundation's
///   URL errors echo the whole string), and a refusal names the field, never the value, except
///   file paths and known parameter names.
/// - Everything is decided before a connection is attempted: an unknown `sslmode` or query
///   parameter, an unreadable root certificate, a password file others can read, or a server
///   reached over the network without TLS (``HubTLS``) is refused in one line, nothing done.
public struct HubServer: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// A name or address, or (starting with `/`) a Unix socket's directory.
    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    /// The sslmode and root certificates; see ``HubTLS`` for what each mode checks.
    public var tls: HubTLS
    var password: String?
    /// Which source gave the password (nil: none did).
    public internal(set) var passwordSource: HubPasswordSource?
    /// One-line warnings for stderr, found while resolving: a password in the URL, a password
    /// file ignored for its permissions. Never the password.
    public internal(set) var warnings: [String] = []

    public init(host: String, port: Int, database: String, user: String, password: String?, tls: HubTLS) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
        self.tls = tls
    }

    /// Over a Unix socket (no TLS, as libpq: the traffic never leaves the machine).
    public var isUnixSocket: Bool { host.hasPrefix("/") }

    /// `postgres://user@host:port/database` — never the password.
    var address: String {
        let shownHost = isUnixSocket ? host.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F") : host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)"
    }

    /// `postgres://user@host:port/database?sslmode=MODE` (no sslmode for a Unix socket) — never
    /// the password.
    public var description: String { isUnixSocket ? address : address + "?sslmode=\(tls.mode.rawValue)" }

    /// Everything but the password, for `dump` and debuggers.
    public var customMirror: Mirror {
        Mirror(self, children: ["host": host, "port": port, "database": database, "user": user, "tls": tls, "passwordSource": passwordSource as Any, "warnings": warnings],
               displayStyle: .struct)
    }

    /// libpq's connection parameters this hub does not take: named when refused (any other
    /// parameter is not echoed — a mistyped URL could put a password there).
    static let libpqParameters: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "require_auth", "channel_binding", "connect_timeout",
        "client_encoding", "options", "application_name", "fallback_application_name", "keepalives", "keepalives_idle",
        "keepalives_interval", "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslnegotiation", "sslcompression",
        "sslcert", "sslkey", "sslpassword", "sslcertmode", "sslsni", "sslcrl", "sslcrldir", "requirepeer", "ssl_min_protocol_version",
        "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service", "target_session_attrs", "load_balance_hosts",
    ]

    /// The server `url` names (nil: all from the environment), completed from `environment`;
    /// its password from the URL, `passwordFile`, or the environment (see the type's notes).
    public static func resolve(url: String?, passwordFile: String? = nil, environment: [String: String]) throws(HubError) -> HubServer {
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var server = HubServer(host: variable("PGHOST") ?? "localhost", port: 5432, database: "", user: variable("PGUSER") ?? "postgres",
                               password: nil, tls: HubTLS(mode: .disable))
        if let text = variable("PGPORT") {
            guard let port = Int(text), (1...65535).contains(port) else { throw HubError.invalidConnection(field: "PGPORT", accepted: "a port number 1–65535") }
            server.port = port
        }
        var database = variable("PGDATABASE")
        var urlPassword: String?
        var sslmode = variable("PGSSLMODE").map { (field: "PGSSLMODE", value: $0) }
        var sslrootcert = variable("PGSSLROOTCERT").map { (field: "PGSSLROOTCERT", value: $0) }
        if let url {
            // Parsed by hand, not URLComponents: its error would echo the URL, password and all.
            guard let schemeEnd = url.range(of: "://"), ["postgres", "postgresql"].contains(url[..<schemeEnd.lowerBound]) else {
                throw HubError.invalidConnection(field: "--postgres", accepted: "a URL postgres://USER@HOST[:PORT]/DATABASE[?sslmode=MODE&sslrootcert=FILE]")
            }
            var rest = Substring(url[schemeEnd.upperBound...])
            if let question = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: question)...].split(separator: "&") {
                    let equals = pair.firstIndex(of: "=")
                    let name = String(pair[..<(equals ?? pair.endIndex)])
                    let value = equals.map { String(pair[pair.index(after: $0)...]) }.map { $0.removingPercentEncoding ?? $0 }
                    switch name {
                    case "sslmode": sslmode = ("sslmode", value ?? "")
                    case "sslrootcert": sslrootcert = ("sslrootcert", value ?? "")
                    default:
                        let named = libpqParameters.contains(name) ? "not \(name)" : "no other (one was given; not shown)"
                        throw HubError.invalidConnection(field: "--postgres", accepted: "sslmode or sslrootcert as its query parameters, \(named)")
                    }
                }
                rest = rest[..<question]
            }
            if let at = rest.lastIndex(of: "@") {
                let credentials = rest[..<at]
                rest = rest[rest.index(after: at)...]
                if let colon = credentials.firstIndex(of: ":") {
                    server.user = String(credentials[..<colon]).removingPercentEncoding ?? String(credentials[..<colon])
                    let password = credentials[credentials.index(after: colon)...]
                    urlPassword = String(password).removingPercentEncoding ?? String(password)
                } else if !credentials.isEmpty {
                    server.user = String(credentials).removingPercentEncoding ?? String(credentials)
                }
            }
            var hostPort = rest
            if let slash = rest.firstIndex(of: "/") {
                hostPort = rest[..<slash]
                let name = rest[rest.index(after: slash)...]
                if !name.isEmpty { database = String(name).removingPercentEncoding ?? String(name) }
            }
            if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
                guard let port = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(port) else {
                    throw HubError.invalidConnection(field: "--postgres", accepted: "a port number 1–65535 after the host")
                }
                server.port = port
                hostPort = hostPort[..<colon]
            }
            if !hostPort.isEmpty {
                let host = String(hostPort).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                server.host = host.removingPercentEncoding ?? host
            }
        }
        // libpq's default database is the user's name.
        server.database = database ?? server.user
        let address = server.address
        server.tls = try HubTLS.resolve(mode: sslmode, roots: sslrootcert, host: server.host, server: address, home: variable("HOME"))

        if let urlPassword, !urlPassword.isEmpty {
            server.password = urlPassword
            server.passwordSource = .url
            server.warnings.append(HubPassword.urlWarning)
        } else if let passwordFile {
            server.password = try HubPassword.firstLine(of: passwordFile, field: "--postgres-password-file")
            server.passwordSource = .file(passwordFile)
        } else if let password = variable("PGPASSWORD") {
            server.password = password
            server.passwordSource = .environment
        } else if let path = variable("PGPASSFILE") ?? variable("HOME").map({ URL(fileURLWithPath: $0).appendingPathComponent(".pgpass").path }) {
            let found = HubPassword.fromPassfile(path, host: server.host, port: server.port, database: server.database, user: server.user)
            if let warning = found.warning { server.warnings.append(warning) }
            if let password = found.password {
                server.password = password
                server.passwordSource = .passfile(path)
            }
        }
        return server
    }

    /// Opens one connection — TLS as ``tls`` says, or none over a Unix socket — or says in one
    /// line what failed: unreachable, TLS refused or not trusted, authentication, no such database.
    func connect(logger: Logger) async throws(HubError) -> HubConnection {
        var configuration: PostgresConnection.Configuration
        if isUnixSocket {
            let socket = URL(fileURLWithPath: host).appendingPathComponent(".s.PGSQL.\(port)").path
            configuration = PostgresConnection.Configuration(unixSocketPath: socket, username: user, password: password, database: database)
        } else {
            // Whoever built this value: a server reached over the network is never spoken to in plain text.
            guard HubTLS.isLocal(host) || (tls.mode != .disable && tls.mode != .prefer) else { throw HubError.plaintextRemote(server: address) }
            configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: try tls.postgresTLS())
        }
        configuration.options.connectTimeout = .seconds(10)
        do {
            return HubConnection(try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger))
        } catch {
            throw HubError(connecting: error, to: self)
        }
    }
}
