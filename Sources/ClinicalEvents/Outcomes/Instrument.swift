import EventModel

/// One version of an outcome measure, read from its file (`Instruments/ID.vN.json`, described by
/// `Schemas/instrument.schema.json`): its items or patient-chosen activities, how it is scored,
/// its bands, and how a change is judged. Nothing about any instrument is written in Swift: the
/// scoring is ``score(answers:)``, an interpreter of the file's rules.
///
/// Guarantees: an `Instrument` exists only if its file passed ``init(json:)``: items numbered
/// 1…n, every score's items among them, every rule one the interpreter knows, every band and
/// change naming a score of the instrument.
public struct Instrument: Sendable, Hashable {
    public var id: String
    public var version: Int
    public var name: String
    public var abbreviation: String
    public var region: String?
    public var licence: Licence
    /// Fixed items, numbered 1…n (empty for an instrument of activities).
    public var items: [Item]
    /// Patient-chosen activities (PSFS), if the instrument is answered that way.
    public var activities: Activities?
    /// The instrument's score first, then its subscales.
    public var scores: [ScoreRule]
    public var bands: [Band]
    public var change: ChangeRule?
    public var reassessEveryDays: Int
    public var codes: [String: String]
    public var sources: [String]

    /// `ndi v1`: how people and errors name a version.
    public var reference: String { "\(id) v\(version)" }
    /// The instrument's own score (the first).
    public var primary: ScoreRule { scores[0] }

    /// How much of the items' wording the file reproduces, and why.
    public struct Licence: Sendable, Hashable {
        /// `full`, `headings` or `none`.
        public var itemText: String
        public var note: String
    }

    /// One fixed item: its number, the answers it takes, and what each counts as.
    public struct Item: Sendable, Hashable {
        public var number: Int
        public var text: String?
        public var range: ClosedRange<Int>
        /// The value each answer counts as (index `answer − min`), when recoded.
        public var scoreAs: [Int]?

        /// What `answer` counts as in every score.
        public func value(of answer: Int) -> Int { scoreAs?[answer - range.lowerBound] ?? answer }
        /// The lowest and highest values an answer counts as.
        var valueRange: ClosedRange<Int> { scoreAs.map { $0.min()!...$0.max()! } ?? range }
    }

    /// How many activities a patient names, and how each is rated.
    public struct Activities: Sendable, Hashable {
        public var count: ClosedRange<Int>
        public var range: ClosedRange<Int>
    }

    /// One score: the rule, the items it covers, how many may be skipped, how it reads.
    public struct ScoreRule: Sendable, Hashable {
        public enum Rule: String, Sendable, Hashable { case sum, percentOfAnswered, mean }
        public var id: String
        public var label: String
        public var rule: Rule
        /// Item numbers covered; nil for all (or all activities).
        public var items: [Int]?
        public var scale: Int?
        public var maxSkipped: Int
        public var range: ClosedRange<Int>
        public var decimals: Int
        public var higherIsBetter: Bool
        public var unit: String?
    }

    /// A risk band: the first whose every condition holds.
    public struct Band: Sendable, Hashable {
        public var id: String
        public var label: String
        public var when: [Condition]
        public struct Condition: Sendable, Hashable {
            public var score: String
            public var atLeast: ExactScore?
            public var atMost: ExactScore?
        }
    }

    /// How a change of one score is judged, with the thresholds' sources.
    public struct ChangeRule: Sendable, Hashable {
        public var score: String
        public var mcid: Threshold?
        public var mdc: Threshold?
        /// The threshold a change is judged by: the MCID, or without one the MDC.
        public var threshold: (kind: String, value: Threshold)? { mcid.map { ("MCID", $0) } ?? mdc.map { ("MDC", $0) } }
    }

    public struct Threshold: Sendable, Hashable {
        public var points: ExactScore
        public var singleItemPoints: ExactScore?
        public var source: String
    }
}
