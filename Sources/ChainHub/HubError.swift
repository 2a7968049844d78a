import EventModel
import Foundation
import NIOSSL
import PostgresNIO

/// Why the hub could not do what it was asked, in one line that names the server (never its
/// password) and what to do. The CLI prints ``description``.
public enum HubError: CodedError, Sendable, Equatable {
    case invalidConnection(field: String, accepted: String)
    /// A server reached over the network (not loopback, not a Unix socket), without an sslmode
    /// that makes TLS certain: refused before any connection.
    case plaintextRemote(server: String)
    /// TLS could not be set up: the server offers none, or its certificate is not trusted or
    /// not for the host.
    case tls(server: String, reason: String)
    /// The server could not be reached at all.
    case unreachable(server: String, reason: String)
    /// The server refused the user or password; `check` says what to check (the password's
    /// source, never the password).
    case authentication(server: String, reason: String, check: String)
    case noDatabase(server: String)
    /// The server is older than the oldest release the hub supports.
    case serverTooOld(server: String, version: String, minimum: String)
    /// The database already holds tables that are not a Myolog hub's.
    case foreignSchema(server: String, found: String)
    /// The database holds another hub's log (another node), or a schema from a newer Myolog.
    case otherHub(server: String, node: String, expected: String)
    case unknownMigration(server: String, name: String)
    /// No hub was made in this database (`hub init` first).
    case notInitialised(server: String)
    /// The connection to the server was lost: the transaction in flight rolled back on the server.
    case connectionLost(reason: String)
    /// The server refused a statement or failed: the transaction in flight rolled back.
    case server(String)

    /// One code per case. Codes are stable: scripts and tests match them, so one is never
    /// renamed nor reused for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case invalidConnection, plaintextRemote, tlsFailed, unreachable, authenticationFailed, noDatabase, serverTooOld
        case foreignSchema, otherHub, unknownMigration, notInitialised, connectionLost, serverError
    }

    public var code: Code {
        switch self {
        case .invalidConnection: .invalidConnection
        case .plaintextRemote: .plaintextRemote
        case .tls: .tlsFailed
        case .unreachable: .unreachable
        case .authentication: .authenticationFailed
        case .noDatabase: .noDatabase
        case .serverTooOld: .serverTooOld
        case .foreignSchema: .foreignSchema
        case .otherHub: .otherHub
        case .unknownMigration: .unknownMigration
        case .notInitialised: .notInitialised
        case .connectionLost: .connectionLost
        case .server: .serverError
        }
    }

    public var description: String {
        switch self {
        case .invalidConnection(let field, let accepted): "\(field): expected \(accepted)"
        case .unreachable(let server, let reason): "hub: cannot reach PostgreSQL at \(server): \(reason)"
        case .plaintextRemote(let server):
            "sslmode: \(server) is reached over the network (not localhost, 127.0.0.1, ::1 or a Unix socket), and the hub sends patient records over a network only with TLS: expected sslmode=verify-full (with sslrootcert), verify-ca or require, as ?sslmode= in --postgres or PGSSLMODE (disable and prefer are for localhost and Unix sockets only)"
        case .tls(let server, let reason): "hub: no trusted TLS connection to PostgreSQL at \(server): \(reason)"
        case .authentication(let server, let reason, let check): "hub: PostgreSQL at \(server) refused the login: \(reason) (\(check))"
        case .noDatabase(let server): "hub: PostgreSQL at \(server) has no such database: create it first (createdb)"
        case .serverTooOld(let server, let version, let minimum): "hub: PostgreSQL at \(server) is version \(version); the hub needs \(minimum) or later"
        case .foreignSchema(let server, let found): "hub: the database at \(server) already holds a schema \"myolog\" that is not a Myolog hub's (\(found)): use another database"
        case .otherHub(let server, let node, let expected): "hub: the database at \(server) holds the log of hub node \(node), not of this store's node \(expected): use another database or that hub's store"
        case .unknownMigration(let server, let name): "hub: the database at \(server) has migration \"\(name)\" that this myolog does not know: upgrade myolog"
        case .notInitialised(let server): "hub: no hub in the database at \(server): run `myolog --store DIR hub init --postgres URL` first"
        case .connectionLost(let reason): "hub: the connection to PostgreSQL was lost (\(reason)): the transaction in flight rolled back; run again to resume"
        case .server(let message): "hub: \(message)"
        }
    }

    /// A connection attempt's failure, classified.
    init(connecting error: any Error, to target: HubServer) {
        let server = target.description
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState]
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            var check = target.passwordSource.map { "check the user, and \($0)" } ?? "check the user"
            // pg_hba.conf's hostssl rules: the password is not the problem.
            if message.hasSuffix("no encryption") { check = "the server admits this login only over TLS: sslmode=require, verify-ca or verify-full" }
            switch state {
            case "28P01", "28000": self = .authentication(server: server, reason: message, check: check); return
            case "3D000": self = .noDatabase(server: server); return
            default: break
            }
            if error.code == .authMechanismRequiresPassword {
                self = .authentication(server: server, reason: "it asks for a password and none was given",
                                       check: "give it in PGPASSWORD, ~/.pgpass (chmod 600) or --postgres-password-file"); return
            }
            if error.code == .sslUnsupported {
                self = .tls(server: server, reason: "the server does not offer TLS (ssl = off in its postgresql.conf), and sslmode=\(target.tls.mode.rawValue) needs it"); return
            }
            if let underlying = error.underlying {
                if let reason = Self.tlsFailure(underlying, target) { self = .tls(server: server, reason: reason); return }
                self = .unreachable(server: server, reason: "\(underlying)"); return
            }
            self = .unreachable(server: server, reason: message)
            return
        }
        self = .unreachable(server: server, reason: "\(error)")
    }

    /// What a TLS handshake's failure means, or nil if `error` is not one.
    static func tlsFailure(_ error: any Error, _ target: HubServer) -> String? {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "its certificate does not name \(target.host) (sslmode=verify-full checks the host name against the certificate's)"
        }
        guard error is NIOSSLError || error is BoringSSLError else { return nil }
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "its certificate does not chain to sslrootcert \(target.tls.roots.map { "\($0)" } ?? "(none)") (CERTIFICATE_VERIFY_FAILED)"
        }
        return "the TLS handshake failed: \(text)"
    }

    /// A failure during work on an open connection.
    init(working error: any Error) {
        if let hub = error as? HubError { self = hub; return }
        if let error = error as? PSQLError {
            // Class 57P: the server is shutting down or restarting (operator, crash, failover).
            if let state = error.serverInfo?[.sqlState], state.hasPrefix("57P") {
                self = .connectionLost(reason: error.serverInfo?[.message] ?? "the server is shutting down"); return
            }
            if let message = error.serverInfo?[.message] { self = .server("PostgreSQL refused: \(message); the transaction in flight rolled back"); return }
            switch error.code {
            case .serverClosedConnection, .clientClosedConnection: self = .connectionLost(reason: "the server closed it")
            case .connectionError: self = .connectionLost(reason: "the network failed" + (error.underlying.map { ": \($0)" } ?? ""))
            default: self = .connectionLost(reason: "\(error.code)")
            }
            return
        }
        self = .server("\(error)")
    }
}
