/// What one answer set scores: each score the instrument defines (absent where too many of its
/// items were skipped), the risk band, and why the instrument's own score is absent, if it is.
public struct OutcomeScores: Sendable, Hashable {
    /// By score id, exact.
    public var values: [String: ExactScore]
    /// The first band whose conditions hold; nil for an instrument without bands, or when a
    /// score a band needs is absent.
    public var band: Instrument.Band?
    /// Why the instrument's score (the first) is absent: `3 of 10 items skipped (at most 2)`.
    public var unscored: String?

    public init(values: [String: ExactScore], band: Instrument.Band?, unscored: String?) {
        (self.values, self.band, self.unscored) = (values, band, unscored)
    }
}

/// The interpreter of an instrument file's rules: the only place a score is computed.
/// `Tools/check-outcomes.py` computes the same from the same files with its own code.
extension Instrument {
    /// How many answers an answer set holds: the items, or the activities named.
    public func answerCount(activities: Int?) -> Int { activities ?? items.count }

    /// The answers `answer` may take at position `index` (0-based).
    public func answerRange(at index: Int) -> ClosedRange<Int> { activities?.range ?? items[index].range }

    /// Scores `answers` (one per item or activity; nil for a skipped item). Answers that
    /// ``refusal(answers:activities:)`` would refuse are not scored (`unscored` says so).
    public func score(answers: [Int?]) -> OutcomeScores {
        // Answers that do not fit (a row edited in the file, a correction read back without its
        // checks) are not scored rather than trusted: no index is read out of range.
        let fits = activities.map { rule in answers.allSatisfy { $0.map(rule.range.contains) ?? true } }
            ?? (answers.count == items.count && zip(items, answers).allSatisfy { item, answer in answer.map(item.range.contains) ?? true })
        guard fits, !answers.isEmpty else {
            return OutcomeScores(values: [:], band: nil, unscored: "the answers do not fit \(reference)")
        }
        var values: [String: ExactScore] = [:]
        var unscored: String?
        for (index, rule) in scores.enumerated() {
            let covered = rule.items ?? Array(1...answers.count)
            var sum = 0, count = 0, span = 0, skipped = 0
            for number in covered {
                guard let answer = answers[number - 1] else { skipped += 1; continue }
                let item = items.isEmpty ? nil : items[number - 1]
                let value = item?.value(of: answer) ?? answer
                let range = item?.valueRange ?? activities!.range
                sum += value - (rule.rule == .percentOfAnswered ? range.lowerBound : 0)
                span += range.upperBound - range.lowerBound
                count += 1
            }
            guard skipped <= rule.maxSkipped, count > 0 else {
                if index == 0 { unscored = "\(skipped) of \(covered.count) \(items.isEmpty ? "activities" : "items") skipped (at most \(rule.maxSkipped))" }
                continue
            }
            switch rule.rule {
            case .sum: values[rule.id] = ExactScore(sum)
            case .mean: values[rule.id] = ExactScore(sum, over: count)
            // A span of 0 (every answered item recoded to one value) has no percentage.
            case .percentOfAnswered: if span > 0 { values[rule.id] = ExactScore(sum * rule.scale!, over: span) }
            }
        }
        let band = bands.first { band in
            band.when.allSatisfy { condition in
                guard let value = values[condition.score] else { return false }
                return (condition.atLeast.map { value >= $0 } ?? true) && (condition.atMost.map { value <= $0 } ?? true)
            }
        }
        // A band is only as good as the scores it reads: none when one of them is absent.
        let complete = bands.allSatisfy { $0.when.allSatisfy { values[$0.score] != nil } }
        return OutcomeScores(values: values, band: complete ? band : nil, unscored: unscored)
    }

    /// Why `answers` are not an answer set of this instrument (wrong count, an answer out of
    /// its item's range, more skipped than the instrument's score allows, activities where
    /// there are none or the wrong number of them), as (field, accepted); nil when they are.
    public func refusal(answers: [Int?], activities: [String]?) -> (field: String, accepted: String)? {
        if let rule = self.activities {
            guard let activities, rule.count.contains(activities.count) else {
                return ("activity", "\(rule.count.lowerBound) to \(rule.count.upperBound) activities for \(reference), each named with its rating")
            }
            guard answers.count == activities.count else { return ("answers", "one rating per activity") }
            if let index = answers.firstIndex(where: { $0.map { !rule.range.contains($0) } ?? true }) {
                return ("activity", "a rating from \(rule.range.lowerBound) to \(rule.range.upperBound) for \"\(activities[index])\" (none skipped)")
            }
            return nil
        }
        if activities != nil { return ("activity", "none: \(reference) has fixed items") }
        guard answers.count == items.count else {
            return ("answers", "\(items.count) answers for \(reference), in item order, `-` for a skipped one (\(answers.count) given)")
        }
        for (index, answer) in answers.enumerated() {
            if let answer, !items[index].range.contains(answer) {
                return ("answers", "item \(index + 1) of \(reference) takes \(items[index].range.lowerBound) to \(items[index].range.upperBound) (\(answer) given)")
            }
        }
        let skipped = answers.filter { $0 == nil }.count
        if skipped > primary.maxSkipped {
            return ("answers", "at most \(primary.maxSkipped) skipped item\(primary.maxSkipped == 1 ? "" : "s") for \(reference) (\(skipped) skipped)")
        }
        return nil
    }
}
