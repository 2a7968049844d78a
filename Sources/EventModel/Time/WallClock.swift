import Synchronization

/// Where a store reads the instant it stamps on what it records: an event's `recordedAt` (and
/// its UUIDv7 id), when an event was held back or quarantined, when a fork was decided or a peer
/// trusted.
///
/// A store uses the system's real-time clock (``system``). Tests inject ``stepping(from:by:)``,
/// whose readings all differ, so that "before" and "after" an event are distinct by construction
/// instead of by hoping the machine is slow enough for a millisecond to pass.
public struct WallClock: Sendable {
    private let reading: @Sendable () -> Timestamp

    public init(_ reading: @escaping @Sendable () -> Timestamp) { self.reading = reading }

    /// The current instant by this clock.
    public func now() -> Timestamp { reading() }

    /// The system's real-time clock.
    public static let system = WallClock { Timestamp.now() }

    /// A clock whose first reading is `start` and every later reading `step` milliseconds after
    /// the one before: strictly increasing, whatever the speed of the machine.
    ///
    /// - Parameters:
    ///   - start: The first reading.
    ///   - step: Milliseconds between readings.
    /// - Returns: A clock for tests.
    public static func stepping(from start: Timestamp, by step: Int64 = 1) -> WallClock {
        let next = Mutex(start.millisecondsSinceEpoch)
        return WallClock {
            Timestamp(millisecondsSinceEpoch: next.withLock { value in
                defer { value += step }
                return value
            })
        }
    }
}
