import Foundation

/// The id of one event: a UUIDv7 (RFC 9562), lower-case text.
///
/// Time-ordered, so ids appended together land next to each other in the unique index and an
/// append touches the index's right edge instead of a random page. Ids made in one process are
/// strictly increasing, even within one millisecond (RFC 9562 §6.2 method 1: a counter in `rand_a`).
public struct EventID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts a canonical lower-case UUID text; nil for anything else.
    ///
    /// - Parameter text: A UUID as the log writes it.
    public init?(_ text: String) {
        guard UUIDText.isCanonical(text) else { return nil }
        rawValue = text
    }

    package init(unchecked text: String) { rawValue = text }

    public var description: String { rawValue }
    public static func < (lhs: EventID, rhs: EventID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A new, time-ordered id.
    public static func make(at time: Timestamp = .now()) -> EventID {
        EventID(unchecked: UUIDText.format(UUIDv7Generator.shared.next(milliseconds: time.millisecondsSinceEpoch)))
    }
}
