import ClinicalEvents
import EventModel

/// An answer set as views show it: the entry, and what it scores by its instrument version's
/// rules (derived here, never stored: the answers are the record).
public struct OutcomeView: Sendable, Equatable, Encodable {
    public var entry: EntryView<OutcomeRecorded>

    public init(entry: EntryView<OutcomeRecorded>) { self.entry = entry }

    /// The version's rules, if this Myolog knows them.
    public var instrument: Instrument? { entry.payload.knownInstrument }
    public var scores: OutcomeScores? { entry.payload.scores }

    /// Each score's shown text (rounded by the instrument's decimals), by score id, in the
    /// instrument's order.
    public var scoreTexts: [(id: String, label: String, text: String)] {
        guard let instrument, let scores else { return [] }
        return instrument.scores.compactMap { rule in scores.values[rule.id].map { (rule.id, rule.label, $0.text(decimals: rule.decimals)) } }
    }

    /// The entry's members, then `scores` (score id → shown value; `{}` when nothing could be
    /// scored), `band` (a risk band's id, or null) and `unscored` (why the instrument's score is
    /// absent, or null).
    public func encode(to encoder: any Encoder) throws {
        try entry.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Dictionary(uniqueKeysWithValues: scoreTexts.map { ($0.id, $0.text) }), forKey: .scores)
        try container.encode(scores?.band?.id, forKey: .band)
        let unscored = instrument == nil ? "\(entry.payload.instrument) v\(entry.payload.version) is not known to this Myolog" : scores?.unscored
        try container.encode(unscored, forKey: .unscored)
    }

    enum CodingKeys: String, CodingKey { case scores, band, unscored }
}
