import ClinicalEvents
import EventModel

/// One conflicting field of one patient, for `myolog conflicts` (Schemas/views/conflicts.schema.json).
public struct ConflictListing: Sendable, Equatable, Encodable {
    public var patientId: PatientID
    public var name: String
    public var conflict: FieldConflict

    package init(patientId: PatientID, name: String, conflict: FieldConflict) {
        (self.patientId, self.name, self.conflict) = (patientId, name, conflict)
    }

    public func encode(to encoder: any Encoder) throws {
        try conflict.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(patientId, forKey: .patientId)
        try container.encode(name, forKey: .name)
    }

    enum CodingKeys: String, CodingKey { case patientId, name }
}
