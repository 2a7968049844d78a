import Foundation

/// Reading passwords from files, as libpq does. Every message names the file, never its content.
enum HubPassword {
    /// The warning printed when the URL carries the password.
    static let urlWarning = "the password in --postgres is visible to other users of this machine (ps) and stays in shell history: use PGPASSWORD, ~/.pgpass (chmod 600) or --postgres-password-file instead"

    /// The first line of `path` (a file or a pipe only its owner can read or write), or a
    /// one-line refusal naming the field, the file and what is accepted.
    static func firstLine(of path: String, field: String) throws(HubError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            throw HubError.invalidConnection(field: field, accepted: "a file holding the password on its first line; \(path) cannot be read (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG || status.st_mode & S_IFMT == S_IFIFO else {
            throw HubError.invalidConnection(field: field, accepted: "a plain file holding the password on its first line; \(path) is not one")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw HubError.invalidConnection(field: field, accepted: "a file only its owner can read; \(path) has group or world access (mode \(String(permissions, radix: 8))): run chmod 600 \(path)")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 16 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[..<count]
            if buffer[..<count].contains(UInt8(ascii: "\n")) { break }
        }
        var line = Substring(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        if line.hasSuffix("\r") { line = line.dropLast() }
        guard !line.isEmpty else { throw HubError.invalidConnection(field: field, accepted: "the password on the first line of \(path); it is empty") }
        return String(line)
    }

    /// What libpq's password file says for a connection: the password of the first line whose
    /// `hostname:port:database:username` match (`*` matches anything; `\:` and `\\` escape), or
    /// nil. A file that does not exist says nothing; one that is not a plain file, or that has
    /// group or world access, is ignored with a warning (libpq's rule).
    static func fromPassfile(_ path: String, host: String, port: Int, database: String, user: String) -> (password: String?, warning: String?) {
        var status = stat()
        guard stat(path, &status) == 0 else { return (nil, nil) }
        guard status.st_mode & S_IFMT == S_IFREG else { return (nil, "password file \"\(path)\" is not a plain file: it is ignored") }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            return (nil, "password file \"\(path)\" has group or world access (mode \(String(permissions, radix: 8))); permissions should be u=rw (0600) or less: it is ignored (chmod 600 \(path))")
        }
        guard let data = FileManager.default.contents(atPath: path) else { return (nil, "password file \"\(path)\" cannot be read: it is ignored") }
        // A socket in the default directory is "localhost" to the password file, as to libpq.
        let hostname = host.hasPrefix("/") && ["/var/run/postgresql", "/run/postgresql", "/tmp"].contains(host) ? "localhost" : host
        let wanted = [hostname, String(port), database, user]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let fields = Self.fields(line)
            guard fields.count >= 5 else { continue }
            guard zip(fields.prefix(4), wanted).allSatisfy({ field, value in field.wildcard || field.text.utf8.elementsEqual(value.utf8) }) else { continue }
            let password = fields[4].text
            return (password.isEmpty ? nil : password, nil)
        }
        return (nil, nil)
    }

    /// A password file line's fields, split at unescaped colons, escapes removed; a field is a
    /// wildcard only if it is an unescaped `*` alone.
    static func fields(_ line: Substring) -> [(text: String, wildcard: Bool)] {
        // By Unicode scalars, not characters: a colon followed by a combining mark still separates.
        var fields: [(text: String, wildcard: Bool)] = []
        var text = String.UnicodeScalarView(), raw = String.UnicodeScalarView(), escaped = false
        for scalar in line.unicodeScalars {
            if escaped {
                text.append(scalar); raw.append(scalar); escaped = false
            } else if scalar == "\\" {
                escaped = true; raw.append(scalar)
            } else if scalar == ":" {
                fields.append((String(text), String(raw) == "*")); text = .init(); raw = .init()
            } else {
                text.append(scalar); raw.append(scalar)
            }
        }
        if escaped { text.append("\\") }  // a backslash ending the line is kept, as libpq does
        fields.append((String(text), String(raw) == "*"))
        return fields
    }
}
