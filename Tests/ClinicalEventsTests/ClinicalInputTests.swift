import ClinicalEvents
import EventLog
import Foundation
import Testing
import EventModel

@Suite("Input checks")
struct ClinicalInputTests {
    // A fixed "now", so the tests mean the same on any day: 2026-03-03T09:15:00Z.
    let input = ClinicalInput(now: Timestamp(rfc3339: "2026-03-03T09:15:00Z")!, timeZone: TimeZone(identifier: "UTC")!)

    @Test("pain scores: whole numbers 0–10 only (typed where they are read)", arguments: ["11", "-1", "seven", "7.5", "", " ", "1e1", "+5", "٣"])
    func badScores(_ value: String) {
        expectRefusal(.invalidField) { try PainScore(value) }
    }

    @Test("pain scores 0 and 10 are accepted")
    func goodScores() throws {
        #expect(try PainScore("0").value == 0)
        #expect(try PainScore(" 10 ").value == 10)
    }

    @Test("dates of birth: real, not in the future, not before 1900", arguments: ["2026-03-04", "2026-02-30", "03/03/1988", "1899-12-31", "tomorrow", ""])
    func badDatesOfBirth(_ value: String) {
        expectRefusal(.invalidField) { try input.dateOfBirth(value) }
    }

    @Test("history dates may be partial but not in the future", arguments: [("2015", true), ("2015-06", true), ("2015-06-31", false), ("2026-04", false), ("2027", false), ("15", false), ("2015-6", false)])
    func historyDates(value: String, accepted: Bool) throws {
        guard !accepted else {
            #expect(try input.historyDate(HistoryDate(value)) == value)
            return
        }
        // Refused as this date, not for some other reason.
        guard let refusal = #expect(throws: ClinicalError.self, "\(value)", performing: { try input.historyDate(HistoryDate(value)) }) else { return }  // recorded
        guard case .invalidField(field: "date", value: value, accepted: _) = refusal else {
            Issue.record("\(value): refused with \(refusal), not as an invalid date")
            return
        }
    }

    @Test("occurredAt: a date or instant, never in the future")
    func occurredAt() throws {
        #expect(try input.occurredAt(EntryDate("2026-03-03")).description == "2026-03-03T00:00:00.000Z")
        #expect(try input.occurredAt(EntryDate("2026-03-03T09:00:00Z")).description == "2026-03-03T09:00:00.000Z")
        expectRefusal(.invalidField) { try input.occurredAt(EntryDate("2026-03-03T09:16:00Z")) }
        expectRefusal(.invalidField) { try input.occurredAt(EntryDate("2026-03-04")) }
        expectRefusal(.invalidField) { try EntryDate("not a date") }
    }

    @Test("today is the clinic's local day: Melbourne is already on the 4th")
    func localToday() throws {
        let melbourne = ClinicalInput(now: Timestamp(rfc3339: "2026-03-03T20:00:00Z")!, timeZone: TimeZone(identifier: "Australia/Melbourne")!)
        #expect(try melbourne.dateOfBirth("2026-03-04").description == "2026-03-04")
        expectRefusal(.invalidField) { try input.dateOfBirth("2026-03-04") }
    }

    @Test("names: not empty, no control characters, at most 200 characters", arguments: ["", "   ", "Mia\u{0}Thompson", "Mia\nThompson", "Mia\u{1B}[31m", String(repeating: "a", count: 201)])
    func badNames(_ value: String) {
        expectRefusal(.invalidField) { try input.name(value) }
    }

    @Test("free text: at most 10,000 characters; line breaks allowed")
    func text() throws {
        #expect(try input.text("line one\nline two", field: "text") == "line one\nline two")
        expectRefusal(.invalidField) { try input.text(String(repeating: "x", count: 10_001), field: "text") }
        #expect(try input.text(String(repeating: "x", count: 10_000), field: "text").count == 10_000)
        expectRefusal(.invalidField) { try input.text("bell\u{07}", field: "text") }
    }

    @Test("contact details")
    func contacts() throws {
        #expect(try input.phone("+61 (3) 9555-0101") == "+61 (3) 9555-0101")
        expectRefusal(.invalidField) { try input.phone("call me") }
        expectRefusal(.invalidField) { try input.phone("123") }
        #expect(try input.email("mia@example.org") == "mia@example.org")
        for bad in ["mia", "mia@", "@example.org", "mia@example", "mia thompson@example.org", "a@b@c.d"] {
            expectRefusal(.invalidField, "\(bad)") { try input.email(bad) }
        }
    }

    @Test("errors name the field and what is accepted, on one line")
    func errorShape() {
        do {
            _ = try PainScore("11")
            Issue.record("11 was accepted")
        } catch {
            #expect((error as? ClinicalError)?.code == .invalidField)
            let text = String(describing: error)
            #expect(text.hasPrefix("score: \"11\" is not accepted; accepted: a whole number from 0 to 10"))
            #expect(!text.contains("\n"))
        }
    }

    @Test("a clinical field refusal reads exactly as the event log's own (empty, escaped, cut at 60 characters)",
          arguments: ["", "11", "bell\u{07}\u{1B}[31m", String(repeating: "é", count: 61), "a\nb"])
    func refusalWording(_ value: String) {
        let clinical = ClinicalError.invalidField(field: "note", value: value, accepted: "text")
        #expect(clinical.description == EventLogError.invalidField(field: "note", value: value, accepted: "text").description)
        #expect(clinical.remedy == nil)
    }
}
