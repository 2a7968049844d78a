import ClinicalEvents
import EventModel

/// Two or more sites set a patient field without seeing each other's change.
public struct FieldConflict: Sendable, Equatable, Encodable {
    public var field: String
    /// The concurrent writes, in causal order; the last is the one views show.
    public var values: [FieldWrite]

    package init(field: String, values: [FieldWrite]) {
        (self.field, self.values) = (field, values)
    }

    /// The value views show: the last write's.
    public var shown: String? { values.last?.value }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(field, forKey: .field)
        try container.encode(shown, forKey: .shown)
        try container.encode(values, forKey: .values)
    }

    enum CodingKeys: String, CodingKey { case field, shown, values }
}
