import EventModel

/// An earlier entry was wrong: `fields` holds the corrected values (only those that change),
/// `reason` says why. The original stays in the log; views show the corrected value.
public struct EntryCorrected: ClinicalPayload {
    public static let eventType = "EntryCorrected"
    public var target: EventID
    public var fields: [String: JSONValue]
    public var reason: String

    public init(target: EventID, fields: [String: JSONValue], reason: String) {
        self.target = target
        self.fields = fields
        self.reason = reason
    }

    public init(json: JSONValue) throws {
        let reader = try PayloadFields(json, type: Self.eventType, allowed: ["target", "fields", "reason"])
        target = try reader.eventID("target")
        fields = try reader.object("fields")
        guard !fields.isEmpty else { throw ClinicalError.malformedPayload(type: Self.eventType, field: "fields", reason: "no field corrected") }
        reason = try reader.string("reason")
    }
}

/// An earlier entry should not have been recorded (wrong patient, entered twice). It stays in
/// the log, marked; views leave it out.
public struct EntryRetracted: ClinicalPayload {
    public static let eventType = "EntryRetracted"
    public var target: EventID
    public var reason: String

    public init(target: EventID, reason: String) {
        self.target = target
        self.reason = reason
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["target", "reason"])
        target = try fields.eventID("target")
        reason = try fields.string("reason")
    }
}
