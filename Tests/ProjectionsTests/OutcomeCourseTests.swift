import ClinicalEvents
import ClinicalFold
import EventModel
import Testing

/// A course from baseline: what is compared, by which threshold, and when a reassessment falls due.
@Suite("Outcome courses")
struct OutcomeCourseTests {
    func view(_ payload: OutcomeRecorded, at milliseconds: Int64) -> OutcomeView {
        OutcomeView(entry: EntryView(payload: payload, eventId: .make(), occurredAt: Timestamp(millisecondsSinceEpoch: milliseconds), author: "alex", corrections: []))
    }

    @Test("PSFS: the same activities are compared (the mean by the MDC, each activity by the single-activity MDC); other activities are not")
    func activities() throws {
        let day: Int64 = 86_400_000
        let baseline = view(OutcomeRecorded(instrument: "psfs", version: 1, answers: [3, 4], activities: ["Laptop work", "Driving"], context: "baseline"), at: 0)
        let same = view(OutcomeRecorded(instrument: "psfs", version: 1, answers: [5, 7], activities: ["Driving", "Laptop work"], context: "reassessment"), at: 14 * day)
        let course = try #require(OutcomeCourse.courses(of: [baseline, same]).first)
        #expect(course.comparable && course.change == ExactScore(5, over: 2) && course.reached == true)
        #expect(course.activityChanges.map { "\($0.activity) \($0.baseline)→\($0.latest) \($0.reached.map(String.init) ?? "-")" }
                == ["Driving 4→5 false", "Laptop work 3→7 true"])
        let other = view(OutcomeRecorded(instrument: "psfs", version: 1, answers: [8, 9], activities: ["Knitting", "Reading"], context: "reassessment"), at: 14 * day)
        let apart = try #require(OutcomeCourse.courses(of: [baseline, other]).first)
        #expect(!apart.comparable && apart.change == nil && apart.reached == nil && apart.activityChanges.isEmpty)
    }

    @Test("a reassessment due past 9999-12-31 (a clock forged far ahead) is no date at all; a discharge closes the course")
    func due() throws {
        let answers: [Int?] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        let far = view(OutcomeRecorded(instrument: "ndi", version: 1, answers: answers, context: "baseline"), at: 253_402_300_000_000)
        #expect(try #require(OutcomeCourse.courses(of: [far]).first).reassessmentDue == nil)
        let near = view(OutcomeRecorded(instrument: "ndi", version: 1, answers: answers, context: "baseline"), at: 0)
        #expect(try #require(OutcomeCourse.courses(of: [near]).first).reassessmentDue == Timestamp(millisecondsSinceEpoch: 28 * 86_400_000))
        let discharged = view(OutcomeRecorded(instrument: "ndi", version: 1, answers: answers, context: "discharge"), at: 1)
        #expect(try #require(OutcomeCourse.courses(of: [near, discharged]).first).reassessmentDue == nil)
    }
}
