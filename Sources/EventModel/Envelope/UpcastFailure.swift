

/// A payload could not be brought to the current schema version.
public struct UpcastFailure: CodedError, Sendable {
    /// Why. Codes are stable: scripts and tests match them, so one is never renamed nor reused
    /// for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The payload's version is newer than this build knows.
        case newerVersion
        /// No upcaster is registered from one version to the next.
        case missingUpcaster
    }

    public var code: Code
    public var type: String
    public var version: Int
    public var reason: String
    public var description: String { "\(type) v\(version): \(reason)" }
}
