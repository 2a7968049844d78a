import EventLog
import EventModel

/// The access records an auditor asked for do not check against their signed chains (an event
/// altered in the file): nothing of them is shown.
public struct AccessRecordsAltered: Remediable, CodedError, Sendable {
    /// Codes are stable: scripts and tests match them, so one is never renamed nor reused for
    /// another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The access records do not check against their signed chains.
        case accessRecordsAltered
    }

    public var code: Code { .accessRecordsAltered }
    public var problem: String
    public var fact: String { "audit: the access records do not check against their signed chains (\(problem)); nothing is shown" }
    public var remedy: Remedy? { .verify }
}
