import EventLog
import EventModel
import EventSync
import Testing
@testable import SyncHTTP

@Suite("Sync API batches")
struct SyncAPITests {
    @Test("a body that is not canonical envelopes, one per line, is refused naming the line")
    func badBodies() throws {
        let bodies: [(String, BatchDecodingError.Code)] = [
            ("hello", .missingFinalNewline), ("{}\n", .malformedEnvelope), ("[1,2]\n", .malformedEnvelope), ("{\"a\":1}\n", .malformedEnvelope), ("\n", .malformedEnvelope),
        ]
        for (body, code) in bodies {
            let refusal = #expect(throws: BatchDecodingError.self, "\(body)") { try SyncAPI.decodeBatch(Array(body.utf8), what: "request body") }
            #expect(refusal?.code == code, "\(body): \(refusal.map { "\($0)" } ?? "accepted")")
        }
        #expect(try SyncAPI.decodeBatch([UInt8](), what: "request body").isEmpty)
    }
}

/// A peer's summary names its site, which is then logged and shown: it must be one visible line.
@Suite("A peer's summary")
struct PeerSummaryTests {
    let node = "abcdefghijklmnop"

    @Test("a site name with a line break, a terminal escape, an invisible character, none, or over 100 characters is refused; an ordinary one reads", arguments: [
        "Fitzroy\n2026-12-05 info myolog.sync: FORGED", "Fitzroy\u{1B}[31m", "Fitz\u{200B}roy", "", String(repeating: "x", count: 101),
    ])
    func crafted(_ site: String) throws {
        let json = JSONValue.object(["node": .string(node), "site": .string(site), "heads": .object([:])])
        #expect(throws: EnvelopeDecodingError.self) { try PeerSummary(json: json) }
        let plain = JSONValue.object(["node": .string(node), "site": .string("Fitzroy North — Brunswick St"), "heads": .object([:])])
        #expect(try PeerSummary(json: plain).site == "Fitzroy North — Brunswick St")
    }
}
