import EventModel

/// Reading an instrument's file: strict, so a mistake in a file is a failed test, not a wrong
/// score. Every refusal names the member (``InstrumentFileError``).
extension Instrument {
    public init(json value: JSONValue) throws {
        let file = try Members(value, at: "instrument", allowed: ["$schema", "id", "version", "name", "abbreviation", "region", "licence", "items", "activities", "scores", "bands", "change", "reassessEveryDays", "codes", "sources"])
        id = try file.string("id")
        version = try file.int("version")
        name = try file.string("name")
        abbreviation = try file.string("abbreviation")
        region = try file.optional("region") { try $0.string() }
        let licence = try file.members("licence", allowed: ["itemText", "note"])
        self.licence = Licence(itemText: try licence.string("itemText"), note: try licence.string("note"))
        guard ["full", "headings", "none"].contains(self.licence.itemText) else { throw file.fail("licence.itemText", "full, headings or none") }
        items = try file.optional("items") { list in
            try list.array().enumerated().map { index, element in
                let item = try Members(element, at: "items[\(index)]", allowed: ["number", "text", "min", "max", "scoreAs"])
                let number = try item.int("number")
                guard number == index + 1 else { throw item.fail("number", "\(index + 1): items are numbered 1…n in order") }
                let (low, high) = (try item.int("min"), try item.int("max"))
                guard low < high else { throw item.fail("max", "more than min") }
                let scoreAs = try item.optional("scoreAs") { try $0.array().map { try Members.integer($0, at: "scoreAs") } }
                if let scoreAs, scoreAs.count != high - low + 1 { throw item.fail("scoreAs", "one value per answer \(low)…\(high)") }
                return Item(number: number, text: try item.optional("text") { try $0.string() }, range: low...high, scoreAs: scoreAs)
            }
        } ?? []
        activities = try file.optional("activities") { element in
            let activities = try Members(element, at: "activities", allowed: ["minCount", "maxCount", "min", "max"])
            let (fewest, most, low, high) = (try activities.int("minCount"), try activities.int("maxCount"), try activities.int("min"), try activities.int("max"))
            guard fewest >= 1, fewest <= most, low < high else { throw activities.fail("activities", "1 ≤ minCount ≤ maxCount and min < max") }
            return Activities(count: fewest...most, range: low...high)
        }
        guard items.isEmpty != (activities == nil) else { throw file.fail("items", "either items or activities") }
        let itemCount = items.count
        scores = try file.array("scores").enumerated().map { index, element in
            let score = try Members(element, at: "scores[\(index)]", allowed: ["id", "label", "rule", "items", "scale", "maxSkipped", "range", "decimals", "higherIs", "unit"])
            guard let rule = ScoreRule.Rule(rawValue: try score.string("rule")) else { throw score.fail("rule", "sum, percentOfAnswered or mean") }
            let covered = try score.optional("items") { try $0.array().map { try Members.integer($0, at: "items") } }
            if let covered, itemCount == 0 || covered.isEmpty || !covered.allSatisfy((1...Swift.max(itemCount, 1)).contains) || Set(covered).count != covered.count {
                throw score.fail("items", "distinct item numbers from 1 to \(itemCount)")
            }
            let scale = try score.optional("scale") { try Members.integer($0, at: "scale") }
            guard (rule == .percentOfAnswered) == (scale != nil) else { throw score.fail("scale", "given exactly for percentOfAnswered") }
            let maxSkipped = try score.optional("maxSkipped") { try Members.integer($0, at: "maxSkipped") } ?? 0
            guard rule != .sum || maxSkipped == 0 else { throw score.fail("maxSkipped", "0 for a sum (a sum with a skipped item is not the instrument's score)") }
            let range = try score.array("range").map { try Members.integer($0, at: "range") }
            guard range.count == 2, range[0] < range[1] else { throw score.fail("range", "[low, high]") }
            let decimals = try score.int("decimals")
            guard (0...2).contains(decimals) else { throw score.fail("decimals", "0, 1 or 2") }
            let higherIs = try score.string("higherIs")
            guard ["worse", "better"].contains(higherIs) else { throw score.fail("higherIs", "worse or better") }
            return ScoreRule(id: try score.string("id"), label: try score.string("label"), rule: rule, items: covered, scale: scale, maxSkipped: maxSkipped,
                             range: range[0]...range[1], decimals: decimals, higherIsBetter: higherIs == "better", unit: try score.optional("unit") { try $0.string() })
        }
        guard !scores.isEmpty, Set(scores.map(\.id)).count == scores.count else { throw file.fail("scores", "at least one, with distinct ids") }
        // What the schema cannot say, and Tools/check-outcomes.py also checks: each score's
        // declared range is the one its rule produces, and its skip limit leaves an item to score.
        let (fixedItems, chosenActivities) = (items, activities)
        for (index, rule) in scores.enumerated() {
            let ranges: [ClosedRange<Int>] = chosenActivities.map { [$0.range] }
                ?? (rule.items ?? Array(1...fixedItems.count)).map { fixedItems[$0 - 1].valueRange }
            let covered = chosenActivities?.count.upperBound ?? ranges.count
            let produced: ClosedRange<Int>
            switch rule.rule {
            case .sum: produced = ranges.map(\.lowerBound).reduce(0, +)...ranges.map(\.upperBound).reduce(0, +)
            case .percentOfAnswered: produced = 0...(rule.scale ?? 0)
            case .mean: produced = ranges.map(\.lowerBound).min()!...ranges.map(\.upperBound).max()!
            }
            guard rule.range == produced else { throw file.fail("scores[\(index)].range", "[\(produced.lowerBound), \(produced.upperBound)], what \(rule.rule.rawValue) of its items gives") }
            guard rule.maxSkipped < covered else { throw file.fail("scores[\(index)].maxSkipped", "fewer than the \(covered) items it covers") }
        }
        let scoreIDs = scores.map(\.id)
        func decimal(_ members: Members, _ key: String) throws -> ExactScore? {
            try members.optional(key) { element in
                guard let text = try? element.string(), let value = ExactScore(decimal: text) else { throw members.fail(key, "a decimal's text (\"7.5\")") }
                return value
            }
        }
        bands = try file.optional("bands") { list in
            try list.array().enumerated().map { index, element in
                let band = try Members(element, at: "bands[\(index)]", allowed: ["id", "label", "when"])
                let conditions = try band.array("when").map { element in
                    let condition = try Members(element, at: "bands[\(index)].when", allowed: ["score", "atLeast", "atMost"])
                    let score = try condition.string("score")
                    guard scoreIDs.contains(score) else { throw condition.fail("score", "one of \(scoreIDs.joined(separator: ", "))") }
                    let (atLeast, atMost) = (try decimal(condition, "atLeast"), try decimal(condition, "atMost"))
                    guard atLeast != nil || atMost != nil else { throw condition.fail("atLeast", "atLeast or atMost (a condition without a bound always holds)") }
                    return Band.Condition(score: score, atLeast: atLeast, atMost: atMost)
                }
                return Band(id: try band.string("id"), label: try band.string("label"), when: conditions)
            }
        } ?? []
        change = try file.optional("change") { element in
            let change = try Members(element, at: "change", allowed: ["score", "mcid", "mdc"])
            let score = try change.string("score")
            guard scoreIDs.contains(score) else { throw change.fail("score", "one of \(scoreIDs.joined(separator: ", "))") }
            func threshold(_ key: String) throws -> Threshold? {
                try change.optional(key) { element in
                    let threshold = try Members(element, at: "change.\(key)", allowed: ["points", "singleItemPoints", "source"])
                    guard let points = try decimal(threshold, "points"), points > ExactScore(0) else { throw threshold.fail("points", "a decimal's text above 0") }
                    return Threshold(points: points, singleItemPoints: try decimal(threshold, "singleItemPoints"), source: try threshold.string("source"))
                }
            }
            let rule = ChangeRule(score: score, mcid: try threshold("mcid"), mdc: try threshold("mdc"))
            guard rule.threshold != nil else { throw change.fail("mcid", "an mcid or an mdc") }
            return rule
        }
        reassessEveryDays = try file.int("reassessEveryDays")
        guard (1...365).contains(reassessEveryDays) else { throw file.fail("reassessEveryDays", "1…365") }
        codes = try file.optional("codes") { element in
            let codes = try Members(element, at: "codes", allowed: ["loincPanel", "loincScore", "loincSource"])
            return try codes.members.mapValues { try $0.string() }
        } ?? [:]
        sources = try file.array("sources").map { try $0.string() }
        guard !sources.isEmpty else { throw file.fail("sources", "at least one citation") }
    }
}

