import EventLog
import Testing
@testable import SyncHTTP

@Suite("Sync API batches")
struct SyncAPITests {
    @Test("a body that is not canonical envelopes, one per line, is refused naming the line")
    func badBodies() throws {
        for body in ["hello", "{}\n", "[1,2]\n", "{\"a\":1}\n", "\n"] {
            #expect(throws: BatchDecodingError.self, "\(body)") { try SyncAPI.decodeBatch(Array(body.utf8), what: "request body") }
        }
        #expect(try SyncAPI.decodeBatch([UInt8](), what: "request body").isEmpty)
    }
}
