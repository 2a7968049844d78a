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

    /// Every event in the store: a refused request must add none (no access record, nothing else).
    func eventCount(_ store: String) throws -> Int {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") ?? -1 }
    }

    /// A running `ui` and the token it printed in its address.
    struct Viewer {
        let server: HTTPSyncCLITests.Server
        let token: String
        var url: String { server.url }
        /// The whole printed address, as a person would open it.
        var signIn: String { url + "/?token=" + token }
        var cookie: String { "myolog_ui=" + token }
    }

    /// A peer store `store` trusts both ways, and the TLS identity (certificate and key) its node
    /// presents: what a trusted client of `ui --tls` connects with.
    func trustedPeerIdentity(of store: String) throws -> String {
        let peer = scratch.path("peer"), identity = scratch.path("peer-tls")
        #expect(try MyologProcess.run(["--store", peer, "init", "--site", "Peer"]).status == 0)
        try MyologProcess.trustEachOther(store, peer)
        #expect(try MyologProcess.run(["--store", peer, "tls-identity", "--out", identity]).status == 0)
        return identity
    }

    /// Starts `ui` on `store` and reads its token from the one line it prints.
    func startViewer(_ store: String, name: String = "ui", listen: String = "127.0.0.1:0", options: [String] = [],
                     address: String = #"http://127\.0\.0\.1:\d+"#) throws -> Viewer {
        let server = try HTTPSyncCLITests.Server(store: store, scratch: scratch, name: name, command: ["ui", "--listen", listen] + options, address: address)
        let line = try String(contentsOf: server.stdout, encoding: .utf8)
        guard let match = line.firstMatch(of: #/\?token=([A-Za-z0-9_-]{43}) /#) else {
            _ = server.stop()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "no ?token= of 43 base64url characters in: \(line)"])
        }
        return Viewer(server: server, token: String(match.1))
    }

    /// A response as curl received it: status, header lines, body (redirects not followed).
    struct Answer {
        var status: Int, head: String, body: String
        func header(_ name: String) -> String? {
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// `curl -i` of `url`; `prefix` runs it through another command (`runuser -u nobody --`).
    func fetch(_ url: String, _ options: [String] = [], as prefix: [String] = []) throws -> Answer {
        let result = try MyologProcess.run(prefix + ["curl", "-sS", "--max-time", "10", "-i", "-g", "--path-as-is"] + options + [url],
                                           executable: URL(fileURLWithPath: "/usr/bin/env"))
        guard result.status == 0, let end = result.stdout.range(of: "\r\n\r\n") else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "curl \(url): \(result.status) \(result.stderr)"])
        }
        let head = String(result.stdout[..<end.lowerBound])
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? -1
        return Answer(status: status, head: head, body: String(result.stdout[end.upperBound...]))
    }

    /// A store with the demo's patients, one patient's id and plain name (letters and spaces,
    /// so it reads the same in the page's HTML), and every patient's name.
    func demo(_ name: String = "clinic") throws -> (store: String, patient: String, name: String, names: [String]) {
        let store = scratch.path(name)
        #expect(try MyologProcess.run(["demo", "tour", "--store", store]).status == 0)
        let rows = try DatabaseQueue(path: store + "/myolog.sqlite").read { try Row.fetchAll($0, sql: "SELECT patient, name FROM patient_summary ORDER BY name") }
        let names = rows.map { $0["name"] as String }
        let plain = try #require(rows.first { ($0["name"] as String).allSatisfy { $0.isLetter || $0 == " " } })
        return (store, plain["patient"], plain["name"], names)
    }

    @Test("Chromium lists the patients, follows the search, opens a patient page and its timeline, and the conflicts; each page view is one access record; only GET")
    func browse() throws {
        let store = scratch.path("clinic")
        #expect(try MyologProcess.run(["demo", "tour", "--store", store]).status == 0)
        let patients = try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT name FROM patient_summary ORDER BY name") }
        let viewer = try startViewer(store)
        defer { _ = viewer.server.stop() }
        let before = try accesses(store).count
        let target = try #require(patients.first { $0.hasPrefix("Mia") })
        // The browser opens the printed address (signing in), then browses with its cookie.
        let checked = try MyologProcess.run(["python3", ReportCLITests.root.appendingPathComponent("Tools/check-page.py").path, "ui", viewer.signIn,
                                             "--patients", "\(patients.count)", "--search", "mia", "--expect", target],
                                            executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(checked.status == 0 && checked.stdout.hasPrefix("ok: "), "\(checked.stdout)\(checked.stderr)")
        // list, search, patient page, timeline, conflicts: five pages, five records.
        let recorded = try accesses(store).dropFirst(before).map { $0 }
        #expect(recorded.count == 5, "\(recorded)")
        #expect(recorded.map { $0.firstMatch(of: /"command":"([^"]+)"/).map { String($0.1) } ?? "" } == ["ui patients", "ui patients", "ui patient", "ui timeline", "ui conflicts"])
        #expect(recorded.allSatisfy { $0.contains(#""purpose":"treatment""#) })
        // Twenty pages at once, ten at a time: each still gets its own record (they share commits).
        let concurrent = try curl(["--parallel", "--parallel-max", "10", "-w", "%{http_code}\n", "-b", viewer.cookie]
                                  + Array(repeating: ["-o", "/dev/null", viewer.url + "/"], count: 20).flatMap { $0 })
        #expect(concurrent.stdout.split(separator: "\n") == Array(repeating: "200", count: 20), "\(concurrent.stdout)\(concurrent.stderr)")
        #expect(try accesses(store).count == before + 5 + 20)
        // Read-only: a write method is refused and records nothing.
        let count = try accesses(store).count
        let post = try curl(["-o", "/dev/null", "-w", "%{http_code}", "-b", viewer.cookie, "-X", "POST", viewer.url + "/"])
        #expect(post.stdout == "405")
        let head = try curl(["-o", "/dev/null", "-w", "%{http_code}", "-b", viewer.cookie, "-I", viewer.url + "/"])
        #expect(head.stdout == "405")
        let unknown = try curl(["-o", "/dev/null", "-w", "%{http_code}", "-b", viewer.cookie, viewer.url + "/patients/not-a-patient"])
        #expect(unknown.stdout == "404")
        #expect(try accesses(store).count == count)
    }

    @Test("--tls serves only to trusted node certificates: a client without one gets no page; a trusted one with the token is served")
    func tlsOnly() throws {
        let (store, _, name, _) = try demo()
        let identity = try trustedPeerIdentity(of: store)
        let viewer = try startViewer(store, name: "ui-tls", options: ["--tls"], address: #"https://127\.0\.0\.1:\d+"#)
        defer { _ = viewer.server.stop() }
        let before = try accesses(store).count
        let anonymous = try curl(["-k", "-b", viewer.cookie, viewer.url + "/"])
        #expect(anonymous.status != 0 && !anonymous.stdout.contains("Patients"), "\(anonymous.stdout)")
        let plain = try curl(["-b", viewer.cookie, viewer.url.replacingOccurrences(of: "https://", with: "http://") + "/"])
        #expect(plain.status != 0 && !plain.stdout.contains("Patients"))
        #expect(try accesses(store).count == before)
        // Not a server that refuses everyone, nor one that has crashed: after the refusals, a
        // trusted certificate with the token is served the patient list, and that is recorded.
        let trusted = try fetch(viewer.url + "/", ["-k", "--cert", identity + "/certificate.pem", "--key", identity + "/private-key.pem", "-b", viewer.cookie])
        #expect(trusted.status == 200 && trusted.body.contains("Patients") && trusted.body.contains(name), "\(trusted.head)")
        #expect(try accesses(store).count == before + 1)
    }

    @Test("--tls needs the token too: a trusted peer's node certificate alone gets 401; the printed token signs in with a Secure cookie")
    func tlsNeedsTheTokenToo() throws {
        let (store, patient, name, names) = try demo()
        let identity = try trustedPeerIdentity(of: store)
        let viewer = try startViewer(store, name: "ui-tls", options: ["--tls"], address: #"https://127\.0\.0\.1:\d+"#)
        defer { _ = viewer.server.stop() }
        let trusted = ["-k", "--cert", identity + "/certificate.pem", "--key", identity + "/private-key.pem"]
        let before = try eventCount(store)
        let anonymous = try fetch(viewer.url + "/patients/\(patient)", trusted)
        #expect(anonymous.status == 401 && !names.contains { anonymous.body.contains($0) }, "\(anonymous.head)")
        #expect(try eventCount(store) == before)
        let signIn = try fetch(viewer.signIn, trusted)
        #expect(signIn.status == 303, "\(signIn.head)")
        let cookie = try #require(signIn.header("Set-Cookie"))
        #expect(Set(cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }) == [viewer.cookie, "HttpOnly", "SameSite=Strict", "Path=/", "Secure"])
        let page = try fetch(viewer.url + "/patients/\(patient)", trusted + ["-b", viewer.cookie])
        #expect(page.status == 200 && page.body.contains(name), "\(page.head)")
    }

    @Test("without the token or its cookie every path is 401 with a page saying to open the printed address: no patient name, no event recorded")
    func refusedWithoutTheToken() throws {
        let (store, patient, _, names) = try demo()
        let viewer = try startViewer(store)
        defer { _ = viewer.server.stop() }
        let before = try eventCount(store)
        // Nothing presented; then cookies that are not the token: another value, the token cut
        // short or lengthened by one character (a comparison by prefix would admit one of them).
        let cookies: [[String]] = [[], ["-b", "myolog_ui=guess"], ["-b", "myolog_ui=" + String(viewer.token.dropLast())], ["-b", viewer.cookie + "A"],
                                   ["-b", "other=" + viewer.token]]
        for path in ["/", "/?q=mia", "/patients/\(patient)", "/patients/\(patient)/timeline", "/conflicts", "/patients/not-a-patient"] {
            for cookie in cookies {
                let answer = try fetch(viewer.url + path, cookie)
                #expect(answer.status == 401, "\(path) \(cookie): \(answer.head)")
                #expect(answer.body.contains("Open the address myolog ui printed"), "\(path): \(answer.body)")
                #expect(!names.contains { answer.body.contains($0) } && !answer.body.contains(patient), "\(path) shows patient data")
                #expect(answer.header("Set-Cookie") == nil && answer.header("WWW-Authenticate") != nil)
            }
        }
        #expect(try eventCount(store) == before, "a refused request recorded something")
    }

    @Test("a wrong, empty or repeated token, or the right one in a POST, is 401: no cookie is set, nothing shown, nothing recorded")
    func refusedWithAWrongToken() throws {
        let (store, patient, _, names) = try demo()
        let viewer = try startViewer(store)
        defer { _ = viewer.server.stop() }
        let before = try eventCount(store)
        // The token with its last character changed: right length, right prefix, wrong.
        let changed = String(viewer.token.dropLast()) + (viewer.token.last == "A" ? "B" : "A")
        for (query, options) in [("?token=\(changed)", []), ("?token=wrong", []), ("?token=", []), ("?token", []),
                                 ("?token=\(viewer.token)&token=\(viewer.token)", []), ("?token=\(viewer.token)", ["-X", "POST"])] as [(String, [String])] {
            for path in ["/", "/patients/\(patient)"] {
                let answer = try fetch(viewer.url + path + query, options)
                #expect(answer.status == 401, "\(path)\(query) \(options): \(answer.head)")
                #expect(answer.header("Set-Cookie") == nil && answer.header("Location") == nil, "\(answer.head)")
                #expect(!names.contains { answer.body.contains($0) }, "\(path)\(query) shows patient data")
            }
        }
        #expect(try eventCount(store) == before, "a refused request recorded something")
    }

    @Test("the printed token signs in: 303 to the same path without it, cookie HttpOnly, SameSite=Strict, Path=/; then the page is served and recorded; the token is in no log line and no file of the store")
    func signInWithThePrintedToken() throws {
        let (store, patient, name, _) = try demo()
        let viewer = try startViewer(store)
        defer { _ = viewer.server.stop() }
        let before = try eventCount(store), accessesBefore = try accesses(store).count
        let signIn = try fetch(viewer.signIn)
        #expect(signIn.status == 303 && signIn.header("Location") == "/", "\(signIn.head)")
        let cookie = try #require(signIn.header("Set-Cookie"))
        let attributes = Set(cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(attributes == [viewer.cookie, "HttpOnly", "SameSite=Strict", "Path=/"], "\(cookie)")
        // The redirect keeps the path and the rest of the query, and never leaves this server.
        let deep = try fetch(viewer.url + "/patients/\(patient)/timeline?a=1&token=\(viewer.token)&b=2")
        #expect(deep.status == 303 && deep.header("Location") == "/patients/\(patient)/timeline?a=1&b=2", "\(deep.head)")
        for away in ["//evil.example/?token=\(viewer.token)", "/\\evil.example/?token=\(viewer.token)"] {
            let answer = try fetch(viewer.url + away)
            #expect(answer.status == 303 && answer.header("Location") == "/", "\(away): \(answer.head)")
        }
        // A redirect shows nothing, so records nothing.
        #expect(try eventCount(store) == before)
        // With the cookie, as the browser sends it: the page, and its access record.
        let page = try fetch(viewer.url + "/patients/\(patient)", ["-b", viewer.cookie])
        #expect(page.status == 200 && page.body.contains(name), "\(page.head)")
        let recorded = try accesses(store).dropFirst(accessesBefore)
        #expect(recorded.count == 1 && recorded.allSatisfy { $0.contains(#""command":"ui patient""#) }, "\(recorded)")
        // The token is printed once, to the terminal (stdout): not to the log (stderr, which a
        // refusal writes to), nor into the store.
        #expect(try fetch(viewer.url + "/?token=wrong").status == 401)
        let log = try String(contentsOf: viewer.server.stderr, encoding: .utf8)
        #expect(log.contains("refused a request") && !log.contains(viewer.token), "\(log)")
        let files = try FileManager.default.subpathsOfDirectory(atPath: store)
        #expect(!files.isEmpty)
        for file in files {
            let data = FileManager.default.contents(atPath: store + "/" + file) ?? Data()
            #expect(data.range(of: Data(viewer.token.utf8)) == nil, "\(file) holds the token")
        }
    }

    @Test("a request naming another host (DNS rebinding) is 421 even with the cookie or the token: nothing shown, no cookie set, nothing recorded; the address as bound and localhost are this viewer",
          arguments: [("127.0.0.1", "127.0.0.1"), ("[::1]", "::1")])
    func refusedForAnotherHost(_ host: String, _ address: String) throws {
        let (store, patient, name, names) = try demo()
        let viewer = try startViewer(store, listen: host + ":0", address: "http://" + NSRegularExpression.escapedPattern(for: host) + #":\d+"#)
        defer { _ = viewer.server.stop() }
        let port = try #require(viewer.url.split(separator: ":").last.flatMap { Int($0) })
        let before = try eventCount(store)
        // As a rebinding page's requests arrive: evil.example resolving to the viewer's address.
        let rebound = ["--resolve", "evil.example:\(port):\(address)"]
        for (url, options) in [("http://evil.example:\(port)/patients/\(patient)", rebound + ["-b", viewer.cookie]),
                               ("http://evil.example:\(port)/?token=\(viewer.token)", rebound),
                               (viewer.url + "/patients/\(patient)", ["-H", "Host: \(host):\(port + 1)", "-b", viewer.cookie]),
                               (viewer.url + "/patients/\(patient)", ["-H", "Host: \(host)", "-b", viewer.cookie]),
                               (viewer.url + "/patients/\(patient)", ["-H", "Host:", "-b", viewer.cookie])] {
            let answer = try fetch(url, options)
            #expect(answer.status == 421, "\(url) \(options): \(answer.head)")
            #expect(answer.header("Set-Cookie") == nil && !names.contains { answer.body.contains($0) }, "\(answer.head)\n\(answer.body)")
        }
        #expect(try eventCount(store) == before, "a refused request recorded something")
        // The viewer's own names pass: the address as bound, and localhost.
        for own in ["\(host):\(port)", "localhost:\(port)"] {
            let answer = try fetch(viewer.url + "/patients/\(patient)", ["-H", "Host: \(own)", "-b", viewer.cookie])
            #expect(answer.status == 200 && answer.body.contains(name), "\(own): \(answer.head)")
        }
    }

    @Test("another OS account (nobody) gets 401 and no data from the viewer root started on loopback; with the token it would be let in",
          .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") && getpwnam("nobody") != nil,
                   "needs root, /usr/sbin/runuser and a `nobody` account to run curl as another user"))
    func refusedToAnotherAccount() throws {
        let (store, patient, name, names) = try demo()
        let viewer = try startViewer(store)
        defer { _ = viewer.server.stop() }
        let before = try eventCount(store)
        let nobody = ["runuser", "-u", "nobody", "--"]
        #expect(try MyologProcess.run(nobody + ["id", "-un"], executable: URL(fileURLWithPath: "/usr/bin/env")).stdout == "nobody\n")
        for path in ["/", "/patients/\(patient)"] {
            let answer = try fetch(viewer.url + path, as: nobody)
            #expect(answer.status == 401 && !names.contains { answer.body.contains($0) }, "\(path): \(answer.head)")
        }
        #expect(try eventCount(store) == before, "a refused request recorded something")
        // The same account holding the cookie is admitted: what refused it was the missing token.
        let admitted = try fetch(viewer.url + "/patients/\(patient)", ["-b", viewer.cookie], as: nobody)
        #expect(admitted.status == 200 && admitted.body.contains(name), "\(admitted.head)")
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
