import Foundation

/// A fresh directory under the system temporary directory, removed when the test is done.
final class TemporaryDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("myolog-test-\(UUID().uuidString)")
    }

    func path(_ component: String) -> URL { url.appendingPathComponent(component) }

    deinit { try? FileManager.default.removeItem(at: url) }
}
