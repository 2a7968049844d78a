import Foundation
import EventModel

/// Writing a file a user named (an export, a bundle) without ever damaging what was there: the
/// target must be a new path in an existing directory or — only when replacing is asked for — an
/// existing regular file; never a device, a directory, a symbolic link or a socket. The bytes go
/// to a temporary file in the same directory, are flushed, and are renamed over the target only
/// when complete, so a failure leaves the old file (or nothing) and never half a file.
public enum AtomicFile {
    /// Refuses `url` unless it is a new path in an existing directory or, with `replacing`, an
    /// existing regular file. `field` names the option in the refusal.
    /// `storeFile`: the file is one of the store's own (`hub.json`), written by Myolog into its
    /// store directory — never a path a user named.
    public static func checkTarget(_ url: URL, replacing: Bool, field: String = "out", storeFile: Bool = false) throws {
        if !storeFile { try refuseInsideStore(url, field: field) }
        var status = stat()
        if lstat(url.path, &status) == 0 {
            let kind = status.st_mode & S_IFMT
            let what: String? = switch kind {
            case S_IFREG: nil
            case S_IFLNK: "is a symbolic link"
            case S_IFDIR: "is a directory"
            case S_IFCHR, S_IFBLK: "is a device"
            default: "is not a regular file"
            }
            if let what {
                throw EventLogError.invalidField(field: field, value: url.path, accepted: "a new file, or an existing regular file with --force; \(url.path) \(what)")
            }
            guard replacing else {
                throw EventLogError.invalidField(field: field, value: url.path, accepted: "a new file; \(url.path) exists (pass --force to replace it)")
            }
            return
        }
        try checkParent(of: url, field: field, naming: "a file")
    }

    /// Refuses `url` unless its parent is an existing directory this process may write to: where
    /// a new file (or a restored store, `naming` "a path") can be made. `naming` is what the
    /// refusal says is accepted: "a file in an existing directory", "a path in …".
    static func checkParent(of url: URL, field: String, naming what: String) throws {
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EventLogError.invalidField(field: field, value: url.path, accepted: "\(what) in an existing directory; \(directory.path) does not exist")
        }
        guard access(directory.path, W_OK) == 0 else {
            throw EventLogError.invalidField(field: field, value: url.path, accepted: "\(what) in a directory you may write to; \(directory.path) is not writable")
        }
    }

    /// Refuses `url` when it lies inside a store directory (one holding `myolog.sqlite` or
    /// `node.key`), whatever symbolic links lead there: an export, a report or a bundle written
    /// with `--force` over `node.key` or `myolog.sqlite` would destroy the store, and any file
    /// left beside them is health data inside a directory backed up and copied as the store.
    public static func refuseInsideStore(_ url: URL, field: String = "out") throws {
        // The deepest ancestor that exists, with every link resolved by the kernel's own rules:
        // a path through a link into the store is the store. Never standardised as text first —
        // `link/..` is the link target's parent, not the link's.
        var existing = url.path.hasPrefix("/") ? url.path : FileManager.default.currentDirectoryPath + "/" + url.path
        while realpath(existing, nil).map({ free($0); return false }) ?? true, existing != "/" {
            existing = (existing as NSString).deletingLastPathComponent
            if existing.isEmpty { existing = "/" }
        }
        guard let resolved = realpath(existing, nil) else { return }
        var directory = URL(fileURLWithPath: String(cString: resolved))
        free(resolved)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            directory = directory.deletingLastPathComponent()
        }
        while true {
            for name in [EventStore.databaseFileName, EventStore.keyFileName]
            where FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
                throw EventLogError.invalidField(field: field, value: url.path,
                                                 accepted: "a path outside every store directory; \(directory.path) is a store (it holds \(name))")
            }
            if directory.path == "/" { return }
            directory = directory.deletingLastPathComponent()
        }
    }

    /// Checks the target (``checkTarget(_:replacing:field:)``), then writes it through `body`
    /// atomically (mode 0600: exports hold health data).
    public static func write<T>(to url: URL, replacing: Bool, field: String = "out", storeFile: Bool = false, _ body: (FileHandle) throws -> T) throws -> T {
        try checkTarget(url, replacing: replacing, field: field, storeFile: storeFile)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw EventLogError.invalidField(field: field, value: url.path, accepted: "a path that can be written: \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            let result = try body(handle)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw EventLogError.invalidField(field: field, value: url.path, accepted: "a path that can be written: \(String(cString: strerror(errno)))")
            }
            return result
        } catch {
            try? handle.close()
            unlink(temporary.path)
            if let error = error as? EventLogError { throw error }
            throw EventLogError.invalidField(field: field, value: url.path, accepted: "a path with room to write: \(Self.reason(error))")
        }
    }

    /// The POSIX reason inside a Foundation file error, in one line.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return nsError.localizedDescription.replacingOccurrences(of: "\n", with: " ")
    }
}
