import Foundation
import NIOSSL
import PostgresNIO

/// How the hub's connection to PostgreSQL is encrypted: libpq's `sslmode` and `sslrootcert`,
/// decided before any connection is made (``HubServer/resolve(url:passwordFile:environment:)``).
///
/// Guarantees:
/// - A server reached over the network — anything but `localhost`, a 127.0.0.0/8 address,
///   `::1` or a Unix socket, even this machine's own LAN address — is never spoken to without
///   TLS: `disable`, `prefer` or no sslmode at all is refused, in one line, before a connection
///   is attempted. (libpq's default is `prefer`, which falls back to plain text; patient
///   records do not.)
/// - `require`: TLS, the server's certificate not checked. It defeats a passive eavesdropper
///   only: whoever can intercept the traffic can pose as the server. As in libpq, `require` with
///   a root certificate (`sslrootcert`, `PGSSLROOTCERT` or `~/.postgresql/root.crt`) checks the
///   chain as `verify-ca` does.
/// - `verify-ca`: TLS, and the server's certificate must chain to `sslrootcert`.
/// - `verify-full`: as `verify-ca`, and the certificate must name the host connected to (a DNS
///   name, or the IP address for an IP host). Only this mode also stops an active attacker who
///   holds some other certificate from the same CA.
/// - `sslrootcert=system` (the platform's public roots) is accepted with `verify-full` only, its
///   default: anyone can obtain a publicly trusted certificate for a name they control.
/// - Over a Unix socket no TLS is used, whatever the mode (as libpq): the traffic never leaves
///   the machine.
public struct HubTLS: Sendable, Equatable {
    /// libpq's `sslmode` values this hub accepts (not `allow`: it tries plain text first).
    public enum Mode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"

        /// "disable, prefer, require, verify-ca or verify-full"
        static let accepted = "disable, prefer, require, verify-ca or verify-full"
    }

    /// The certificates the server's must chain to.
    public enum Roots: Sendable, Equatable, CustomStringConvertible {
        /// A PEM file of CA certificates (an absolute path).
        case file(String)
        /// The platform's trusted public roots (`sslrootcert=system`).
        case system

        public var description: String {
            switch self {
            case .file(let path): path
            case .system: "system"
            }
        }
    }

    public var mode: Mode
    /// Checked against for `verify-ca`, `verify-full`, and `require` when given; nil otherwise.
    public var roots: Roots?

    public init(mode: Mode, roots: Roots? = nil) {
        self.mode = mode
        self.roots = roots
    }

    /// Whether `host` is loopback: a Unix socket directory, `localhost`, 127.0.0.0/8 or ::1.
    /// Anything else — a name, another address, an IPv4-mapped IPv6 address — is not.
    public static func isLocal(_ host: String) -> Bool {
        if host.hasPrefix("/") || host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }

    /// The mode and roots for `host`, from `mode` and `roots` as given (with the field each came
    /// from, for a refusal), or libpq's defaults. `home` locates `~/.postgresql/root.crt`.
    static func resolve(mode given: (field: String, value: String)?, roots givenRoots: (field: String, value: String)?,
                        host: String, server: @autoclosure () -> String, home: String?) throws(HubError) -> HubTLS {
        var mode: Mode?
        if let given {
            guard let parsed = Mode(rawValue: given.value) else { throw HubError.invalidConnection(field: given.field, accepted: Mode.accepted) }
            mode = parsed
        }
        // The root certificate as given (checked below, and only if the mode uses it).
        var roots: Roots?
        var rootsField = "sslrootcert"
        if let givenRoots, !givenRoots.value.isEmpty {
            roots = givenRoots.value == "system" ? .system : .file(URL(fileURLWithPath: givenRoots.value).standardizedFileURL.path)
            rootsField = givenRoots.field
        }
        let local = isLocal(host)
        let chosen: Mode
        if let mode {
            chosen = mode
        } else if roots == .system {
            chosen = .verifyFull
        } else if local {
            chosen = .prefer
        } else {
            throw HubError.plaintextRemote(server: server())
        }
        if !local, chosen == .disable || chosen == .prefer { throw HubError.plaintextRemote(server: server()) }
        if roots == .system, chosen != .verifyFull {
            throw HubError.invalidConnection(field: rootsField, accepted: "sslmode=verify-full with sslrootcert=system (anyone can get a publicly trusted certificate for a name they control), or a CA file of your own")
        }
        // disable and prefer check no certificate: whatever root is set or lies in ~ is not read.
        guard chosen != .disable, chosen != .prefer else { return HubTLS(mode: chosen) }
        if roots == nil, let home, !home.isEmpty {
            // libpq's default root certificate, if there is one.
            let path = URL(fileURLWithPath: home).appendingPathComponent(".postgresql/root.crt").path
            if FileManager.default.fileExists(atPath: path) {
                roots = .file(path)
                rootsField = "sslrootcert (~/.postgresql/root.crt)"
            }
        }
        if case .file(let path)? = roots { try Self.checkRoots(path, field: rootsField) }
        if chosen == .verifyCA || chosen == .verifyFull, roots == nil {
            throw HubError.invalidConnection(field: "sslrootcert", accepted: "the CA certificate (PEM) that signed the server's, for sslmode=\(chosen.rawValue): ?sslrootcert=FILE in --postgres, PGSSLROOTCERT, ~/.postgresql/root.crt, or system")
        }
        return HubTLS(mode: chosen, roots: roots)
    }

    /// Refuses a root certificate file that cannot be read as PEM certificates.
    static func checkRoots(_ path: String, field: String) throws(HubError) {
        guard let certificates = try? NIOSSLCertificate.fromPEMFile(path), !certificates.isEmpty else {
            throw HubError.invalidConnection(field: field, accepted: "a readable PEM file of the CA certificates that signed the server's; \(path) is not one")
        }
    }

    /// PostgresNIO's TLS for this mode: a fresh context, its certificate checks as documented.
    func postgresTLS() throws(HubError) -> PostgresConnection.Configuration.TLS {
        guard mode != .disable else { return .disable }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .certificates([])
        switch (mode, roots) {
        case (.prefer, _), (.require, nil), (.disable, _): configuration.certificateVerification = .none
        case (.require, _?), (.verifyCA, _): configuration.certificateVerification = .noHostnameVerification
        case (.verifyFull, _): configuration.certificateVerification = .fullVerification
        }
        switch roots {
        case .file(let path)?:
            guard let certificates = try? NIOSSLCertificate.fromPEMFile(path), !certificates.isEmpty else {
                throw HubError.invalidConnection(field: "sslrootcert", accepted: "a readable PEM file of the CA certificates that signed the server's; \(path) is not one")
            }
            configuration.trustRoots = .certificates(certificates)
        case .system?: configuration.trustRoots = .default
        case nil: break
        }
        do {
            let context = try NIOSSLContext(configuration: configuration)
            return mode == .prefer ? .prefer(context) : .require(context)
        } catch {
            throw HubError.invalidConnection(field: "sslrootcert", accepted: "CA certificates TLS can use (\(error))")
        }
    }
}
