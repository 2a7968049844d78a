import ClinicalEvents
import ClinicalLog
import EventModel
import Foundation
import MyologTestSupport
import Testing

/// Myolog's scores against `Tools/check-outcomes.py`, an independent scorer reading the same
/// instrument files with its own code: seeded random answer sets, every instrument.
@Suite("Outcome measures against the independent checker")
struct OutcomeCheckCLITests {
    let scratch = TemporaryDirectory("outcomes")
    static let checker = SchemaValidationTests.root.appendingPathComponent("Tools/check-outcomes.py").path
    static let perInstrument = 10_000

    /// One `--compare` line: the answer set and what Myolog scored.
    static func line(_ instrument: Instrument, answers: [Int?], activities: [String]?) -> JSONValue {
        let scores = instrument.score(answers: answers)
        var shown: [String: JSONValue] = [:]
        for rule in instrument.scores { shown[rule.id] = scores.values[rule.id].map { .string($0.text(decimals: rule.decimals)) } ?? .null }
        var members: [String: JSONValue] = [
            "instrument": .string(instrument.id), "version": .int(instrument.version), "answers": .array(answers.map { $0.map(JSONValue.int) ?? .null }),
            "scores": .object(shown), "band": scores.band.map { .string($0.id) } ?? .null, "unscored": scores.unscored.map(JSONValue.string) ?? .null,
        ]
        if let activities { members["activities"] = .array(activities.map(JSONValue.string)) }
        return .object(members)
    }

    /// A random answer set the instrument accepts: each item answered in its range or, up to the
    /// instrument's limit, skipped (so subscales are sometimes left unscored).
    static func answerSet(_ instrument: Instrument, rng: inout SeededGenerator) -> (answers: [Int?], activities: [String]?) {
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        if let activities = instrument.activities {
            let count = activities.count.lowerBound + below(activities.count.count)
            return ((0..<count).map { _ in activities.range.lowerBound + below(activities.range.count) }, (0..<count).map { "Activity \($0 + 1)" })
        }
        var answers: [Int?] = instrument.items.map { $0.range.lowerBound + below($0.range.count) }
        for _ in 0..<below(instrument.primary.maxSkipped + 1) { answers[below(answers.count)] = nil }
        return (answers, nil)
    }

    @Test("10,000 seeded answer sets per instrument: check-outcomes.py scores each as Myolog does")
    func seededAgreement() throws {
        var rng = SeededGenerator(seed: 34)
        var lines: [String] = []
        for instrument in Instruments.all {
            for _ in 0..<Self.perInstrument {
                let set = Self.answerSet(instrument, rng: &rng)
                #expect(instrument.refusal(answers: set.answers, activities: set.activities) == nil)
                lines.append(Self.line(instrument, answers: set.answers, activities: set.activities).canonicalString)
            }
        }
        let file = scratch.path("answers.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let compared = try MyologProcess.run(["python3", Self.checker, "--compare", file], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(compared.status == 0, "\(compared.stdout)\(compared.stderr)")
        #expect(compared.stdout.contains("\(lines.count) answer sets agree across \(Instruments.all.count) instruments"), "\(compared.stdout)")

        // The check can fail: one score changed by a tenth is named, with both values.
        var altered = lines
        let victim = altered.firstIndex { $0.contains("\"instrument\":\"ndi\"") && $0.contains("\"total\":\"") }!
        guard case .object(var members) = try JSONParser.parse(altered[victim]), case .object(var scores)? = members["scores"], let total = scores["total"]?.stringValue,
              let value = ExactScore(decimal: total)
        else { Issue.record("an NDI line with a total"); return }
        scores["total"] = .string((value + ExactScore(1, over: 10)).text(decimals: 1))
        members["scores"] = .object(scores)
        altered[victim] = JSONValue.object(members).canonicalString
        try (altered.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try MyologProcess.run(["python3", Self.checker, "--compare", file], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(refused.status == 1)
        #expect((refused.stdout + refused.stderr).contains(total), "\(refused.stdout)\(refused.stderr)")
    }

    @Test("check-outcomes.py's own worked examples and unit tests pass")
    func checkerSelfTest() throws {
        let selfTest = try MyologProcess.run(["python3", Self.checker, "--self-test"], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(selfTest.status == 0, "\(selfTest.stdout)\(selfTest.stderr)")
        let unit = try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/test_check_outcomes.py").path],
                                         executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(unit.status == 0, "\(unit.stdout)\(unit.stderr)")
    }
}
