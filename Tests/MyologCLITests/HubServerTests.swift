@testable import ChainHub
import Foundation
import MyologTestSupport
import Testing

/// How `HubServer.resolve` reads the server, sslmode and password — no server needed: every
/// one of these is decided before a connection is attempted.
@Suite("Hub connection: sslmode, sslrootcert and the password's sources, resolved before connecting")
struct HubServerTests {
    let scratch = TemporaryDirectory("hub-connection")

    /// `text` in a file of `mode` in the scratch directory.
    func file(_ name: String, _ text: String, mode: mode_t = 0o600) throws -> String {
        let path = scratch.path(name)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, mode) == 0)
        return path
    }

    @Test("only localhost, 127.0.0.0/8, ::1 and Unix sockets are loopback; any other name or address is the network")
    func local() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1", "/var/run/postgresql"] { #expect(HubTLS.isLocal(host), "\(host)") }
        for host in ["10.255.255.1", "db.internal", "128.0.0.1", "::ffff:127.0.0.1", "::2", "localhost.example.com", "127.0.0.1.nip.io", ""] { #expect(!HubTLS.isLocal(host), "\(host)") }
    }

    @Test("sslmode from the URL or PGSSLMODE; a remote host without TLS, an unknown mode or parameter, verify-* without a root, system roots below verify-full: refused in one line naming the field, the value never echoed")
    func sslmode() throws {
        func resolve(_ url: String?, _ environment: [String: String] = [:]) throws(HubError) -> HubServer {
            try HubServer.resolve(url: url, environment: environment)
        }
        func refused(_ url: String?, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
            refused(url, [:], expected, sourceLocation: sourceLocation)
        }
        func refused(_ url: String?, _ environment: [String: String], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let error = #expect(throws: HubError.self, sourceLocation: sourceLocation) { _ = try resolve(url, environment) }
            // A remote server without TLS is its own refusal; every other one names a field.
            #expect(error?.code == (expected.contains("is reached over the network") ? .plaintextRemote : .invalidConnection), sourceLocation: sourceLocation)
            let text = error.map { "\($0)" } ?? ""
            #expect(text.hasPrefix(expected) && !text.contains("\n") && !text.contains("hunter2"), "\(text)", sourceLocation: sourceLocation)
        }
        let ca = try file("ca.pem", try String(contentsOfFile: try Self.certificate(in: scratch), encoding: .utf8))
        #expect(try resolve("postgres://u@127.0.0.1/db").tls == HubTLS(mode: .prefer))
        #expect(try resolve("postgres://u@localhost/db?sslmode=disable").tls == HubTLS(mode: .disable))
        #expect(try resolve("postgres://u@db.internal/db?sslmode=require").tls == HubTLS(mode: .require))
        #expect(try resolve("postgres://u@db.internal/db", ["PGSSLMODE": "require"]).tls == HubTLS(mode: .require))
        // The URL's sslmode wins over PGSSLMODE's.
        #expect(try resolve("postgres://u@db.internal/db?sslmode=require", ["PGSSLMODE": "disable"]).tls == HubTLS(mode: .require))
        #expect(try resolve("postgres://u@db.internal/db?sslmode=verify-full&sslrootcert=\(ca)").tls == HubTLS(mode: .verifyFull, roots: .file(ca)))
        #expect(try resolve("postgres://u@db.internal/db?sslmode=verify-ca", ["PGSSLROOTCERT": ca]).tls == HubTLS(mode: .verifyCA, roots: .file(ca)))
        // As libpq: require with a root certificate checks the chain; system roots default to verify-full.
        #expect(try resolve("postgres://u@db.internal/db?sslmode=require&sslrootcert=\(ca)").tls == HubTLS(mode: .require, roots: .file(ca)))
        #expect(try resolve("postgres://u@db.internal/db?sslrootcert=system").tls == HubTLS(mode: .verifyFull, roots: .system))
        // libpq's default root certificate, ~/.postgresql/root.crt.
        let home = scratch.path("home")
        try FileManager.default.createDirectory(atPath: home + "/.postgresql", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ca, toPath: home + "/.postgresql/root.crt")
        #expect(try resolve("postgres://u@db.internal/db?sslmode=verify-full", ["HOME": home]).tls == HubTLS(mode: .verifyFull, roots: .file(home + "/.postgresql/root.crt")))
        // disable and prefer read no root certificate: a missing or broken one does not matter there.
        let broken = scratch.path("broken-home")
        try FileManager.default.createDirectory(atPath: broken + "/.postgresql", withIntermediateDirectories: true)
        try "not a certificate".write(toFile: broken + "/.postgresql/root.crt", atomically: false, encoding: .utf8)
        #expect(try resolve("postgres://u@127.0.0.1/db?sslmode=disable", ["PGSSLROOTCERT": scratch.path("missing.pem")]).tls == HubTLS(mode: .disable))
        #expect(try resolve("postgres://u@127.0.0.1/db", ["HOME": broken]).tls == HubTLS(mode: .prefer))
        refused("postgres://u@127.0.0.1/db?sslmode=require", ["HOME": broken], "sslrootcert (~/.postgresql/root.crt): expected a readable PEM file")

        let remote = "sslmode: postgres://u@10.255.255.1:5432/db is reached over the network"
        refused("postgres://u:hunter2@10.255.255.1/db", remote)
        refused("postgres://u@10.255.255.1/db?sslmode=prefer", remote)
        refused("postgres://u@10.255.255.1/db?sslmode=disable", remote)
        refused("postgres://u@10.255.255.1/db", ["PGSSLMODE": "prefer"], remote)
        refused(nil, ["PGHOST": "db.internal", "PGUSER": "u", "PGDATABASE": "db"], "sslmode: postgres://u@db.internal:5432/db is reached over the network")
        refused("postgres://u@db.internal/db?sslmode=hunter2", "sslmode: expected disable, prefer, require, verify-ca or verify-full")
        refused("postgres://u@db.internal/db?sslmode=allow", "sslmode: expected disable, prefer, require, verify-ca or verify-full")
        refused("postgres://u@db.internal/db", ["PGSSLMODE": "hunter2"], "PGSSLMODE: expected disable, prefer, require, verify-ca or verify-full")
        refused("postgres://u@db.internal/db?sslmode=require&sslcert=x", "--postgres: expected sslmode or sslrootcert as its query parameters, not sslcert")
        refused("postgres://u@db.internal/db?sslmode=require&password=hunter2", "--postgres: expected sslmode or sslrootcert as its query parameters, not password")
        refused("postgres://u@db.internal/db?hunter2=1", "--postgres: expected sslmode or sslrootcert as its query parameters, no other (one was given; not shown)")
        // A password with an unencoded "?" is not taken for a parameter's name in a refusal.
        refused("postgres://u:pass?hunter2@db.internal/db?sslmode=require", "--postgres: expected sslmode or sslrootcert as its query parameters, no other")
        refused("postgres://u@db.internal/db?sslmode=verify-full", ["HOME": scratch.path("nowhere")], "sslrootcert: expected the CA certificate (PEM) that signed the server's, for sslmode=verify-full")
        refused("postgres://u@db.internal/db?sslmode=verify-ca&sslrootcert=\(scratch.path("missing.pem"))", "sslrootcert: expected a readable PEM file")
        refused("postgres://u@db.internal/db?sslmode=verify-ca&sslrootcert=\(try file("junk.pem", "not a certificate"))", "sslrootcert: expected a readable PEM file")
        refused("postgres://u@db.internal/db?sslmode=require&sslrootcert=system", "sslrootcert: expected sslmode=verify-full with sslrootcert=system")
        refused("postgres://u@db.internal/db?sslmode=verify-full", ["PGSSLROOTCERT": scratch.path("missing.pem")], "PGSSLROOTCERT: expected a readable PEM file")
    }

    @Test("the password: URL (with a warning), then --postgres-password-file, then PGPASSWORD, then PGPASSFILE or ~/.pgpass; never in the description, a dump, or a warning")
    func passwordOrder() throws {
        let home = scratch.path("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        _ = try file("home/.pgpass", "127.0.0.1:5432:db:u:from-pgpass\n")
        let passwordFile = try file("password", "from-file\nsecond line\n")
        let everything = ["PGPASSWORD": "from-environment", "HOME": home]
        func resolved(_ url: String, file: String? = nil, _ environment: [String: String]) throws -> HubServer {
            try HubServer.resolve(url: url, passwordFile: file, environment: environment)
        }
        let fromURL = try resolved("postgres://u:from%2Durl@127.0.0.1/db", file: passwordFile, everything)
        #expect(fromURL.password == "from-url" && fromURL.passwordSource == .url)
        #expect(fromURL.warnings == [HubPassword.urlWarning] && fromURL.warnings[0].contains("(ps)"))
        let fromFile = try resolved("postgres://u@127.0.0.1/db", file: passwordFile, everything)
        #expect(fromFile.password == "from-file" && fromFile.passwordSource == .file(passwordFile) && fromFile.warnings.isEmpty)
        let fromEnvironment = try resolved("postgres://u@127.0.0.1/db", everything)
        #expect(fromEnvironment.password == "from-environment" && fromEnvironment.passwordSource == .environment)
        let fromPassfile = try resolved("postgres://u@127.0.0.1/db", ["HOME": home, "PGPASSWORD": ""])
        #expect(fromPassfile.password == "from-pgpass" && fromPassfile.passwordSource == .passfile(home + "/.pgpass"))
        // PGPASSFILE names another file (the home one is not read).
        let other = try file("other-pgpass", "*:*:*:*:from-pgpassfile\n")
        #expect(try resolved("postgres://u@127.0.0.1/db", ["HOME": home, "PGPASSFILE": other]).password == "from-pgpassfile")
        for connection in [fromURL, fromFile, fromEnvironment, fromPassfile] {
            var dumped = ""
            dump(connection, to: &dumped)
            let shown = [connection.description, "\(connection)", String(reflecting: connection), dumped] + connection.warnings
            for secret in ["from-url", "from-file", "from-environment", "from-pgpass"] { #expect(!shown.contains { $0.contains(secret) }, "\(secret) in \(shown)") }
            #expect(dumped.contains("127.0.0.1"), "the dump shows the rest: \(dumped)")
        }
    }

    @Test("--postgres-password-file: first line only (CRLF too); refused in one line, naming chmod, if group or world can read it, if empty, if missing — its content never shown")
    func passwordFile() throws {
        #expect(try HubPassword.firstLine(of: try file("crlf", "s3cret\r\nnext\r\n"), field: "--postgres-password-file") == "s3cret")
        #expect(try HubPassword.firstLine(of: try file("no-newline", "s3cret"), field: "--postgres-password-file") == "s3cret")
        func refused(_ path: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let error = #expect(throws: HubError.self, sourceLocation: sourceLocation) {
                _ = try HubServer.resolve(url: "postgres://u@127.0.0.1/db", passwordFile: path, environment: ["PGPASSWORD": "unused"])
            }
            #expect(error?.code == .invalidConnection, sourceLocation: sourceLocation)
            let text = error.map { "\($0)" } ?? ""
            #expect(text.hasPrefix("--postgres-password-file: expected ") && text.contains(expected) && !text.contains("hunter2") && !text.contains("\n"), "\(text)", sourceLocation: sourceLocation)
        }
        let readable = try file("readable", "hunter2\n", mode: 0o644)
        refused(readable, "has group or world access (mode 644): run chmod 600 \(readable)")
        refused(try file("group", "hunter2\n", mode: 0o640), "(mode 640)")
        refused(try file("group-write", "hunter2\n", mode: 0o620), "(mode 620)")
        refused(try file("empty", "\nhunter2\n"), "it is empty")
        refused(scratch.path("missing"), "cannot be read")
        refused(scratch.path(""), "is not one")  // a directory
    }

    @Test("~/.pgpass as libpq reads it: first matching line, * wildcards, \\: and \\\\ escapes, comments, CRLF; localhost for the default socket; ignored with a warning if group or world can read it")
    func passfile() throws {
        let path = try file("pgpass", """
            # hostname:port:database:username:password
            db.internal:5432:clinic:alex:wrong-host
            127.0.0.1:5433:clinic:alex:wrong-port
            127.0.0.1:5432:clinic:alex:first\\:match\\\\x\r
            127.0.0.1:5432:clinic:alex:second-match
            *:*:*:sam:wild
            \\*:*:*:lit:escaped-star
            localhost:5432:*:sock:socket-pw
            short:line
            a\\:b:*:*:*:colon-host:ignored-after

            """)
        func lookup(_ host: String, _ port: Int = 5432, _ database: String = "clinic", user: String) -> String? {
            let found = HubPassword.fromPassfile(path, host: host, port: port, database: database, user: user)
            #expect(found.warning == nil)
            return found.password
        }
        #expect(lookup("127.0.0.1", user: "alex") == "first:match\\x")
        #expect(lookup("127.0.0.1", 5433, user: "alex") == "wrong-port")
        #expect(lookup("10.0.0.9", 6543, "any", user: "sam") == "wild")
        #expect(lookup("anything", user: "lit") == nil)
        #expect(lookup("*", user: "lit") == "escaped-star")
        #expect(lookup("/var/run/postgresql", user: "sock") == "socket-pw")
        #expect(lookup("/srv/other-socket-dir", user: "sock") == nil)
        #expect(lookup("a:b", user: "x") == "colon-host")
        #expect(lookup("127.0.0.1", user: "nobody") == nil)
        // Group or world access: ignored, with libpq's warning naming the file (never a password).
        for mode: mode_t in [0o644, 0o640, 0o604, 0o660] {
            #expect(chmod(path, mode) == 0)
            let found = HubPassword.fromPassfile(path, host: "127.0.0.1", port: 5432, database: "clinic", user: "alex")
            #expect(found.password == nil)
            #expect(found.warning?.contains("password file \"\(path)\" has group or world access") == true && found.warning?.contains("chmod 600") == true, "\(found)")
            #expect(found.warning?.contains("match") == false)
        }
        // A file that does not exist says nothing; a directory is ignored with a warning.
        #expect(HubPassword.fromPassfile(scratch.path("none"), host: "h", port: 1, database: "d", user: "u") == (nil, nil))
        #expect(HubPassword.fromPassfile(scratch.url.path, host: "h", port: 1, database: "d", user: "u").warning?.contains("not a plain file") == true)
    }

    @Test("a Unix socket: percent-encoded in the URL or a path in PGHOST; no sslmode shown, none needed")
    func socket() throws {
        let fromURL = try HubServer.resolve(url: "postgres://u@%2Fvar%2Frun%2Fpostgresql:5433/db", environment: [:])
        #expect(fromURL.host == "/var/run/postgresql" && fromURL.port == 5433 && fromURL.isUnixSocket)
        #expect(fromURL.description == "postgres://u@%2Fvar%2Frun%2Fpostgresql:5433/db")
        let fromEnvironment = try HubServer.resolve(url: nil, environment: ["PGHOST": "/tmp", "PGUSER": "u"])
        #expect(fromEnvironment.host == "/tmp" && fromEnvironment.database == "u")
        #expect(try HubServer.resolve(url: "postgres://u@[::1]:5433/db", environment: [:]).description == "postgres://u@[::1]:5433/db?sslmode=prefer")
    }

    /// A self-signed CA certificate made with openssl, for sslrootcert.
    static func certificate(in scratch: TemporaryDirectory) throws -> String {
        let path = scratch.path("made-ca.pem")
        let made = try MyologProcess.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", scratch.path("made-ca.key"),
                                          "-out", path, "-days", "1", "-subj", "/CN=unit test CA"], executable: URL(fileURLWithPath: "/usr/bin/openssl"))
        #expect(made.status == 0, "\(made.stderr)")
        return path
    }
}
