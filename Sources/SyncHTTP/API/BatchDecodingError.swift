import EventModel
import EventCrypto

/// A batch body is not the protocol: not canonical envelopes, one per line.
public struct BatchDecodingError: CodedError, Sendable {
    /// Why. Codes are stable: scripts and tests match them, so one is never renamed nor reused
    /// for another meaning.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The body does not end with a newline.
        case missingFinalNewline
        /// More events than one body may carry.
        case tooManyEvents
        /// A line that is not a canonical envelope.
        case malformedEnvelope
        /// Not `{"keys": […]}` of at most the keys one body may carry.
        case malformedKeys
    }

    public var code: Code
    public var message: String
    public var description: String { message }
}
