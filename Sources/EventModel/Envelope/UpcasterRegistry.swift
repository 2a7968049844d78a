

/// Turns stored payloads of older schema versions into the current version when they are read.
///
/// Stored events are never rewritten (their bytes are hashed); a schema change is an upcaster
/// from version *n* to *n + 1*, and reading applies the chain up to ``currentVersion(of:)``.
public struct UpcasterRegistry: Sendable {
    public typealias Upcaster = @Sendable (JSONValue) throws -> JSONValue

    private var steps: [String: [Int: Upcaster]] = [:]
    private var current: [String: Int] = [:]

    public init() {}

    /// Declares the version that new events of `type` are written at.
    ///
    /// - Parameters:
    ///   - version: The current schema version.
    ///   - type: The event type.
    public mutating func setCurrentVersion(_ version: Int, of type: String) {
        current[type] = version
    }

    /// Registers the step from `version` to `version + 1` of `type`.
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - version: The version the step reads.
    ///   - upcaster: The step: a payload of `version` to one of `version + 1`.
    public mutating func register(type: String, from version: Int, _ upcaster: @escaping Upcaster) {
        steps[type, default: [:]][version] = upcaster
    }

    /// The version new events of `type` are written at (1 when never declared).
    ///
    /// - Parameter type: The event type.
    /// - Returns: The version.
    public func currentVersion(of type: String) -> Int { current[type] ?? 1 }

    /// `payload` at version `version`, brought to the current version of `type`.
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - version: The version the payload was written at.
    ///   - payload: The stored payload.
    /// - Returns: The payload at the current version (unchanged when already current).
    /// - Throws: ``UpcastFailure`` for a version newer than this build knows or a missing step; whatever a step throws.
    public func upcast(type: String, version: Int, payload: JSONValue) throws -> JSONValue {
        let target = currentVersion(of: type)
        guard version <= target else { throw UpcastFailure(code: .newerVersion, type: type, version: version, reason: "version \(version) is newer than this build knows (\(target))") }
        var value = payload
        for step in version..<target {
            guard let upcaster = steps[type]?[step] else {
                throw UpcastFailure(code: .missingUpcaster, type: type, version: step, reason: "no upcaster from version \(step) to \(step + 1)")
            }
            value = try upcaster(value)
        }
        return value
    }
}
