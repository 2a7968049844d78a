import ClinicalEvents
import EventModel

/// One clinical entry as it stands now: its payload with every correction applied in causal
/// order, and who wrote and amended it.
public struct ClinicalEntry: Sendable, Equatable {
    public var event: EventEnvelope
    /// The entry's payload with corrections applied: always a valid payload of its type.
    public var current: ClinicalEvent
    public var corrections: [EventEnvelope] = []
    public var retraction: EventEnvelope?

    package init(event: EventEnvelope, current: ClinicalEvent, corrections: [EventEnvelope] = [], retraction: EventEnvelope? = nil) {
        (self.event, self.current, self.corrections, self.retraction) = (event, current, corrections, retraction)
    }

    public var isRetracted: Bool { retraction != nil }

    /// The entry as views show it, if its payload is a `Payload`.
    public func view<Payload: ClinicalPayload>(as type: Payload.Type) -> EntryView<Payload>? {
        guard let payload = current.payload as? Payload else { return nil }
        return EntryView(payload: payload, eventId: event.id, occurredAt: event.occurredAt, author: event.author,
                         corrections: corrections.compactMap(EntryCorrection.init))
    }
}
