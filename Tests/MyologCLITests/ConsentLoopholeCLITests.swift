import Foundation
import GRDB
import MyologTestSupport
import Testing

/// A way around consent and precaution alerts that a first version left open, tried through the
/// built binary: a correction turning an entry into a technique that needs consent or meets a
/// precaution. Each refusal is one line naming the field, a non-zero exit, and the log
/// unchanged; the honest way still works.
@Suite("Consent and precautions cannot be gone around")
struct ConsentLoopholeCLITests {
    let scratch = TemporaryDirectory("loophole")

    func run(_ store: String, _ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["--store", store, "--as", "alex"] + arguments, environment: MyologProcess.environment(["TZ": "UTC"]))
    }

    func events(_ store: String) throws -> [String] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT hash FROM events ORDER BY position") }
    }

    /// Runs `arguments`, expecting a one-line refusal naming `field`, and the log as it was.
    func refused(_ store: String, _ arguments: [String], field: String, saying text: String) throws {
        let before = try events(store)
        let result = try run(store, arguments)
        #expect(result.status != 0, "\(arguments) was accepted")
        #expect(result.stderr.hasPrefix("myolog: error: \(field): ") && result.stderr.contains(text), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(try events(store) == before, "\(arguments) wrote")
    }

    @Test("a correction to dry needling needs a consent that stands, and meets the precautions a new entry would")
    func corrections() throws {
        let store = scratch.path("clinic")
        #expect(try run(store, ["init", "--site", "Fitzroy", "--time-zone", "Australia/Melbourne"]).status == 0)
        let patient = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        let massage = try run(store, ["record", "technique", patient, "--technique", "deep-tissue-massage", "--region", "neck"]).lastWord
        try refused(store, ["correct", massage, "--technique", "dry-needling", "--reason", "wrong technique"], field: "technique",
                    saying: "is not applied without the patient's recorded consent")
        #expect(try run(store, ["record", "consent", patient, "--for", "dry-needling", "--form", "verbal", "--risks", "Bruising"]).status == 0)
        // With consent standing, and no precaution yet, the correction is what it says.
        let corrected = try run(store, ["correct", massage, "--technique", "dry-needling", "--reason", "wrong technique"])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        let heat = try run(store, ["record", "technique", patient, "--technique", "heat-therapy", "--region", "neck"]).lastWord
        #expect(try run(store, ["record", "precaution", patient, "--kind", "anticoagulant", "--note", "Warfarin"]).status == 0)
        try refused(store, ["correct", heat, "--technique", "dry-needling", "--reason", "wrong technique"], field: "technique",
                    saying: "retract the entry and record dry-needling anew with --acknowledge-precaution")
        // The honest way: a new entry, acknowledging the precaution.
        let needled = try run(store, ["record", "technique", patient, "--technique", "dry-needling", "--region", "neck", "--acknowledge-precaution"])
        #expect(needled.status == 0, "\(needled.stderr)")
    }

    @Test("an adverse event dated before the technique it followed is refused, on the site's clock")
    func adverseEventBeforeItsTechnique() throws {
        let store = scratch.path("clinic")
        #expect(try run(store, ["init", "--site", "Fitzroy", "--time-zone", "Australia/Melbourne"]).status == 0)
        let patient = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        let taping = try run(store, ["record", "technique", patient, "--technique", "taping", "--region", "neck", "--date", "2026-12-03 10:00"]).lastWord
        try refused(store, ["record", "adverse-event", patient, "--kind", "skin-reaction", "--severity", "mild", "--after", taping, "--date", "2026-12-02"],
                    field: "date", saying: "accepted: a time at or after the technique it followed (2026-12-03 10:00 +11:00)")
        let after = try run(store, ["record", "adverse-event", patient, "--kind", "skin-reaction", "--severity", "mild", "--after", taping, "--date", "2026-12-03 18:00"])
        #expect(after.status == 0, "\(after.stderr)")
        // A day alone means that day: the technique's own day is not "before" it.
        let sameDay = try run(store, ["record", "adverse-event", patient, "--kind", "skin-reaction", "--severity", "mild", "--after", taping, "--date", "2026-12-03"])
        #expect(sameDay.status == 0, "\(sameDay.stderr)")
    }

    @Test("an acknowledgement given for one technique's caution does not carry a correction to a technique the precaution contraindicates")
    func acknowledgementDoesNotCarry() throws {
        let store = scratch.path("clinic")
        #expect(try run(store, ["init", "--site", "Fitzroy", "--time-zone", "Australia/Melbourne"]).status == 0)
        let patient = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        #expect(try run(store, ["record", "precaution", patient, "--kind", "lymphoedema", "--note", "Left arm"]).status == 0)
        #expect(try run(store, ["record", "consent", patient, "--for", "dry-needling", "--form", "written", "--risks", "Bruising"]).status == 0)
        let massage = try run(store, ["record", "technique", patient, "--technique", "deep-tissue-massage", "--region", "upper-arm", "--acknowledge-precaution"])
        #expect(massage.status == 0 && massage.stderr.contains("Precaution acknowledged: lymphoedema: caution"), "\(massage.stderr)")
        #expect(massage.stdout.split(separator: "\n").count == 1, "stdout is the new id alone: \(massage.stdout)")
        try refused(store, ["correct", massage.lastWord, "--technique", "dry-needling", "--reason", "wrong technique"], field: "technique",
                    saying: "lymphoedema: contraindication")
    }
}
