import ClinicalEvents
import EventLog
import Foundation
import ClinicalFold
import Projections
import Testing
import MyologTestSupport
import EventModel

/// The retention rule against an independent implementation (Tools/check-retention.py, Python's
/// `datetime`), on seeded random dates crowded around the boundaries: 18th birthdays at
/// registration, leap days, anniversaries of 29 February.
@Suite("Retention rule")
struct RetentionRuleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func python(_ input: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.root.appendingPathComponent("Tools/check-retention.py").path]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test("retainUntil agrees with an independent implementation on 3,000 seeded cases around the boundaries", arguments: [UInt64(1), 2, 3])
    func agreesWithPython(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        func day(_ base: CivilDate, plusDays offset: Int) -> CivilDate { CivilDate(daysSinceEpoch: base.daysSinceEpoch + Int64(offset)) }
        var cases: [(RetentionPolicySet, CivilDate, CivilDate, CivilDate)] = []
        for _ in 0..<1_000 {
            // Births on 28 Feb, 29 Feb or 1 Mar of leap years half the time.
            let year = 1960 + Int(rng.next() % 60)
            let born = rng.next() % 2 == 0
                ? (CivilDate(year: year - year % 4, month: 2, day: 28 + Int(rng.next() % 2)) ?? CivilDate(year: year, month: 3, day: 1)!)
                : CivilDate(year: year, month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 28))!
            let policy = [RetentionPolicySet.victoria, RetentionPolicySet(yearsAfterLastService: 10, childUntilAge: 25, adultAge: 18),
                          RetentionPolicySet(yearsAfterLastService: 7, childUntilAge: 21, adultAge: 16)][Int(rng.next() % 3)]
            // Registered within a few days of the adult-age birthday, or anywhere in life.
            let adulthood = RetentionSchedule.anniversary(of: born, years: policy.adultAge)
            let registered = rng.next() % 2 == 0 ? day(adulthood, plusDays: Int(rng.next() % 7) - 3) : day(born, plusDays: Int(rng.next() % 20_000))
            let lastService = rng.next() % 3 == 0 ? registered : day(registered, plusDays: Int(rng.next() % 4_000))
            cases.append((policy, born, registered, lastService))
        }
        let input = cases.map { policy, born, registered, last in
            #"{"adultAge":\#(policy.adultAge),"childUntilAge":\#(policy.childUntilAge),"dateOfBirth":"\#(born)","lastService":"\#(last)","registered":"\#(registered)","years":\#(policy.yearsAfterLastService)}"#
        }.joined(separator: "\n") + "\n"
        let expected = try python(input)
        #expect(expected.count == cases.count)
        for (index, (policy, born, registered, last)) in cases.enumerated() where index < expected.count {
            let (until, _) = RetentionSchedule.retainUntil(policy: policy, dateOfBirth: born, registered: registered, lastService: last)
            #expect(until.description == expected[index], "born \(born), registered \(registered), last \(last), \(policy)")
        }
    }

    @Test("anniversaries of 29 February fall on 1 March in common years, never earlier")
    func leapDays() {
        let leap = CivilDate(year: 2000, month: 2, day: 29)!
        #expect(RetentionSchedule.anniversary(of: leap, years: 7).description == "2007-03-01")
        #expect(RetentionSchedule.anniversary(of: leap, years: 8).description == "2008-02-29")
        #expect(RetentionSchedule.anniversary(of: CivilDate(year: 2001, month: 2, day: 28)!, years: 3).description == "2004-02-28")
    }
}
