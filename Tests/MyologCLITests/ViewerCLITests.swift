import Foundation
import GRDB
import Testing
import MyologTestSupport

/// `myolog ui` as a separate process, browsed by a real headless Chromium.
@Suite("myolog ui, in a real browser")
struct ViewerCLITests {
    let scratch = TemporaryDirectory("ui")

    func accesses(_ store: String) throws -> [String] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read {
            try String.fetchAll($0, sql: "SELECT payload FROM events WHERE type = 'RecordAccessed' ORDER BY origin, sequence")
        }
    }

    func curl(_ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["curl", "-sS", "--max-time", "10"] + arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    @Test("Chromium lists the patients, follows the search, opens a patient page and its timeline, and the conflicts; each page view is one access record; only GET")
    func browse() throws {
        let store = scratch.path("clinic")
        #expect(try MyologProcess.run(["demo", "tour", "--store", store]).status == 0)
        let patients = try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT name FROM patient_summary ORDER BY name") }
        let viewer = try HTTPSyncCLITests.Server(store: store, scratch: scratch, name: "ui", command: ["ui", "--listen", "127.0.0.1:0"], address: #"http://127\.0\.0\.1:\d+"#)
        defer { _ = viewer.stop() }
        let before = try accesses(store).count
        let target = try #require(patients.first { $0.hasPrefix("Mia") })
        let checked = try MyologProcess.run(["python3", ReportCLITests.root.appendingPathComponent("Tools/check-page.py").path, "ui", viewer.url,
                                             "--patients", "\(patients.count)", "--search", "mia", "--expect", target],
                                            executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(checked.status == 0 && checked.stdout.hasPrefix("ok: "), "\(checked.stdout)\(checked.stderr)")
        // list, search, patient page, timeline, conflicts: five pages, five records.
        let recorded = try accesses(store).dropFirst(before).map { $0 }
        #expect(recorded.count == 5, "\(recorded)")
        #expect(recorded.map { $0.firstMatch(of: /"command":"([^"]+)"/).map { String($0.1) } ?? "" } == ["ui patients", "ui patients", "ui patient", "ui timeline", "ui conflicts"])
        #expect(recorded.allSatisfy { $0.contains(#""purpose":"treatment""#) })
        // Twenty pages at once, ten at a time: each still gets its own record (they share commits).
        let concurrent = try curl(["--parallel", "--parallel-max", "10", "-w", "%{http_code}\n"]
                                  + Array(repeating: ["-o", "/dev/null", viewer.url + "/"], count: 20).flatMap { $0 })
        #expect(concurrent.stdout.split(separator: "\n") == Array(repeating: "200", count: 20), "\(concurrent.stdout)\(concurrent.stderr)")
        #expect(try accesses(store).count == before + 5 + 20)
        // Read-only: a write method is refused and records nothing.
        let count = try accesses(store).count
        let post = try curl(["-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", viewer.url + "/"])
        #expect(post.stdout == "405")
        let head = try curl(["-o", "/dev/null", "-w", "%{http_code}", "-I", viewer.url + "/"])
        #expect(head.stdout == "405")
        let unknown = try curl(["-o", "/dev/null", "-w", "%{http_code}", viewer.url + "/patients/not-a-patient"])
        #expect(unknown.stdout == "404")
        #expect(try accesses(store).count == count)
    }

    @Test("--tls serves only to trusted node certificates: a client without one gets no page")
    func tlsOnly() throws {
        let store = scratch.path("clinic")
        #expect(try MyologProcess.run(["demo", "tour", "--store", store]).status == 0)
        let viewer = try HTTPSyncCLITests.Server(store: store, scratch: scratch, name: "ui-tls", command: ["ui", "--listen", "127.0.0.1:0", "--tls"])
        defer { _ = viewer.stop() }
        let before = try accesses(store).count
        let anonymous = try curl(["-k", viewer.url + "/"])
        #expect(anonymous.status != 0 && !anonymous.stdout.contains("Patients"), "\(anonymous.stdout)")
        let plain = try curl([viewer.url.replacingOccurrences(of: "https://", with: "http://") + "/"])
        #expect(plain.status != 0 && !plain.stdout.contains("Patients"))
        #expect(try accesses(store).count == before)
    }

    @Test("a non-loopback --listen without --tls, or a malformed one, is refused in one line; nothing written", arguments: [
        ["ui", "--listen", "0.0.0.0:8418"], ["ui", "--listen", "192.168.1.20:0"], ["ui", "--listen", "nonsense"],
    ])
    func refusals(_ arguments: [String]) throws {
        let store = scratch.path("clinic")
        #expect(try MyologProcess.run(["demo", "tour", "--store", store]).status == 0)
        let before = try accesses(store).count
        let result = try MyologProcess.run(["--store", store] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("myolog: error: listen:") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try accesses(store).count == before)
    }
}
