import ArgumentParser
import EventModel
import Foundation

/// The passphrase of a backup, from `--passphrase-file FILE` or typed at the terminal with echo
/// off — never from an argument (other users see arguments in `ps`, and shells keep them in
/// history) nor from the environment (a process's environment is readable by the same user's
/// other processes, inherited by every child, and dumped by crash reporters).
///
/// Guarantees: a file with group or world access is refused (like ssh's keys and libpq's password
/// file), as is a file that is not a plain file or a pipe, an empty first line, and — when making
/// a backup — a passphrase shorter than ``minimumLength``; a typed passphrase is asked twice when
/// making a backup. Every message names the file, never the passphrase.
struct BackupPassphrase {
    var bytes: [UInt8]
    /// Where it came from, for messages: the file's path, or the terminal.
    var source: String

    /// The fewest characters a new backup's passphrase may have. scrypt makes each guess cost
    /// ~0.5 s of one core and 128 MiB, but a short passphrase still falls to a patient guesser.
    static let minimumLength = 12

    /// Reads it from `file` if given, else from the terminal (`confirming` asks twice).
    static func read(file: String?, making: Bool) throws -> BackupPassphrase {
        let passphrase = try file.map(fromFile) ?? fromTerminal(confirming: making)
        if making, passphrase.bytes.count < minimumLength {
            throw ValidationError("passphrase\(file == nil ? "" : "-file"): \(passphrase.source) is not accepted; accepted: a passphrase of at least \(minimumLength) characters (it is all that protects the backup's copy of every record and of node.key)")
        }
        return passphrase
    }

    /// The first line of `path`, without its line break.
    private static func fromFile(_ path: String) throws -> BackupPassphrase {
        let expanded = (path as NSString).expandingTildeInPath
        func refuse(_ accepted: String) -> ValidationError {
            ValidationError("passphrase-file: \"\(VisibleText.escaped(path))\" is not accepted; accepted: \(accepted)")
        }
        let descriptor = open(expanded, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { throw refuse("a file holding the passphrase on its first line; it cannot be read (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG || status.st_mode & S_IFMT == S_IFIFO else {
            throw refuse("a plain file (or a pipe) holding the passphrase on its first line; this is neither")
        }
        // Whoever owns the file chooses the passphrase, and so the key of the backup: it must be
        // this account's own (as ssh asks of its keys), not one another user left at the path.
        guard status.st_uid == geteuid() else {
            throw refuse("a file this account owns; it belongs to uid \(status.st_uid), who could have chosen the passphrase")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw refuse("a file only its owner can read; it has group or world access (mode \(String(permissions, radix: 8))): run chmod 600 on it")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 16 {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[..<count]
            if buffer[..<count].contains(UInt8(ascii: "\n")) { break }
        }
        var line = Array(bytes.prefix { $0 != UInt8(ascii: "\n") })
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard !line.isEmpty else { throw refuse("a file holding the passphrase on its first line; that line is empty") }
        return BackupPassphrase(bytes: line, source: path)
    }

    /// Asks on the controlling terminal with echo off; refuses when there is none.
    private static func fromTerminal(confirming: Bool) throws -> BackupPassphrase {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard tty >= 0 else {
            throw ValidationError("passphrase-file: none given, and there is no terminal to ask on; accepted: --passphrase-file FILE (chmod 600), or run it at a terminal")
        }
        defer { close(tty) }
        let first = try ask(tty, "Backup passphrase: ")
        if confirming {
            guard try ask(tty, "Again, to confirm: ") == first else {
                throw ValidationError("passphrase: the two passphrases typed differ; accepted: the same passphrase twice")
            }
        }
        return BackupPassphrase(bytes: first, source: "the passphrase typed")
    }

    /// One line from the terminal, echo off for its duration (and put back on a signal).
    private static func ask(_ tty: Int32, _ prompt: String) throws -> [UInt8] {
        var saved = termios()
        let canHideEcho = tcgetattr(tty, &saved) == 0
        if canHideEcho {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            Terminal.restore = (tty, saved)
            for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { Foundation.signal(signal, Terminal.restoreAndExit) }
            tcsetattr(tty, TCSAFLUSH, &quiet)
        }
        // The prompt once echo is off: what is typed after it is never shown, nor thrown away.
        _ = prompt.withCString { write(tty, $0, strlen($0)) }
        defer {
            if canHideEcho {
                tcsetattr(tty, TCSAFLUSH, &saved)
                for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { Foundation.signal(signal, SIG_DFL) }
                Terminal.restore = nil
            }
            _ = write(tty, "\n", 1)
        }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while line.count < 1 << 16 {
            let count = Foundation.read(tty, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1, byte != UInt8(ascii: "\n") else { break }
            line.append(byte)
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard !line.isEmpty else { throw ValidationError("passphrase: an empty passphrase is not accepted; accepted: the passphrase, typed then Enter") }
        return line
    }
}

/// The terminal's settings while echo is off, so that a signal puts them back before exiting.
private enum Terminal {
    nonisolated(unsafe) static var restore: (Int32, termios)?

    static let restoreAndExit: @convention(c) (Int32) -> Void = { signal in
        if let (tty, saved) = restore {
            var settings = saved
            tcsetattr(tty, TCSANOW, &settings)
        }
        _exit(128 + signal)
    }
}
