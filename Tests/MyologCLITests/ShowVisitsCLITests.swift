import EventModel
import Foundation
import MyologTestSupport
import Testing

/// What a clinician sees in `show`, `timeline` and `history` after a first consultation and a
/// follow-up, driven through the built binary at a clinic in Melbourne: local times with the zone
/// named once, visits newest first with their techniques, notes, findings, pain before → after
/// and closing advice, notes wherever their entry is, corrected values marked with who corrected
/// them, when and why — and no note, however crafted, printing a line of its own.
@Suite("show, timeline, history: visits, notes, corrections, local time")
struct ShowVisitsCLITests {
    let scratch = TemporaryDirectory("show-visits")
    static let zone = "Australia/Melbourne"
    let clock = SiteClock(identifier: Self.zone)!

    func run(_ store: String, _ arguments: [String], as user: String = "alex.myo") throws -> MyologProcess.Result {
        let result = try MyologProcess.run(["--store", store, "--as", user] + arguments, environment: MyologProcess.environment(["TZ": Self.zone]))
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result
    }

    func json(_ store: String, _ arguments: [String]) throws -> JSONValue {
        try JSONParser.parse(try run(store, ["--json"] + arguments).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The lines of `text` from the one equal to `first` up to (not including) the next blank line.
    func section(_ text: String, from first: String) -> [String] {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: first) else { return [] }
        return Array(lines[start...].prefix { !$0.isEmpty })
    }

    struct Consultations {
        var store: String, patient: String, needling: String, triggerPoint: String
    }

    /// Mia's first consultation (19 Nov, 09:00 in Melbourne: 18 Nov in UTC) and her follow-up
    /// (27 Nov, 09:00 local), as the README walks them; another clinician corrects the needling's
    /// minutes afterwards.
    func consultations(triggerPointNote: String = "taut band, jump sign") throws -> Consultations {
        let store = scratch.path("store-\(UUID().uuidString.prefix(8))")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Carlton"], environment: MyologProcess.environment(["TZ": Self.zone])).status == 0)
        let patient = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        _ = try run(store, ["visit", "start", patient, "--reason", "Neck pain after night shifts", "--date", "2026-11-18T22:00:00Z"])
        _ = try run(store, ["record", "pain", patient, "--score", "7", "--region", "neck", "--context", "pre", "--date", "2026-11-18T22:05:00Z"])
        let triggerPoint = try run(store, ["record", "trigger-point", patient, "--muscle", "upper-trapezius", "--side", "right", "--referral", "head",
                                           "--note", triggerPointNote, "--date", "2026-11-18T22:10:00Z"]).lastWord
        let needling = try run(store, ["record", "technique", patient, "--technique", "dry-needling", "--region", "neck", "--minutes", "40",
                                       "--note", "2 needles R UT, LTR x2, consent verbal", "--date", "2026-11-18T22:15:00Z"]).lastWord
        _ = try run(store, ["record", "pain", patient, "--score", "4", "--region", "neck", "--context", "post", "--date", "2026-11-18T22:45:00Z"])
        _ = try run(store, ["visit", "end", patient, "--note", "Heat packs; stretches twice daily\nReview in one week", "--date", "2026-11-18T22:50:00Z"])
        _ = try run(store, ["visit", "start", patient, "--reason", "Follow-up: neck better", "--date", "2026-11-26T22:00:00Z"])
        _ = try run(store, ["record", "pain", patient, "--score", "4", "--region", "neck", "--context", "pre", "--date", "2026-11-26T22:05:00Z"])
        _ = try run(store, ["resolve", triggerPoint, "--note", "no longer tender"])
        _ = try run(store, ["record", "technique", patient, "--technique", "myofascial-release", "--region", "neck", "--minutes", "20",
                            "--date", "2026-11-26T22:10:00Z"])
        _ = try run(store, ["record", "pain", patient, "--score", "2", "--region", "neck", "--context", "post", "--date", "2026-11-26T22:35:00Z"])
        _ = try run(store, ["visit", "end", patient, "--note", "Continue stretches", "--date", "2026-11-26T22:40:00Z"])
        _ = try run(store, ["correct", needling, "--minutes", "50", "--reason", "timer said 50"], as: "other.myo")
        return Consultations(store: store, patient: patient, needling: needling, triggerPoint: triggerPoint)
    }

    /// When `event` (an amendment or entry id) was recorded, from the patient's timeline.
    func recordedAt(_ c: Consultations, type: String) throws -> Timestamp {
        let lines = try json(c.store, ["timeline", c.patient]).arrayValue ?? []
        let line = try #require(lines.compactMap(\.objectValue).last { $0["type"]?.stringValue == type })
        return try #require(line["recordedAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:)))
    }
}
