import Testing
import MyologTestSupport
import SyncHTTP

/// ``SyncSchedule``: when a peer's next round starts (seeded, so every run checks the same delays).
@Suite("The sync schedule: interval, jitter, backoff")
struct SyncScheduleTests {
    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    @Test("after a success: the interval ±10 %; the first round within 10 % of an interval; spread, not fixed")
    func afterSuccess() {
        var random = SeededGenerator(seed: 35)
        let schedule = SyncSchedule(interval: .seconds(60))
        let delays = (0..<1000).map { _ in seconds(schedule.delay(afterFailures: 0, using: &random)) }
        #expect(delays.allSatisfy { (54...66).contains($0) }, "\(delays.min()!)…\(delays.max()!)")
        #expect(delays.max()! - delays.min()! > 10, "jittered across the range")
        let first = (0..<1000).map { _ in seconds(schedule.firstDelay(using: &random)) }
        #expect(first.allSatisfy { (0...6).contains($0) })
    }

    @Test("after failures: doubling from the interval, capped at 32 intervals or 15 minutes, never below the interval")
    func backoff() {
        var random = SeededGenerator(seed: 7)
        let schedule = SyncSchedule(interval: .seconds(60), jitter: 0.0001)
        let bases = (0...12).map { seconds(schedule.delay(afterFailures: $0, using: &random)).rounded() }
        #expect(bases == [60, 120, 240, 480, 900, 900, 900, 900, 900, 900, 900, 900, 900], "\(bases)")
        let fast = SyncSchedule(interval: .seconds(2), jitter: 0.0001)
        #expect(seconds(fast.delay(afterFailures: 10, using: &random)).rounded() == 64, "32 intervals below 15 minutes")
        #expect(seconds(fast.delay(afterFailures: Int.max, using: &random)).rounded() == 64, "no overflow")
        let slow = SyncSchedule(interval: .seconds(3600), jitter: 0.0001)
        #expect(seconds(slow.delay(afterFailures: 3, using: &random)).rounded() == 3600, "a cap below the interval is the interval")
        #expect(slow.roundLimit >= .seconds(3600) && fast.roundLimit == .seconds(600))
    }
}
