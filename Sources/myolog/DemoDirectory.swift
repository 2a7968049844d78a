import ArgumentParser
import Foundation

/// Where the demos put their stores when no directory is given, and how their hints name the
/// binary so that every printed command runs as printed.
enum DemoDirectory {
    /// A new, private (0700) directory under the system's temporary directory.
    static func makeTemporary(field: String) throws -> URL {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("myolog-demo-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else {
            throw ValidationError("\(field): could not create a temporary directory under \(template)")
        }
        return URL(fileURLWithPath: String(cString: UnsafePointer(made)))
    }

    /// The command that runs this binary: `myolog` when that name on $PATH is this very file,
    /// else the binary's absolute path (after `swift run`, `myolog` is not on PATH yet).
    static var invocation: String {
        guard let me = Bundle.main.executableURL?.resolvingSymlinksInPath().path else { return "myolog" }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("myolog")
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate.resolvingSymlinksInPath().path == me ? "myolog" : me
            }
        }
        return me
    }
}
