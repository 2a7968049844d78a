@testable import EventLog
@testable import EventModel
import Foundation
import Testing
import MyologTestSupport

/// A bundle's lines are parsed on both cores (`EventLinesPipeline`), yet a refused bundle names
/// its first bad line, exactly as a check reading line by line would.
@Suite("Bundle refusals in line order")
struct BundleRefusalOrderTests {
    let directory = TemporaryDirectory()

    /// The refusal `EventBundle.check` gives for the bundle at `source` with `edit` applied to its lines.
    func refusal(_ source: URL, named name: String, _ edit: (inout [String]) -> Void) throws -> String {
        var lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        edit(&lines)
        let url = directory.url(name)
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let error = #expect(throws: (any Error).self) { try EventBundle.check(url) }
        return error.map { "\($0)" } ?? ""
    }

    @Test("a sequence gap is named, not a malformed line after it still being parsed on the other core")
    func gapBeforeMalformedLine() throws {
        let store = try EventStore.create(at: directory.url("store"), site: "Order")
        try store.append((0..<4_500).map { NewEvent(type: "Note", schemaVersion: 1, patient: nil, payload: ["n": .int($0)]) }, author: "alex")
        let source = directory.url("whole.bundle")
        _ = try EventBundle.export(store, beyond: nil, to: source)
        // Line 1500 dropped: a gap in the origin's sequence in the parser's second chunk; line
        // 3500 broken: in a chunk still in flight when the gap is found.
        let gapOnly = try refusal(source, named: "gap.bundle") { $0.remove(at: 1500) }
        let both = try refusal(source, named: "both.bundle") { lines in
            lines[3500] = "{not an event"
            lines.remove(at: 1500)
        }
        let malformedOnly = try refusal(source, named: "malformed.bundle") { $0[3500] = "{not an event" }
        // The file's line 1501 (index 1500) is the first after the dropped one: where the jump is.
        #expect(gapOnly.contains("line 1501:") && gapOnly.contains("jumps"), "\(gapOnly)")
        #expect(malformedOnly.contains("line 3501"), "\(malformedOnly)")
        #expect(both == gapOnly, "\(both)")
    }
}
