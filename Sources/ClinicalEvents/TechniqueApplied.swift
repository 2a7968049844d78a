import EventModel

/// A treatment technique was applied to a body region.
///
/// Version 2 added the dry-needling details (`needles`, `gauge`, `depthMm`, `twitch`), allowed
/// only on a dry-needling entry, and `acknowledgedPrecautions`: the active precautions the
/// clinician was alerted to and treated despite. A version 1 entry has none of these members,
/// so it reads as version 2 unchanged (``upcastFromVersion1(_:)``).
public struct TechniqueApplied: ClinicalPayload {
    public static let eventType = "TechniqueApplied"
    public static let schemaVersion = 2
    /// The technique the needling details belong to.
    public static let needling = "dry-needling"
    /// The needling members, in the order they are described.
    public static let needlingFields = ["needles", "gauge", "depthMm", "twitch"]

    /// A ``Vocabularies/techniques`` term.
    public var technique: String
    /// A ``Vocabularies/bodyRegions`` term.
    public var region: String
    public var minutes: Int?
    public var note: String?
    public var visit: EventID?
    /// Dry needling: how many needles (1–50).
    public var needles: Int?
    /// Dry needling: the needles' diameter, a ``NeedleGauge``'s text (`0.25` mm).
    public var gauge: String?
    /// Dry needling: how deep, in whole millimetres (1–100).
    public var depthMm: Int?
    /// Dry needling: whether a local twitch response was elicited.
    public var twitch: Bool?
    /// The ``PrecautionRecorded`` events the clinician was alerted to and acknowledged.
    public var acknowledgedPrecautions: [EventID]?

    public init(technique: String, region: String, minutes: Int? = nil, note: String? = nil, visit: EventID? = nil,
                needles: Int? = nil, gauge: String? = nil, depthMm: Int? = nil, twitch: Bool? = nil, acknowledgedPrecautions: [EventID]? = nil) {
        (self.technique, self.region, self.minutes, self.note, self.visit) = (technique, region, minutes, note, visit)
        (self.needles, self.gauge, self.depthMm, self.twitch) = (needles, gauge, depthMm, twitch)
        self.acknowledgedPrecautions = acknowledgedPrecautions.flatMap { $0.isEmpty ? nil : $0 }
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["technique", "region", "minutes", "note", "visit"] + Self.needlingFields + ["acknowledgedPrecautions"])
        technique = try fields.term("technique", of: Vocabularies.techniques)
        region = try fields.term("region", of: Vocabularies.bodyRegions)
        minutes = try fields.optionalInt("minutes", in: 1...240)
        note = try fields.optionalString("note")
        visit = try fields.optionalEventID("visit")
        for field in Self.needlingFields {
            try fields.refuse(field, unless: technique == Self.needling, "a dry-needling detail, not recorded for \(technique)")
        }
        needles = try fields.optionalInt("needles", in: NeedleCountScale.range)
        gauge = try fields.optionalString("gauge")
        if let gauge, NeedleGauge(stored: gauge) == nil {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "gauge", reason: "\"\(gauge)\" is not \(NeedleGauge.accepted)")
        }
        depthMm = try fields.optionalInt("depthMm", in: NeedlingDepthScale.range)
        twitch = try fields.optionalBool("twitch")
        acknowledgedPrecautions = try fields.optionalEventIDs("acknowledgedPrecautions")
    }

    /// Whether any dry-needling detail is recorded.
    public var hasNeedlingDetails: Bool { needles != nil || gauge != nil || depthMm != nil || twitch != nil }

    /// Version 1 → 2: nothing to change. Version 1 had none of the new members, all optional; a
    /// version 1 payload carrying one of them is refused, as it could not have been written.
    @Sendable public static func upcastFromVersion1(_ payload: JSONValue) throws -> JSONValue {
        guard case .object(let members) = payload else {
            throw ClinicalError.malformedPayload(type: eventType, field: "payload", reason: "expected an object")
        }
        if let added = (needlingFields + ["acknowledgedPrecautions"]).first(where: { members[$0] != nil }) {
            throw ClinicalError.malformedPayload(type: eventType, field: added, reason: "a version 1 payload has no \(added)")
        }
        return payload
    }
}
