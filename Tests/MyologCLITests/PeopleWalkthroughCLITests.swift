import Foundation
import MyologTestSupport
import Testing
import EventModel

/// README "People and roles", run verbatim: a practice manager founds the store, adds two
/// therapists and a student with their own keys; the student's entries await a co-signature, a
/// therapist co-signs and signs off the visit, a correction becomes an addendum, a late note is
/// marked, the refusals refuse, and the removed student signs in no more.
@Suite("README's people walkthrough, run as written")
struct PeopleWalkthroughCLITests {
    let scratch = TemporaryDirectory("people-walkthrough")

    /// The shell block under README's "People and roles".
    static func readmeBlock() throws -> String {
        let readme = try String(contentsOf: SchemaValidationTests.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## People and roles"))
        let open = try #require(readme.range(of: "```sh\n", range: section.upperBound..<readme.endIndex))
        let close = try #require(readme.range(of: "```\n", range: open.upperBound..<readme.endIndex))
        return String(readme[open.upperBound..<close.lowerBound])
    }

    @Test("the block runs as written: co-signature, sign-off, addendum, late entry, refusals by role, a removed student refused, every author signature verified")
    func walkthrough() throws {
        let home = scratch.path("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let script = scratch.path("people.sh")
        try Self.readmeBlock().write(toFile: script, atomically: true, encoding: .utf8)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        var environment = MyologProcess.environment([
            "HOME": home, "TZ": "Australia/Melbourne", "MYOLOG_USER": "", "PATH": MyologProcess.binary.deletingLastPathComponent().path + ":" + path,
        ])
        // Keys where the README says: the account's own ~/.config.
        environment["XDG_CONFIG_HOME"] = nil
        let shell = try MyologProcess.run(["bash", "-e", "-o", "pipefail", script], environment: environment,
                                          executable: URL(fileURLWithPath: "/usr/bin/env"), workingDirectory: SchemaValidationTests.root.path)
        #expect(shell.status == 0, "the README block failed: \(shell.stderr)")
        let keyFile = home + "/.config/myolog/users/kim.key"
        #expect((try? FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int) == 0o600, "each key 0600 in the account's configuration")
        // The users, as Dana listed them.
        for name in ["Dana Reid", "Alex Ng", "Sam Lee", "Kim Ho", "MAA 12345"] { #expect(shell.stdout.contains(name), "\(name)") }
        // The three refusals, one line each, naming why.
        let refusals = shell.stderr.split(separator: "\n").filter { $0.hasPrefix("myolog: error:") }
        #expect(refusals.count == 3, "\(shell.stderr)")
        #expect(refusals.contains { $0.contains("kim's own entry") }, "\(refusals)")
        #expect(refusals.contains { $0.contains("alex (therapist) may not erase") && $0.contains("privacy officer") }, "\(refusals)")
        #expect(refusals.contains { $0.contains("\"kim\" was removed") }, "\(refusals)")
        // Sam's show: the co-signature, the addendum with both times, the late entry.
        #expect(shell.stdout.contains("co-signed by alex"), "\(shell.stdout)")
        #expect(shell.stdout.contains("addendum by alex"), "\(shell.stdout)")
        #expect(shell.stdout.contains("late entry: care"), "\(shell.stdout)")
        #expect(shell.stdout.contains("signed off by alex"), "\(shell.stdout)")
        #expect(shell.stdout.contains("author signatures verified"), "\(shell.stdout)")
        #expect(shell.stdout.contains("co-sign students' entries"), "the permission table is printed")
    }
}
