import Foundation

/// A fresh directory under the system temporary directory for one test's stores and files,
/// removed with everything in it when the test lets go of it — so no test leaves health-record
/// look-alikes (or gigabytes of benchmark stores) behind.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    /// `label` names the directory (`myolog-LABEL-UUID`), so a leftover says which suite made it.
    public init(_ label: String = "test") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("myolog-\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// `name` inside the directory.
    public func url(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// `name` inside the directory, as a path.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
