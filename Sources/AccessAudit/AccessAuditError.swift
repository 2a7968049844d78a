import EventLog

/// Why the access log could not be read back: a row of `access_log` that does not hold what
/// ``AccessProjection`` writes (the table was edited outside Myolog; `rebuild` restores it).
public struct AccessAuditError: Error, CustomStringConvertible, Sendable, Equatable {
    public var column: String
    public var value: String
    public var description: String { "access_log.\(column): \"\(value.prefix(60))\" is not what Myolog writes there; run `myolog rebuild`" }
}

/// The access records an auditor asked for do not check against their signed chains (an event
/// altered in the file): nothing of them is shown.
public struct AccessRecordsAltered: Remediable, Sendable {
    public var problem: String
    public var fact: String { "audit: the access records do not check against their signed chains (\(problem)); nothing is shown" }
    public var remedy: Remedy? { .verify }
}
