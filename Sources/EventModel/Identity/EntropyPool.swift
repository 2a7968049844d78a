#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Random bytes from the system's CSPRNG (`SystemRandomNumberGenerator`: `getrandom` on Linux),
/// drawn 4 KiB at a time, for values that must be unpredictable and never repeat but are public
/// once used: the random part of an event id and a payload's AES-GCM nonce.
///
/// Why a pool: every event needs 20 such bytes, and one system call per draw cost ≈ 1 µs of a
/// clinical write (issue 32, `perf`). Guarantees: every byte drawn from the system is handed out
/// at most once, in one process; a forked child (which inherits the buffer) discards it and
/// draws afresh, so parent and child never hand out the same bytes. Never used for keys: those
/// come from swift-crypto's own generator.
package final class EntropyPool: Sendable {
    package static let shared = EntropyPool()

    init() {}

    static let size = 4096

    /// Touched only under the lock, so the buffer it points to is never shared unguarded.
    private struct State: @unchecked Sendable {
        let buffer: UnsafeMutableRawBufferPointer
        /// The next byte not yet handed out; `size` when the buffer is spent.
        var next: Int
        /// The process that filled the buffer.
        var owner: pid_t
    }

    private let state = Mutex<State>(State(buffer: .allocate(byteCount: EntropyPool.size, alignment: 8), next: EntropyPool.size, owner: 0))

    /// Fills `destination` with fresh random bytes.
    package func fill(_ destination: UnsafeMutableRawBufferPointer) {
        fill(destination, process: getpid())
    }

    /// `fill(_:)` as process `process` (a test stands in for a forked child by naming another).
    func fill(_ destination: UnsafeMutableRawBufferPointer, process: pid_t) {
        precondition(destination.count <= Self.size)
        state.withLock { state in
            if state.next + destination.count > Self.size || state.owner != process {
                var system = SystemRandomNumberGenerator()
                for offset in stride(from: 0, to: Self.size, by: 8) {
                    state.buffer.storeBytes(of: system.next() as UInt64, toByteOffset: offset, as: UInt64.self)
                }
                (state.next, state.owner) = (0, process)
            }
            let drawn = state.buffer.baseAddress! + state.next
            destination.baseAddress.map { $0.copyMemory(from: drawn, byteCount: destination.count) }
            // Spent bytes are wiped: a later memory dump finds only bytes never handed out.
            memset(drawn, 0, destination.count)
            state.next += destination.count
        }
    }

    /// `count` fresh random bytes.
    package func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// How many bytes are left to hand out before the next draw from the system.
    var remaining: Int { state.withLock { Self.size - $0.next } }

    /// A fresh random 64-bit word.
    package func next() -> UInt64 {
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { fill($0) }
        return word
    }
}
