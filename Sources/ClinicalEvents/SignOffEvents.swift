import EventModel

/// A clinician signed off a visit: the entries it lists (the visit's start, every entry recorded
/// during it, its end) stand as they were when it was signed. Afterwards a correction or a
/// retraction of one of them is kept as an *addendum* shown beside the signed text, never
/// replacing it.
///
/// Guarantees: `entries` is never empty; the fold marks only the listed entries it has already
/// folded (in causal order), so the same events mark the same entries at every site.
public struct VisitSignedOff: ClinicalPayload {
    public static let eventType = "VisitSignedOff"
    /// The ``VisitStarted`` event of the visit signed off.
    public var visit: EventID
    /// The entries signed, in the order they were recorded.
    public var entries: [EventID]

    public init(visit: EventID, entries: [EventID]) {
        self.visit = visit
        self.entries = entries
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["visit", "entries"])
        visit = try fields.eventID("visit")
        guard let entries = try fields.optionalEventIDs("entries") else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "entries", reason: "missing")
        }
        self.entries = entries
    }
}

/// A supervising clinician co-signed a student's entries: from here on they no longer await a
/// co-signature.
///
/// Guarantees: `events` is never empty; an entry the fold has not folded before it, or one not
/// written in the `student` role, is not marked by it.
public struct EntryCoSigned: ClinicalPayload {
    public static let eventType = "EntryCoSigned"
    /// The entries co-signed.
    public var events: [EventID]

    public init(events: [EventID]) { self.events = events }

    /// The role whose clinical entries await a co-signature (an envelope's `authorRole`).
    public static let studentRole = "student"

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["events"])
        guard let events = try fields.optionalEventIDs("events") else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "events", reason: "missing")
        }
        self.events = events
    }
}
