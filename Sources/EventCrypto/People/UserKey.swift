import Crypto
import Foundation
import EventModel

/// A person's own Ed25519 key, kept in the OS user's configuration directory — never in the
/// store, so a copied store directory signs nothing in anyone's name. The file is one line of
/// base64 of the 32-byte private key, mode 0600; one refused when other OS users can read it.
///
/// Where: `$MYOLOG_USER_KEY` when set, else `$XDG_CONFIG_HOME/myolog/users/NAME.key`, else
/// `~/.config/myolog/users/NAME.key` (the XDG Base Directory default).
public struct UserKey: Sendable {
    /// The user it is the key of.
    public let user: String
    /// Where it was read from or written to.
    public let path: String
    public let privateKey: Curve25519.Signing.PrivateKey

    /// The raw 32-byte public key: what a practice manager binds to the user.
    public var publicKey: Data { privateKey.publicKey.rawRepresentation }

    /// The key file path for `user` in `environment`.
    ///
    /// - Parameters:
    ///   - user: The user name (`UserName`).
    ///   - environment: The process environment.
    /// - Returns: The path.
    public static func path(for user: String, environment: [String: String]) -> String {
        if let named = environment["MYOLOG_USER_KEY"], !named.isEmpty { return (named as NSString).expandingTildeInPath }
        let configuration = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        return (configuration as NSString).appendingPathComponent("myolog/users/\(user).key")
    }

    /// Reads the key of `user` at `path`.
    ///
    /// - Parameters:
    ///   - user: Whose key it is.
    ///   - path: The key file.
    /// - Returns: The key.
    /// - Throws: `PeopleError.keyMissing(user:path:)`, `PeopleError.insecureKey(path:mode:)`,
    ///   `PeopleError.malformedKey(path:)`.
    public static func read(user: String, at path: String) throws -> UserKey {
        // Opened without following a link, then checked on the open file (not the path): no
        // swap between the check and the read, no FIFO to block on, no file of another account.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw PeopleError.keyMissing(user: user, path: path) }
            throw PeopleError.malformedKey(path: path)
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size < 4096 else { throw PeopleError.malformedKey(path: path) }
        let mode = UInt16(status.st_mode & 0o777)
        guard mode & 0o077 == 0 else { throw PeopleError.insecureKey(path: path, mode: mode) }
        guard status.st_uid == geteuid() else { throw PeopleError.keyOfAnotherAccount(path: path) }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        let count = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
        guard count == bytes.count, let text = String(validating: bytes, as: UTF8.self),
            let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw PeopleError.malformedKey(path: path) }
        return UserKey(user: user, path: path, privateKey: key)
    }

    /// Makes a new key for `user` at `path` (its directories created 0700); never overwrites one.
    ///
    /// - Parameters:
    ///   - user: Whose key it is.
    ///   - path: Where to write it.
    /// - Returns: The new key.
    /// - Throws: `PeopleError.keyExists(path:)`, or the file system's error.
    public static func create(user: String, at path: String) throws -> UserKey {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = Curve25519.Signing.PrivateKey()
        let contents = Data((key.rawRepresentation.base64EncodedString() + "\n").utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw PeopleError.keyExists(path: path) }
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { close(fd) }
        let written = contents.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == contents.count, fsync(fd) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return UserKey(user: user, path: path, privateKey: key)
    }
}