/// An instrument file that does not read: the member and what is accepted.
public struct InstrumentFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var accepted: String
    public var description: String { "instrument file: \(field): expected \(accepted)" }
}

/// A JSON object's members, read strictly (unknown members refused).
private struct Members {
    let path: String
    let members: [String: JSONValue]

    init(_ value: JSONValue, at path: String, allowed: [String]) throws {
        guard case .object(let members) = value else { throw InstrumentFileError(field: path, accepted: "an object") }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw InstrumentFileError(field: "\(path).\(unknown)", accepted: "no such member (one of \(allowed.joined(separator: ", ")))")
        }
        (self.path, self.members) = (path, members)
    }

    func fail(_ key: String, _ accepted: String) -> InstrumentFileError { InstrumentFileError(field: "\(path).\(key)", accepted: accepted) }

    func required(_ key: String) throws -> JSONValue {
        guard let value = members[key], value != .null else { throw fail(key, "a value (missing)") }
        return value
    }
    func string(_ key: String) throws -> String {
        guard case .string(let text) = try required(key), !text.isEmpty else { throw fail(key, "a non-empty string") }
        return text
    }
    func int(_ key: String) throws -> Int { try Self.integer(try required(key), at: "\(path).\(key)") }
    func array(_ key: String) throws -> [JSONValue] { try required(key).array() }
    func members(_ key: String, allowed: [String]) throws -> Members { try Members(try required(key), at: "\(path).\(key)", allowed: allowed) }
    func optional<T>(_ key: String, _ read: (JSONValue) throws -> T) throws -> T? {
        guard let value = members[key], value != .null else { return nil }
        return try read(value)
    }

    static func integer(_ value: JSONValue, at path: String) throws -> Int {
        guard case .int(let number) = value else { throw InstrumentFileError(field: path, accepted: "an integer") }
        return number
    }
}

extension JSONValue {
    fileprivate func string() throws -> String {
        guard case .string(let text) = self, !text.isEmpty else { throw InstrumentFileError(field: "value", accepted: "a non-empty string") }
        return text
    }
    fileprivate func array() throws -> [JSONValue] {
        guard case .array(let elements) = self else { throw InstrumentFileError(field: "value", accepted: "an array") }
        return elements
    }
}
