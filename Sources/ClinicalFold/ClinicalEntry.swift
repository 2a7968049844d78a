import ClinicalEvents
import EventModel

/// One clinical entry as it stands now: its payload with every correction applied in causal
/// order, and who wrote and amended it.
///
/// Once signed off (``signOff``), corrections and retractions that sort after the sign-off are
/// kept as ``addenda`` and never change ``current``: the signed text stands.
public struct ClinicalEntry: Sendable, Equatable {
    public var event: EventEnvelope
    /// The entry's payload with corrections applied: always a valid payload of its type.
    public var current: ClinicalEvent
    public var corrections: [EventEnvelope] = []
    public var retraction: EventEnvelope?
    /// The ``VisitSignedOff`` that first listed it, in causal order.
    public var signOff: EventEnvelope?
    /// Corrections and retractions written after the sign-off, in causal order.
    public var addenda: [EventEnvelope] = []
    /// The first ``EntryCoSigned`` covering it, for an entry written in the student role.
    public var coSignature: EventEnvelope?
    /// Set when it was recorded later than the store's rule allows (``LateEntryPolicy``).
    public var lateEntry: LateEntryMark?

    package init(event: EventEnvelope, current: ClinicalEvent, corrections: [EventEnvelope] = [], retraction: EventEnvelope? = nil) {
        (self.event, self.current, self.corrections, self.retraction) = (event, current, corrections, retraction)
    }

    public var isRetracted: Bool { retraction != nil }

    /// Whether it was written in the student role and no co-signature covers it yet.
    public var isAwaitingCoSignature: Bool { event.authorRole == EntryCoSigned.studentRole && coSignature == nil }

    /// Whether it is `visit`'s start, one of its ends, or was recorded during it (its `visit`
    /// member names the visit): what a sign-off of the visit signs.
    public func belongs(to visit: EventID) -> Bool {
        if event.id == visit { return true }
        guard case .object(let members) = current.payload.json, case .string(let named)? = members["visit"] else { return false }
        return named == visit.rawValue
    }

    /// The entry as views show it, if its payload is a `Payload`.
    public func view<Payload: ClinicalPayload>(as type: Payload.Type) -> EntryView<Payload>? {
        guard let payload = current.payload as? Payload else { return nil }
        var view = EntryView(payload: payload, eventId: event.id, occurredAt: event.occurredAt, author: event.author,
                             corrections: corrections.compactMap(EntryCorrection.init))
        view.authorRole = event.authorRole
        view.signOff = signOff.map(Attestation.init)
        view.coSignature = coSignature.map(Attestation.init)
        view.addenda = addenda.compactMap(EntryAddendum.init)
        view.lateEntry = lateEntry
        return view
    }
}
