extension LogExchange {
    /// Which way events and keys move: both (a sync), or one (head office collecting from a
    /// site that should not be sent the chain's other records).
    public struct Directions: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// From the peer into the local log.
        public static let pull = Directions(rawValue: 1)
        /// From the local log to the peer.
        public static let push = Directions(rawValue: 2)
        public static let both: Directions = [.pull, .push]
    }
}
