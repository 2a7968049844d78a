import EventModel

/// A patient's visit began. Its event id is the visit's id; findings, techniques and pain
/// scores recorded while it is open carry that id as `visit`.
public struct VisitStarted: ClinicalPayload {
    public static let eventType = "VisitStarted"
    /// The presenting complaint or reason for the visit.
    public var reason: String?

    public init(reason: String? = nil) { self.reason = reason }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["reason"])
        reason = try fields.optionalString("reason")
    }
}

/// A visit ended; `visit` is the id of its ``VisitStarted`` event.
public struct VisitEnded: ClinicalPayload {
    public static let eventType = "VisitEnded"
    public var visit: EventID
    /// A closing note: plan, advice given, next appointment.
    public var note: String?

    public init(visit: EventID, note: String? = nil) {
        self.visit = visit
        self.note = note
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["visit", "note"])
        visit = try fields.eventID("visit")
        note = try fields.optionalString("note")
    }
}
