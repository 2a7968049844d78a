import EventModel

/// A sign-off or a co-signature of an entry, as views show it beside the entry: who attested it
/// and when.
///
/// Made only from the ``ClinicalEvents/VisitSignedOff`` or ``ClinicalEvents/EntryCoSigned``
/// event the fold applied to the entry, so every site shows the same one. Encoded as its members
/// (`authorRole` left out when nil).
public struct Attestation: Sendable, Equatable, Encodable {
    /// The ``ClinicalEvents/VisitSignedOff`` or ``ClinicalEvents/EntryCoSigned`` event.
    public var eventId: EventID
    public var author: String
    /// The role the author signed in, when the event names one.
    public var authorRole: String?
    /// When it was signed.
    public var recordedAt: Timestamp

    public init(eventId: EventID, author: String, authorRole: String?, recordedAt: Timestamp) {
        (self.eventId, self.author, self.authorRole, self.recordedAt) = (eventId, author, authorRole, recordedAt)
    }

    /// The attestation `event` makes.
    ///
    /// - Parameter event: A stored sign-off or co-signature.
    public init(_ event: EventEnvelope) {
        self.init(eventId: event.id, author: event.author, authorRole: event.authorRole, recordedAt: event.recordedAt)
    }
}
