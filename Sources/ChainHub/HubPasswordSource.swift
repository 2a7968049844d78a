/// Where the hub's PostgreSQL password came from — never the password itself. libpq's order:
/// the URL, then a password file named on the command line, then `PGPASSWORD`, then the
/// password file (`PGPASSFILE`, else `~/.pgpass`).
public enum HubPasswordSource: Sendable, Equatable, CustomStringConvertible {
    /// `postgres://user:PASSWORD@…`: works, with a warning (it is in `ps` and shell history).
    case url
    /// `--postgres-password-file FILE`: its first line.
    case file(String)
    /// `PGPASSWORD`.
    case environment
    /// A line of libpq's password file (`PGPASSFILE`, else `~/.pgpass`).
    case passfile(String)

    public var description: String {
        switch self {
        case .url: "the password in --postgres"
        case .file(let path): "the password in --postgres-password-file \(path)"
        case .environment: "the password in PGPASSWORD"
        case .passfile(let path): "the password from the password file \(path)"
        }
    }
}
