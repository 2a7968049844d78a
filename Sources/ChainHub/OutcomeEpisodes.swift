/// How one instrument's episodes of care ended, for one site or one technique, across the
/// chain: counted from the hub's de-identified outcome rows (``Hub/outcomeEpisodes(by:)``).
///
/// An episode is an instrument version's course from a baseline to its last answer set with a
/// change (a reassessment or a discharge), for one patient; a baseline with nothing scored after
/// it is not one yet. It is counted at the site where that last answer set was recorded, and
/// under every technique applied between its baseline and that answer set (once under a nil
/// technique when none was).
///
/// Guarantees: `medianChange` is the exact median of the changes as shown (the mean of the two
/// middle ones for an even count), in the score's points and sign (latest − baseline: for an
/// instrument where higher is worse, a fall is an improvement); `reached` and `judged` count
/// the episodes whose improvement reaches the instrument's MCID (its MDC without one) and those
/// with a threshold at all. Nothing here names a patient.
public struct OutcomeEpisodes: Sendable, Equatable, Encodable {
    /// What the episodes are grouped by, besides the instrument version.
    public enum Grouping: String, Sendable, CaseIterable { case site, technique }

    public var grouping: Grouping
    /// The site's or the technique's name (a term of ClinicalEvents' `Vocabularies.techniques`); a nil technique
    /// is the episodes in which no technique was recorded.
    public var group: String?
    public var instrument: String
    public var version: Int
    public var episodes: Int
    /// Patients those episodes were of.
    public var patients: Int
    /// The exact median change, as PostgreSQL's `numeric` prints it without trailing zeros (`-8.75`).
    public var medianChange: String
    public var reached: Int
    public var judged: Int

    public init(grouping: Grouping, group: String?, instrument: String, version: Int, episodes: Int, patients: Int, medianChange: String, reached: Int, judged: Int) {
        (self.grouping, self.group, self.instrument, self.version) = (grouping, group, instrument, version)
        (self.episodes, self.patients, self.medianChange, self.reached, self.judged) = (episodes, patients, medianChange, reached, judged)
    }

    /// The share of judged episodes reaching the threshold, in percent to one decimal (`66.7`),
    /// rounded half up in integer arithmetic as PostgreSQL's `round` does; nil when none was judged.
    public var percentReached: String? {
        guard judged > 0 else { return nil }
        let tenths = (reached * 1000 + judged / 2) / judged
        return "\(tenths / 10).\(tenths % 10)"
    }

    enum CodingKeys: String, CodingKey { case site, technique, instrument, version, episodes, patients, medianChange, reached, judged, percentReached }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(group, forKey: grouping == .site ? .site : .technique)
        try container.encode(instrument, forKey: .instrument)
        try container.encode(version, forKey: .version)
        try container.encode(episodes, forKey: .episodes)
        try container.encode(patients, forKey: .patients)
        // Decimal numbers as strings: canonical JSON carries no floating point.
        try container.encode(medianChange, forKey: .medianChange)
        try container.encode(reached, forKey: .reached)
        try container.encode(judged, forKey: .judged)
        try container.encode(percentReached, forKey: .percentReached)
    }
}
