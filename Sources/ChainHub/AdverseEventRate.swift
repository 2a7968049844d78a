import ClinicalEvents

/// How often one technique was followed by an adverse event, across every site of the chain:
/// counted from the hub's de-identified views (``Hub/adverseEventRates(bySite:)``).
///
/// Guarantees: `applications` counts the technique entries standing (not retracted) of
/// registered patients — the same entries `show` lists — and `adverseEvents` the adverse events
/// standing that followed one of them; an adverse event whose technique entry was retracted is
/// counted under a nil `technique`, never dropped. Nothing here names a patient.
public struct AdverseEventRate: Sendable, Equatable, Encodable {
    /// The ``Vocabularies/techniques`` term; nil for adverse events whose technique entry was retracted.
    public var technique: String?
    /// The site whose entries these are, when counted per site; nil for the whole chain.
    public var site: String?
    /// Technique entries recorded.
    public var applications: Int
    /// Patients those entries were for.
    public var patients: Int
    /// Adverse events that followed them, and by severity (``Vocabularies/severities``).
    public var adverseEvents: Int
    public var mild: Int, moderate: Int, severe: Int

    /// Adverse events per 1,000 applications to one decimal (`12.5`), rounded half up in integer
    /// arithmetic so every machine prints the same; nil when the technique was never applied.
    public var perThousand: String? {
        guard applications > 0 else { return nil }
        let tenths = (adverseEvents * 10_000 + applications / 2) / applications
        return "\(tenths / 10).\(tenths % 10)"
    }

    public init(technique: String?, site: String?, applications: Int, patients: Int, adverseEvents: Int, mild: Int, moderate: Int, severe: Int) {
        (self.technique, self.site, self.applications, self.patients) = (technique, site, applications, patients)
        (self.adverseEvents, self.mild, self.moderate, self.severe) = (adverseEvents, mild, moderate, severe)
    }

    enum CodingKeys: String, CodingKey { case technique, site, applications, patients, adverseEvents, mild, moderate, severe, perThousand }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(technique, forKey: .technique)
        try container.encodeIfPresent(site, forKey: .site)
        try container.encode(applications, forKey: .applications)
        try container.encode(patients, forKey: .patients)
        try container.encode(adverseEvents, forKey: .adverseEvents)
        try container.encode(mild, forKey: .mild)
        try container.encode(moderate, forKey: .moderate)
        try container.encode(severe, forKey: .severe)
        // Per mille as a string with one decimal: canonical JSON carries no floating point.
        try container.encode(perThousand, forKey: .perThousand)
    }
}
