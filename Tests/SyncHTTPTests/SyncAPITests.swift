import EventLog
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
