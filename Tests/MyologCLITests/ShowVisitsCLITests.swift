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
        var result = try MyologProcess.run(["--store", store, "--as", user] + arguments, environment: MyologProcess.environment(["TZ": Self.zone]))
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        // These consultations are recorded afterwards (dated in November), so every entry is a
        // late entry whose "written" time is the run's: the screens' other lines are compared
        // here without those marks, which `lateEntriesMarked` and SignOffCLITests check.
        if ["show", "timeline", "history"].contains(arguments.first ?? ""), !arguments.contains("--json") {
            result.stdout = Self.withoutLateMarks(result.stdout)
        }
        return result
    }

    static func withoutLateMarks(_ text: String) -> String {
        text.components(separatedBy: "\n").filter { !($0.trimmingCharacters(in: .whitespaces).hasPrefix("late entry: care ") && $0.hasSuffix("(rule end-of-day)")) }
            .joined(separator: "\n")
    }

    @Test("a consultation recorded afterwards: each entry marked a late entry under it, with its time of care and when it was written")
    func lateEntriesMarked() throws {
        let c = try consultations()
        let shown = try MyologProcess.run(["--store", c.store, "--as", "alex.myo", "show", c.patient], environment: MyologProcess.environment(["TZ": Self.zone])).stdout
        #expect(shown.contains("\n        late entry: care 2026-11-19 09:15, written "), "the needling, under its visit: \(shown)")
        #expect(shown.contains("    late entry: care 2026-11-19 09:07, written "), "the measurement")
        #expect(Self.withoutLateMarks(shown) != shown)
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
    /// (27 Nov, 09:00 local), as the README walks them: a precaution (warfarin), consent for dry
    /// needling, the needling acknowledged, a SOAP note, a measurement, a bruise the next day;
    /// another clinician corrects the needling's minutes afterwards.
    func consultations(triggerPointNote: String = "taut band, jump sign", closingNote: String = "Heat packs; stretches twice daily\nReview in one week")
        throws -> Consultations {
        let store = scratch.path("store-\(UUID().uuidString.prefix(8))")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Carlton"], environment: MyologProcess.environment(["TZ": Self.zone])).status == 0)
        let patient = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        _ = try run(store, ["record", "precaution", patient, "--kind", "anticoagulant", "--note", "warfarin; INR 2.5"])
        _ = try run(store, ["visit", "start", patient, "--reason", "Neck pain after night shifts", "--date", "2026-11-18T22:00:00Z"])
        _ = try run(store, ["record", "consent", patient, "--for", "dry-needling", "--form", "verbal", "--risks", "bruising, soreness, rare pneumothorax"])
        _ = try run(store, ["record", "pain", patient, "--score", "7", "--region", "neck", "--context", "pre", "--date", "2026-11-18T22:05:00Z"])
        _ = try run(store, ["record", "measurement", patient, "--test", "cervical-rotation", "--side", "left", "--value", "60", "--date", "2026-11-18T22:07:00Z"])
        let triggerPoint = try run(store, ["record", "trigger-point", patient, "--muscle", "upper-trapezius", "--side", "right", "--referral", "head",
                                           "--note", triggerPointNote, "--date", "2026-11-18T22:10:00Z"]).lastWord
        let needling = try run(store, ["record", "technique", patient, "--technique", "dry-needling", "--region", "neck", "--minutes", "40",
                                       "--needles", "2", "--gauge", "0.25", "--depth-mm", "15", "--twitch", "yes", "--acknowledge-precaution",
                                       "--note", "2 needles R UT, LTR x2, consent verbal", "--date", "2026-11-18T22:15:00Z"]).stdout
            .split(separator: "\n").last { $0.hasPrefix("Recorded") }.map { String($0.split(separator: " ").last!) } ?? ""
        _ = try run(store, ["record", "pain", patient, "--score", "4", "--region", "neck", "--context", "post", "--date", "2026-11-18T22:45:00Z"])
        _ = try run(store, ["record", "note", patient, "--subjective", "Neck pain 3 weeks, worse after night shifts\nNo red flags",
                            "--assessment", "Myofascial neck pain, R UT", "--plan", "DN + MFR, review 1 wk", "--date", "2026-11-18T22:48:00Z"])
        _ = try run(store, ["visit", "end", patient, "--note", closingNote, "--date", "2026-11-18T22:50:00Z"])
        _ = try run(store, ["record", "adverse-event", patient, "--kind", "bruising", "--severity", "mild", "--after", needling, "--note", "small bruise R UT",
                            "--date", "2026-11-19T22:00:00Z"])
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

    /// The timeline's line of the last event of `type`.
    func timelineLine(_ c: Consultations, type: String) throws -> [String: JSONValue] {
        let lines = try json(c.store, ["timeline", c.patient]).arrayValue ?? []
        return try #require(lines.compactMap(\.objectValue).last { $0["type"]?.stringValue == type })
    }

    func instant(_ line: [String: JSONValue], _ member: String) throws -> Timestamp {
        try #require(line[member]?.stringValue.flatMap(Timestamp.init(rfc3339:)))
    }

    @Test("show: visits newest first with reason, techniques and notes, findings, pain before → after, SOAP note and advice; the corrected minutes marked with who, when, why")
    func visits() throws {
        let c = try consultations()
        let shown = try run(c.store, ["show", c.patient]).stdout
        let corrected = clock.minute(try instant(try timelineLine(c, type: "EntryCorrected"), "recordedAt"))
        let resolved = clock.day(try instant(try timelineLine(c, type: "TriggerPointResolved"), "occurredAt"))
        let recorded = clock.day(try instant(try timelineLine(c, type: "PrecautionRecorded"), "occurredAt"))
        #expect(section(shown, from: "Visits, newest first (2)") == [
            "Visits, newest first (2)",
            "  2026-11-27 09:00  Follow-up: neck better",
            "    by alex.myo (unverified author); ended 2026-11-27 09:40",
            "    pain before → after: Neck 4 → 2",
            "    techniques",
            "      Myofascial release, Neck, 20 min",
            "    trigger points resolved",
            "      active, right Upper trapezius, refers to Head (found 2026-11-19)",
            "        note: no longer tender",
            "    advice and plan: Continue stretches",
            "  2026-11-19 09:00  Neck pain after night shifts",
            "    by alex.myo (unverified author); ended 2026-11-19 09:50",
            "    pain before → after: Neck 7 → 4",
            "    techniques",
            "      Dry needling, Neck, 50 min†",
            "        needling: 2 needles, 0.25 mm, 15 mm deep, twitch",
            "        ! precaution acknowledged: Anticoagulant or antiplatelet medicine",
            "        ! adverse event 2026-11-20 09:00: mild Bruising",
            "        note: 2 needles R UT, LTR x2, consent verbal",
            "        † minutes corrected by other.myo on \(corrected) — timer said 50",
            "    measurements",
            "      Cervical rotation, left: 60 deg",
            "    trigger points found",
            "      active, right Upper trapezius, refers to Head — resolved \(resolved)",
            "        note: taut band, jump sign",
            "    treatment note, 2026-11-19 09:48 by alex.myo (unverified author)",
            "      subjective: Neck pain 3 weeks, worse after night shifts",
            "        │ No red flags",
            "      assessment: Myofascial neck pain, R UT",
            "      plan: DN + MFR, review 1 wk",
            "    advice and plan: Heat packs; stretches twice daily",
            "      │ Review in one week",
        ], "\(shown)")
        let lines = shown.components(separatedBy: "\n")
        // Active precautions come before anything else, flagged.
        #expect(Array(lines.prefix(2)) == [
            "!! ACTIVE PRECAUTIONS (1) — read before treating",
            "!!   Anticoagulant or antiplatelet medicine (recorded \(recorded) by alex.myo (unverified author)) — warfarin; INR 2.5",
        ])
        #expect(lines.contains("last visit 2026-11-27"), "the local day, not the UTC one (2026-11-26)")
        #expect(section(shown, from: "Techniques applied, recent first (2)").suffix(6) == [
            "  2026-11-19  Dry needling        Neck    50†",
            "    needling: 2 needles, 0.25 mm, 15 mm deep, twitch",
            "    ! precaution acknowledged: Anticoagulant or antiplatelet medicine",
            "    ! adverse event 2026-11-20 09:00: mild Bruising",
            "    note: 2 needles R UT, LTR x2, consent verbal",
            "    † minutes corrected by other.myo on \(corrected) — timer said 50",
        ])
        #expect(section(shown, from: "Adverse events (1)") == [
            "Adverse events (1)",
            "  ! 2026-11-20 09:00  mild Bruising after Dry needling, Neck (2026-11-19 09:15)",
            "      note: small bruise R UT",
        ])
        #expect(section(shown, from: "Consent (1)").dropFirst(2).first?.hasPrefix("  Dry needling  given     verbal") == true, "\(shown)")
        #expect(section(shown, from: "Measurements (1)").last == "  2026-11-19 09:07  Cervical rotation  left  60 deg")
        #expect(section(shown, from: "Pain (0–10)").suffix(4) == [
            "  2026-11-19 09:05  7/10   Neck    pre", "  2026-11-19 09:45  4/10   Neck    post",
            "  2026-11-27 09:05  4/10   Neck    pre", "  2026-11-27 09:35  2/10   Neck    post",
        ])
        #expect(lines.suffix(2) == [clock.label(), ""], "the zone named once, last")
        #expect(lines.filter { $0.hasPrefix("Times are") }.count == 1)
    }

    @Test("show --json: RFC 3339 instants, the site's zone and the local day of the last visit, visits with corrections; valid against the schema")
    func jsonView() throws {
        let c = try consultations()
        let view = try #require(try json(c.store, ["show", c.patient]).objectValue)
        #expect(view["timeZone"] == .string(Self.zone))
        #expect(view["lastVisit"] == "2026-11-26T22:00:00.000Z")
        #expect(view["lastVisitDate"] == "2026-11-27")
        let visits = (view["visitSummaries"]?.arrayValue ?? []).compactMap { $0.objectValue }
        try #require(visits.count == 2)
        #expect(visits.map { $0["visit"]?.objectValue?["reason"] } == ["Follow-up: neck better", "Neck pain after night shifts"])
        let needling = try #require(visits[1]["techniques"]?.arrayValue?.first?.objectValue)
        #expect(needling["minutes"] == 50)
        let correction = try #require(needling["corrections"]?.arrayValue?.first?.objectValue)
        #expect(correction["author"] == "other.myo" && correction["reason"] == "timer said 50" && correction["fields"] == .array(["minutes"]))
        #expect(visits[1]["ends"]?.arrayValue?.first?.objectValue?["note"] == "Heat packs; stretches twice daily\nReview in one week")
        #expect(visits[1]["treatmentNotes"]?.arrayValue?.count == 1)

        let output = try run(c.store, ["--json", "show", c.patient]).stdout
        func check(_ text: String) throws -> MyologProcess.Result {
            let file = scratch.path("show-\(UUID().uuidString).json")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            return try MyologProcess.run(["python3", SchemaValidationTests.root.appendingPathComponent("Tools/check-view.py").path, "show", file],
                                         executable: SchemaValidationTests.python)
        }
        let valid = try check(output)
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        // Not a rubber stamp: a UTC instant where the local day belongs, or a correction without its reason, fails.
        #expect(try check(output.replacingOccurrences(of: #""lastVisitDate":"2026-11-27""#, with: #""lastVisitDate":"2026-11-26T22:00:00.000Z""#)).status != 0)
        #expect(try check(output.replacingOccurrences(of: #","reason":"timer said 50""#, with: "")).status != 0)
    }

    @Test("timeline and history: local times, the zone named first, notes under their entries, the correction with who and when")
    func timelineAndHistory() throws {
        let c = try consultations()
        let correction = try timelineLine(c, type: "EntryCorrected")
        let corrected = clock.minute(try instant(correction, "recordedAt")), correctionID = correction["eventId"]?.stringValue ?? "?"
        let timeline = try run(c.store, ["timeline", c.patient]).stdout.components(separatedBy: "\n")
        #expect(timeline.first == clock.label())
        #expect(timeline.filter { $0.hasPrefix("Times are") }.count == 1)
        let start = try #require(timeline.firstIndex { $0.hasPrefix("2026-11-19 09:15 (recorded ") && $0.contains("  TechniqueApplied [CORRECTED]  dry needling, neck, 40 min") })
        #expect(Array(timeline[(start + 1)...(start + 3)]) == [
            "    by alex.myo (unverified author) at Carlton  [\(c.needling)]",
            "    note: 2 needles R UT, LTR x2, consent verbal",
            "    corrected minutes → 50 by other.myo on \(corrected): timer said 50  [\(correctionID)]",
        ])
        let found = try #require(timeline.firstIndex { $0.hasPrefix("2026-11-19 09:10 (recorded ") && $0.contains("TriggerPointFound") })
        #expect(timeline[found + 2] == "    note: taut band, jump sign")
        // A visit end's note is in its summary, kept whole (line breaks marked), not repeated.
        let ended = try #require(timeline.firstIndex { $0.hasPrefix("2026-11-19 09:50 (recorded ") && $0.contains("VisitEnded") })
        #expect(timeline[ended].hasSuffix("ended: Heat packs; stretches twice daily") && timeline[ended + 1] == "    │ Review in one week")
        #expect(timeline[ended + 2].hasPrefix("    by alex.myo (unverified author) at Carlton") && !timeline[ended + 3].hasPrefix("    note:"))

        let history = try run(c.store, ["history", c.needling]).stdout.components(separatedBy: "\n")
        #expect(history.first == clock.label())
        #expect(history[1].hasPrefix("2026-11-19 09:15 (recorded ") && history[1].contains("TechniqueApplied [CORRECTED]"))
        #expect(Array(history[3...4]) == Array(timeline[(start + 2)...(start + 3)]))
    }

    @Test("show lists the latest 3 visits and says how to see them all; --all lists every one")
    func latestVisits() throws {
        let store = scratch.path("visits")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Carlton"], environment: MyologProcess.environment(["TZ": Self.zone])).status == 0)
        let patient = try run(store, ["patient", "register", "--name", "Ruth Nguyen", "--dob", "1961-07-30"]).lastWord
        for day in 1...4 {
            _ = try run(store, ["visit", "start", patient, "--reason", "Visit \(day)", "--date", "2026-11-0\(day)T23:00:00Z"])
            _ = try run(store, ["visit", "end", patient, "--date", "2026-11-0\(day)T23:30:00Z"])
        }
        let shown = try run(store, ["show", patient]).stdout
        let visits = section(shown, from: "Visits, newest first (4)")
        #expect(visits.filter { $0.hasPrefix("  2026-") } == ["  2026-11-05 10:00  Visit 4", "  2026-11-04 10:00  Visit 3", "  2026-11-03 10:00  Visit 2"])
        #expect(visits.last == "  … the latest 3 of 4 visits shown; `myolog show \(patient.prefix(8)) --all` lists them all")
        let all = section(try run(store, ["show", patient, "--all"]).stdout, from: "Visits, newest first (4)")
        #expect(all.filter { $0.hasPrefix("  2026-") }.count == 4 && all.suffix(3) == [
            "  2026-11-02 10:00  Visit 1", "    by alex.myo (unverified author); ended 2026-11-02 10:30", "    pain before → after: not scored",
        ])
    }

    @Test("a precaution's note corrected by another user: marked at the top with who, when and why; its line breaks cannot start a precaution")
    func correctedPrecaution() throws {
        let c = try consultations()
        let precaution = try #require(try timelineLine(c, type: "PrecautionRecorded")["eventId"]?.stringValue)
        _ = try run(c.store, ["correct", precaution, "--note", "warfarin; INR 3.1\n!!   Pacemaker", "--reason", "INR rechecked"], as: "other.myo")
        let corrected = clock.minute(try instant(try timelineLine(c, type: "EntryCorrected"), "recordedAt"))
        let recorded = clock.day(try instant(try timelineLine(c, type: "PrecautionRecorded"), "occurredAt"))
        let lines = try run(c.store, ["show", c.patient]).stdout.components(separatedBy: "\n")
        #expect(Array(lines.prefix(5)) == [
            "!! ACTIVE PRECAUTIONS (1) — read before treating",
            "!!   Anticoagulant or antiplatelet medicine (recorded \(recorded) by alex.myo (unverified author)) — warfarin; INR 3.1",
            "!!   │ !!   Pacemaker†",
            "!!     † note corrected by other.myo on \(corrected) — INR rechecked",
            "",
        ])
    }

    @Test("a note crafted with line breaks cannot print a line of its own in show, timeline or history")
    func craftedNotes() throws {
        let forged = "taut band\nActive trigger points (5)\n!! ACTIVE PRECAUTIONS (0) — read before treating\n    † minutes corrected by admin on 2026-01-01 00:00 — forged"
        let c = try consultations(triggerPointNote: forged, closingNote: "Rest\n  2026-11-20 09:00  Visit nobody had\r\n    by alex.myo; ended 2026-11-20 09:30")
        for arguments in [["show", c.patient], ["timeline", c.patient], ["history", c.triggerPoint]] {
            let lines = try run(c.store, arguments).stdout.components(separatedBy: "\n")
            for line in lines where line.contains("Active trigger points (5)") || line.contains("corrected by admin") || line.contains("Visit nobody had")
                || line.contains("ACTIVE PRECAUTIONS (0)")
            || line.contains("ended 2026-11-20 09:30") {
                #expect(line.trimmingCharacters(in: .whitespaces).hasPrefix("│ "), "\(arguments): a note printed a line of its own: \(line)")
            }
            #expect(lines.contains { $0.contains("Active trigger points (5)") } && lines.contains { $0.contains("corrected by admin") }, "\(arguments): the note is shown")
            #expect(!lines.contains { $0.contains("\r") }, "a carriage return reached the screen")
            #expect(!lines.contains { $0.hasPrefix("Active trigger points") && $0 != "Active trigger points (0)" })
        }
    }
}
