

/// A payload could not be brought to the current schema version.
public struct UpcastFailure: Error, CustomStringConvertible, Sendable {
    public var type: String
    public var version: Int
    public var reason: String
    public var description: String { "\(type) v\(version): \(reason)" }
}
