@testable import EventModel
import Testing

@Suite("EntropyPool: ids' and nonces' random bytes")
struct EntropyPoolTests {
    @Test("12-byte draws across many refills never repeat, and every byte value occurs")
    func drawsAreFresh() {
        let pool = EntropyPool()
        var seen = Set<[UInt8]>()
        var values = Set<UInt8>()
        let draws = 20_000  // 240,000 bytes: the 4 KiB buffer refilled ≈ 58 times
        for _ in 0..<draws {
            let nonce = pool.bytes(12)
            #expect(nonce.count == 12)
            seen.insert(nonce)
            values.formUnion(nonce)
        }
        #expect(seen.count == draws, "a draw repeated")
        #expect(values.count == 256, "only \(values.count) byte values in 240,000 random bytes")
    }

    @Test("a draw as another process (a forked child) discards the inherited buffer and draws afresh")
    func forkedChildRefills() {
        let pool = EntropyPool()
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { pool.fill($0, process: 100) }
        #expect(pool.remaining == EntropyPool.size - 8)
        withUnsafeMutableBytes(of: &word) { pool.fill($0, process: 100) }
        #expect(pool.remaining == EntropyPool.size - 16, "the same process keeps drawing from its buffer")
        withUnsafeMutableBytes(of: &word) { pool.fill($0, process: 101) }
        #expect(pool.remaining == EntropyPool.size - 8, "another process refilled before drawing")
    }

    @Test("a draw that does not fit in what is left refills first; the last byte of a buffer is handed out")
    func refillsAtTheEnd() {
        let pool = EntropyPool()
        var word: UInt64 = 0
        for _ in 0..<(EntropyPool.size / 8) { withUnsafeMutableBytes(of: &word) { pool.fill($0, process: 7) } }
        #expect(pool.remaining == 0)
        let nonce = [UInt8](unsafeUninitializedCapacity: 12) { buffer, count in
            pool.fill(UnsafeMutableRawBufferPointer(buffer), process: 7)
            count = 12
        }
        #expect(pool.remaining == EntropyPool.size - 12)
        #expect(nonce != [UInt8](repeating: 0, count: 12))
    }
}
