import Foundation
import GRDB
import MyologTestSupport
import Testing

/// Ways around consent and precaution alerts that a first version left open, each tried through
/// the built binary: a correction turning an entry into a technique that needs consent or meets
/// a precaution, and a technique dated before the consent that stands. Each refusal is one line
/// naming the field, a non-zero exit, and the log unchanged; the honest way still works.
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

    @Test("a correction to dry needling needs a consent given before the entry, and meets the precautions a new entry would")
    func corrections() throws {
        let store = scratch.path("clinic")
        #expect(try run(store, ["init", "--site", "Fitzroy", "--time-zone", "Australia/Melbourne"]).status == 0)
        let patient = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        let massage = try run(store, ["record", "technique", patient, "--technique", "deep-tissue-massage", "--region", "neck"]).lastWord
        try refused(store, ["correct", massage, "--technique", "dry-needling", "--reason", "wrong technique"], field: "technique",
                    saying: "is not applied without the patient's recorded consent")
        #expect(try run(store, ["record", "consent", patient, "--for", "dry-needling", "--form", "verbal", "--risks", "Bruising"]).status == 0)
        // The massage was applied before the consent was given: correcting it to needling would
        // say needles went in without consent.
        try refused(store, ["correct", massage, "--technique", "dry-needling", "--reason", "wrong technique"], field: "date",
                    saying: "is before the patient's consent to it (given at ")
        let heat = try run(store, ["record", "technique", patient, "--technique", "heat-therapy", "--region", "neck"]).lastWord
        #expect(try run(store, ["record", "precaution", patient, "--kind", "anticoagulant", "--note", "Warfarin"]).status == 0)
        try refused(store, ["correct", heat, "--technique", "dry-needling", "--reason", "wrong technique"], field: "technique",
                    saying: "retract the entry and record dry-needling anew with --acknowledge-precaution")
        // The honest way: a new entry, acknowledging the precaution.
        let needled = try run(store, ["record", "technique", patient, "--technique", "dry-needling", "--region", "neck", "--acknowledge-precaution"])
        #expect(needled.status == 0, "\(needled.stderr)")
    }

    @Test("a technique dated before the consent is refused on the site's clock; a consent recorded with its own earlier date allows it")
    func backdated() throws {
        let store = scratch.path("clinic")
        #expect(try run(store, ["init", "--site", "Fitzroy", "--time-zone", "Australia/Melbourne"]).status == 0)
        let patient = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        #expect(try run(store, ["record", "consent", patient, "--for", "cupping", "--form", "written", "--risks", "Marks"]).status == 0)
        try refused(store, ["record", "technique", patient, "--technique", "cupping", "--region", "upper-back", "--date", "2026-11-02 10:00"], field: "date",
                    saying: "cupping applied at 2026-11-02 10:00 +11:00 is before the patient's consent to it")
        // Consent given on paper at the time, recorded afterwards with its date: the cupping then stands.
        #expect(try run(store, ["record", "consent", patient, "--for", "cupping", "--form", "written", "--risks", "Marks", "--date", "2026-11-02 09:50"]).status == 0)
        let cupped = try run(store, ["record", "technique", patient, "--technique", "cupping", "--region", "upper-back", "--date", "2026-11-02 10:00"])
        #expect(cupped.status == 0, "\(cupped.stderr)")
    }
}
