import AsyncHTTPClient
import ClinicalEvents
import Crypto
import EventLog
import Foundation
import GRDB
import Logging
import NIOCore
import SyncHTTP
import Testing
import MyologTestSupport
import EventModel
import EventSync

/// Seeded mutations of valid bundles and HTTP batches at the boundary where bytes from another
/// machine enter a store: never a crash, never a partial write, always a clear refusal — or, for
/// the rare mutation that leaves a valid input (a cut at a line boundary), only genuine events.
/// Every case is reproducible from its seed (`BoundaryFuzzTests.mutate(_:seed:)`).
@Suite("Boundary fuzzing: bundles and HTTP batches")
struct BoundaryFuzzTests {
    let scratch = TemporaryDirectory("fuzz")
    var root: URL { scratch.url }

    enum Mutation: CaseIterable { case truncate, flipBits, wrongType, hugeNumber, deepNesting, invalidUTF8, dropLine, duplicateLine, swapLines }

    /// `bytes` changed by the mutation `seed` picks: the same seed always gives the same bytes.
    static func mutate(_ bytes: [UInt8], seed: UInt64) -> (Mutation, [UInt8]) {
        var rng = SeededGenerator(seed: seed)  // one seed, one mutation
        let mutation = Mutation.allCases[Int(rng.next() % UInt64(Mutation.allCases.count))]
        var out = bytes
        func position() -> Int { Int(rng.next() % UInt64(max(out.count, 1))) }
        var lines: [[UInt8]] { out.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init) }
        func joined(_ lines: [[UInt8]]) -> [UInt8] { Array(lines.joined(separator: [UInt8(ascii: "\n")])) }
        switch mutation {
        case .truncate:
            out = Array(out.prefix(position()))
        case .flipBits:
            for _ in 0...(rng.next() % 3) { let at = position(); out[at] ^= UInt8(1) << UInt8(rng.next() % 8) }
        case .wrongType, .hugeNumber:
            // Replace the value after a random member name with another type, or a huge number.
            let colons = out.indices.filter { out[$0] == UInt8(ascii: ":") && $0 > 0 && out[$0 - 1] == UInt8(ascii: "\"") }
            guard !colons.isEmpty else { break }
            let at = colons[Int(rng.next() % UInt64(colons.count))] + 1
            var end = at
            var depth = 0, inString = false
            while end < out.count {
                let byte = out[end]
                if inString { if byte == UInt8(ascii: "\\") { end += 1 } else if byte == UInt8(ascii: "\"") { inString = false } }
                else if byte == UInt8(ascii: "\"") { inString = true }
                else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
                else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { if depth == 0 { break }; depth -= 1 }
                else if byte == UInt8(ascii: ","), depth == 0 { break }
                end += 1
            }
            let replacements = mutation == .hugeNumber
                ? ["99999999999999999999999999999999999999", "-9223372036854775809", "1e999", "9223372036854775807", "0.5"]
                : ["\"x\"", "[]", "{}", "null", "true", "-1", "0", "\"\"", "[1,2]", "{\"a\":1}"]
            out.replaceSubrange(at..<min(end, out.count), with: Array(replacements[Int(rng.next() % UInt64(replacements.count))].utf8))
        case .deepNesting:
            let depth = 10 + Int(rng.next() % 100_000)
            out.insert(contentsOf: Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth), at: position())
        case .invalidUTF8:
            let sequences: [[UInt8]] = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xF0, 0x28, 0x8C, 0xBC], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x00]]
            out.insert(contentsOf: sequences[Int(rng.next() % UInt64(sequences.count))], at: position())
        case .dropLine, .duplicateLine, .swapLines:
            var all = lines
            guard all.count > 2 else { break }
            let i = Int(rng.next() % UInt64(all.count - 1)), j = Int(rng.next() % UInt64(all.count - 1))
            switch mutation {
            case .dropLine: all.remove(at: i)
            case .duplicateLine: all.insert(all[i], at: j)
            default: all.swapAt(i, j)
            }
            out = joined(all)
        }
        return (mutation, out)
    }

    /// Replaces a bundle's trailer with one that matches its (mutated) body, so the mutation
    /// reaches the line and event checks instead of stopping at the checksum.
    static func reseal(_ bundle: [UInt8]) -> [UInt8] {
        var lines = bundle.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard lines.count >= 2 else { return bundle }
        lines.removeLast()
        var body: [UInt8] = []
        for line in lines { body += line + [UInt8(ascii: "\n")] }
        let trailer = JSONValue.object(["events": .int(lines.count - 1), "sha256": .string(Hex.encode(SHA256.hash(data: body)))]).canonicalBytes
        return body + trailer + [UInt8(ascii: "\n")]
    }

    /// What a store holds that a refusal must leave as it was.
    struct Snapshot: Equatable {
        var events: Set<String>, held: Int, quarantined: Int
        init(_ store: EventStore) throws {
            (events, held, quarantined) = try store.read { reader in
                (Set(try String.fetchAll(reader.database, sql: "SELECT hash FROM events")),
                 try Int.fetchOne(reader.database, sql: "SELECT count(*) FROM held_events") ?? -1,
                 try Int.fetchOne(reader.database, sql: "SELECT count(*) FROM quarantined_events") ?? -1)
            }
        }
    }

    /// A source store with three commits over two patients, and a receiver that trusts it.
    func stores() throws -> (source: EventStore, receiver: EventStore, genuine: Set<String>) {
        let source = try EventStore.create(at: root.appendingPathComponent("source"), site: "Source")
        let receiver = try EventStore.create(at: root.appendingPathComponent("receiver"), site: "Receiver")
        try receiver.trustPeer(source.identity.nodeID, name: "source", author: "test")
        let patients = [PatientID.make(), PatientID.make()]
        for commit in 0..<3 {
            try source.append((0..<4).map { n in
                NewEvent(type: "Note", schemaVersion: 1, patient: patients[n % 2], payload: ["n": .int(n), "text": .string("commit \(commit) é ✓"), "list": .array([.int(1), .bool(true), .null])])
            }, author: "alex")
        }
        let genuine = Set(try source.read { try String.fetchAll($0.database, sql: "SELECT hash FROM events") })
            .union(try receiver.read { try String.fetchAll($0.database, sql: "SELECT hash FROM events") })
        return (source, receiver, genuine)
    }

    /// One case's outcome, checked: refused with a clear one-line message and nothing written, or
    /// accepted with only genuine events.
    func judge(_ outcome: Result<Void, any Error>, before: Snapshot, after: Snapshot, genuine: Set<String>, case name: String) {
        switch outcome {
        case .success:
            #expect(after.events.isSubset(of: genuine), "\(name): a non-genuine event was stored")
        case .failure(let error):
            let message = "\(error)"
            #expect(!message.isEmpty && !message.contains("\n"), "\(name): refusal is not one clear line: \(message)")
            #expect(!(error is DatabaseError), "\(name): refused by the database, not by a check: \(message)")
            #expect(error is any CodedError, "\(name): a refusal without a code: \(type(of: error)): \(message)")
            #expect(after == before, "\(name): refused, but the store changed")
        }
    }

    @Test("10,000 seeded mutations of an HTTP batch and of a bundle file (half resealed): no crash, no partial write, a clear refusal or genuine events only")
    func mutations() async throws {
        let (source, receiver, genuine) = try stores()
        let batch = SyncAPI.encodeBatch(try source.read { try $0.events(origin: source.identity.nodeID, after: 0, limit: 100) })
        let bundleURL = root.appendingPathComponent("valid.myolog")
        try EventBundle.export(source, beyond: nil, to: bundleURL)
        let bundle = Array(try Data(contentsOf: bundleURL))
        let mutatedURL = root.appendingPathComponent("mutated.myolog")
        var refused = 0, accepted = 0
        var seen: [Mutation: Int] = [:]
        for seed in UInt64(0)..<10_000 {
            let before = try Snapshot(receiver)
            let outcome: Result<Void, any Error>
            let name: String
            if seed % 2 == 0 {
                let (mutation, bytes) = Self.mutate(batch, seed: seed)
                seen[mutation, default: 0] += 1
                name = "batch seed \(seed) (\(mutation))"
                // The server's receive path: decode the body, then one checked transaction.
                outcome = Result { _ = try receiver.receiveBatch(try SyncAPI.decodeBatch(bytes, what: "request body")) }
            } else {
                let (mutation, mutated) = Self.mutate(bundle, seed: seed)
                seen[mutation, default: 0] += 1
                let bytes = seed % 4 == 1 ? Self.reseal(mutated) : mutated
                name = "bundle seed \(seed) (\(mutation)\(seed % 4 == 1 ? ", resealed" : ""))"
                try Data(bytes).write(to: mutatedURL)
                do { _ = try await EventBundle.import(mutatedURL, into: receiver); outcome = .success(()) } catch { outcome = .failure(error) }
            }
            if case .success = outcome { accepted += 1 } else { refused += 1 }
            judge(outcome, before: before, after: try Snapshot(receiver), genuine: genuine, case: name)
        }
        print("fuzz: 10,000 cases, \(refused) refused, \(accepted) accepted (valid after mutation); by kind: \(seen.sorted { "\($0.key)" < "\($1.key)" }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        #expect(Set(seen.keys) == Set(Mutation.allCases), "every kind of mutation ran")
        // Accepted cases are mutations that left a valid input: line drops, duplicates, swaps and
        // cuts at line boundaries — re-offers of genuine events, which the judge checked.
        #expect(refused > 5_000, "most mutations must be refused")
        _ = try receiver.read { try ChainCheck.run($0) }
    }

    @Test("500 seeded mutations of batches POSTed to the real server over mutual TLS: 4xx with a JSON message (never 5xx), store unchanged on refusal")
    func mutationsOverHTTPS() async throws {
        let (source, receiver, genuine) = try stores()
        try source.trustPeer(receiver.identity.nodeID, name: "receiver", author: "test")
        let batch = SyncAPI.encodeBatch(try source.read { try $0.events(origin: source.identity.nodeID, after: 0, limit: 100) })
        let server = try SyncServer(store: receiver, logger: Logger(label: "fuzz"), rateLimit: PeerRateLimit(burst: 10_000, perSecond: 10_000))
        try await server.whileRunning { url in try await HTTPClient.withNodeClient(presenting: source, trusting: server) { client in
            for seed in UInt64(20_000)..<20_500 {
                let (mutation, bytes) = Self.mutate(batch, seed: seed)
                let before = try Snapshot(receiver)
                var request = HTTPClientRequest(url: url + SyncAPI.eventsPath)
                request.method = .POST
                request.body = .bytes(ByteBuffer(bytes: bytes))
                let response = try await client.execute(request, timeout: HTTPClient.testDeadline)
                let body = try await response.body.collect(upTo: 1 << 20)
                let status = Int(response.status.code)
                let name = "seed \(seed) (\(mutation)) → \(status)"
                #expect(status == 200 || (400..<500).contains(status), "\(name)")
                if status != 200 {
                    let message = (try? JSONParser.parse(Array(body.readableBytesView)))?.objectValue?["message"]?.stringValue
                    #expect(message?.isEmpty == false, "\(name): no JSON message")
                    #expect(try Snapshot(receiver) == before, "\(name): refused, but the store changed")
                } else {
                    #expect(try Snapshot(receiver).events.isSubset(of: genuine), "\(name): a non-genuine event was stored")
                }
            }
        } }
    }
}
