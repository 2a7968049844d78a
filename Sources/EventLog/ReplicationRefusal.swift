/// An event from another node was refused; nothing of the batch it came in is stored.
public struct ReplicationRefusal: Error, CustomStringConvertible, Sendable, Equatable {
    public var eventID: String
    public var origin: String
    public var sequence: Int
    public var reason: String

    public init(eventID: String, origin: String, sequence: Int, reason: String) {
        self.eventID = eventID
        self.origin = origin
        self.sequence = sequence
        self.reason = reason
    }

    public var description: String {
        "event \(eventID) (origin \(origin), sequence \(sequence)) refused: \(reason)"
    }
}
