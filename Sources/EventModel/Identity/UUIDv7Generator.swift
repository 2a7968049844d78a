import Synchronization

/// Process-wide UUIDv7 state, so ids stay increasing across threads.
final class UUIDv7Generator: Sendable {
    static let shared = UUIDv7Generator()
    private let state = Mutex<(milliseconds: Int64, counter: UInt16)>((0, 0))

    func next(milliseconds now: Int64) -> [UInt8] {
        let (ms, counter) = state.withLock { state -> (Int64, UInt16) in
            if now > state.milliseconds {
                state = (now, UInt16.random(in: 0..<0x0800))  // leave headroom in the 12-bit counter
            } else if state.counter < 0x0FFF {
                state.counter += 1
            } else {
                state = (state.milliseconds + 1, 0)  // counter exhausted: borrow the next millisecond
            }
            return (state.milliseconds, state.counter)
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - i))) }
        bytes[6] = 0x70 | UInt8(counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        var random = SystemRandomNumberGenerator()
        let tail = random.next() as UInt64
        for i in 8..<16 { bytes[i] = UInt8(truncatingIfNeeded: tail >> (8 * (15 - i))) }
        bytes[8] = bytes[8] & 0x3F | 0x80
        return bytes
    }
}
