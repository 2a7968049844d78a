import EventModel
import EventCrypto

/// A batch body is not the protocol: not canonical envelopes, one per line.
public struct BatchDecodingError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
