import EventModel

/// A pain score on the 0–10 numeric rating scale, for a body region, in a context.
///
/// Version 2 added `context` (before/after treatment, at rest, during activity). Version 1
/// events are read through ``upcastFromVersion1(_:)`` as `context: "unspecified"`: the score was
/// taken, but nobody said when, and guessing would distort the pain trend.
public struct PainScoreRecorded: ClinicalPayload {
    public static let eventType = "PainScoreRecorded"
    public static let schemaVersion = 2
    /// What an upcast version-1 score carries as its context.
    public static let unspecifiedContext = "unspecified"

    public var score: Int
    /// A ``Vocabularies/bodyRegions`` term.
    public var region: String
    /// A ``Vocabularies/painContexts`` term, or ``unspecifiedContext`` for upcast version-1 events.
    public var context: String
    public var visit: EventID?

    public init(score: Int, region: String, context: String, visit: EventID? = nil) {
        self.score = score
        self.region = region
        self.context = context
        self.visit = visit
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["score", "region", "context", "visit"])
        score = try fields.int("score", in: 0...10)
        region = try fields.term("region", of: Vocabularies.bodyRegions)
        let context = try fields.string("context")
        guard context == Self.unspecifiedContext || Vocabularies.painContexts.term(id: context) != nil else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "context", reason: "\"\(context)\" is not a pain context")
        }
        self.context = context
        visit = try fields.optionalEventID("visit")
    }

    /// Version 1 → 2: add `context: "unspecified"`.
    @Sendable public static func upcastFromVersion1(_ payload: JSONValue) throws -> JSONValue {
        guard case .object(var members) = payload else {
            throw ClinicalError.malformedPayload(type: eventType, field: "payload", reason: "expected an object")
        }
        guard members["context"] == nil else {
            throw ClinicalError.malformedPayload(type: eventType, field: "context", reason: "a version 1 payload has no context")
        }
        members["context"] = .string(unspecifiedContext)
        return .object(members)
    }
}
