import ClinicalEvents
import EventModel

/// A trigger point and, once it no longer presents, its resolution.
public struct TriggerPointCourse: Sendable, Equatable, Encodable {
    public var found: EntryView<TriggerPointFound>
    /// The first resolution of it (in causal order); nil while it still presents.
    public var resolution: EntryView<TriggerPointResolved>?

    public init(found: EntryView<TriggerPointFound>, resolution: EntryView<TriggerPointResolved>?) {
        (self.found, self.resolution) = (found, resolution)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(found, forKey: .found)
        try container.encode(resolution, forKey: .resolution)  // null while it presents
    }

    enum CodingKeys: String, CodingKey { case found, resolution }
}
