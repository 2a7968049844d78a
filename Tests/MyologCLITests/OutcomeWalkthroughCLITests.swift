import Foundation
import MyologTestSupport
import Testing

/// README "Outcome measures", run verbatim: baseline NDI, PSFS and STarT Back, reassessments, a
/// correction that rescores, a refusal that writes nothing, and the courses on screen.
@Suite("README's outcome measures walkthrough, run as written")
struct OutcomeWalkthroughCLITests {
    let scratch = TemporaryDirectory("outcome-walkthrough")

    static func readmeBlock() throws -> String {
        let readme = try String(contentsOf: SchemaValidationTests.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Outcome measures"))
        let open = try #require(readme.range(of: "```sh\n", range: section.upperBound..<readme.endIndex))
        let close = try #require(readme.range(of: "```\n", range: open.upperBound..<readme.endIndex))
        return String(readme[open.upperBound..<close.lowerBound])
    }

    @Test("the block runs as written: courses with their change and verdict, the corrected answer set rescored, one refusal")
    func walkthrough() throws {
        let home = scratch.path("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let script = scratch.path("outcomes.sh")
        try Self.readmeBlock().write(toFile: script, atomically: true, encoding: .utf8)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let environment = MyologProcess.environment([
            "HOME": home, "TZ": "Australia/Melbourne", "MYOLOG_USER": "", "PATH": MyologProcess.binary.deletingLastPathComponent().path + ":" + path,
        ])
        let shell = try MyologProcess.run(["bash", "-e", "-o", "pipefail", script], environment: environment,
                                          executable: URL(fileURLWithPath: "/usr/bin/env"), workingDirectory: SchemaValidationTests.root.path)
        #expect(shell.status == 0, "the README block failed: \(shell.stderr)")
        // NDI: 18.0 at baseline; the corrected last answer set is 5 of 50 (every item answered).
        #expect(shell.stdout.contains("baseline 2026-09-01 18.0 → 2026-09-29 5.0/50 points: 13.0 better, MCID 7.5 reached"), "\(shell.stdout)")
        #expect(shell.stdout.contains("baseline 2026-09-01 3.5 → 2026-09-29 7.5/10 points: 4.0 better, MDC 2.0 reached"), "\(shell.stdout)")
        #expect(shell.stdout.contains("6/9 points; Medium risk: no reassessment yet"), "\(shell.stdout)")
        #expect(shell.stdout.contains("† answers corrected by alex"), "\(shell.stdout)")
        let refusals = shell.stderr.split(separator: "\n").filter { $0.hasPrefix("myolog: error:") }
        #expect(refusals == ["myolog: error: answers: \"2,3,1\" is not accepted; accepted: 10 answers for ndi v1, in item order, `-` for a skipped one (3 given)"],
                "\(shell.stderr)")
        #expect(shell.stdout.contains("REASSESS"))
        #expect(shell.stdout.contains("Keele STarT Back") && shell.stdout.contains("item text: none — ODI"))
    }
}
