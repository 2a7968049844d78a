import EventModel
import Foundation
import GRDB
import MyologTestSupport
import Testing

/// The records of care through the built binary: notes, consent, precautions, adverse events,
/// measurements and needling details recorded and shown in `show --json`; every bad input from
/// issue 30 refused in one line naming the field, non-zero exit, the log unchanged.
@Suite("Records of care on the command line")
struct CareCLITests {
    let scratch = TemporaryDirectory("cli")

    /// A store with one patient, Mia, and an open visit.
    func clinic() throws -> (store: String, patient: String) {
        let store = scratch.path("clinic")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Fitzroy"]).status == 0)
        let registered = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"])
        #expect(try run(store, ["visit", "start", registered.lastWord, "--reason", "Neck pain"]).status == 0)
        return (store, registered.lastWord)
    }

    @discardableResult
    func run(_ store: String, _ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["--store", store, "--as", "alex"] + arguments)
    }

    /// Every stored event, read with SQLite itself (`log` would record its own access).
    func logBytes(_ store: String) throws -> [String] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try Row.fetchAll($0, sql: "SELECT * FROM events ORDER BY position").map(\.description) }
    }

    func show(_ store: String, _ patient: String) throws -> [String: JSONValue] {
        let shown = try run(store, ["show", patient, "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        return try JSONParser.parse(shown.stdout).objectValue ?? [:]
    }

    @Test("a visit with every record of care, as show --json has it")
    func everyRecord() throws {
        let (store, patient) = try clinic()
        let history = try run(store, ["record", "history", patient, "--kind", "medication", "--text", "Xarelto 20 mg daily"])
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stderr.contains("Suggestion: rivaroxaban is an anticoagulant; record the precaution with `myolog record precaution \(patient) --kind anticoagulant`"),
                "\(history.stdout)")
        let precaution = try run(store, ["record", "precaution", patient, "--kind", "anticoagulant", "--note", "Rivaroxaban for AF"])
        #expect(precaution.status == 0 && precaution.stdout.hasPrefix("Recorded precaution: "), "\(precaution.stderr)")
        let consent = try run(store, ["record", "consent", patient, "--for", "dry needling", "--form", "verbal", "--risks", "Bruising, soreness; pneumothorax (rare)"])
        #expect(consent.status == 0, "\(consent.stderr)")
        let needled = try run(store, ["record", "technique", patient, "--technique", "dry-needling", "--region", "neck", "--needles", "2", "--gauge", ".25",
                                      "--depth-mm", "15", "--twitch", "yes", "--acknowledge-precaution"])
        #expect(needled.status == 0, "\(needled.stderr)")
        #expect(needled.stderr.contains("Precaution acknowledged: anticoagulant: caution — ") && needled.stderr.contains(precaution.lastWord), "\(needled.stderr)")
        #expect(needled.stdout.split(separator: "\n").count == 1, "stdout is the new id alone: \(needled.stdout)")
        let technique = try #require(needled.stdout.split(separator: "\n").first.map { String($0.split(separator: " ").last!) })
        for arguments in [
            ["record", "note", patient, "--subjective", "Neck pain 3 weeks\nworse at the laptop", "--plan", "Review in 2 weeks"],
            ["record", "measurement", patient, "--test", "cervical rotation", "--side", "right", "--value", "55"],
            ["record", "measurement", patient, "--test", "spurling", "--side", "right", "--result", "negative"],
            ["record", "adverse-event", patient, "--kind", "bruising", "--severity", "mild", "--after", technique, "--note", "Small bruise"],
            ["record", "consent", patient, "--withdrawn", "--for", "dry-needling", "--note", "Prefers no needling"],
        ] {
            let result = try run(store, arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(EventID(result.lastWord) != nil, "\(arguments): \(result.stdout)")
        }
        let view = try show(store, patient)
        let notes = view["treatmentNotes"]?.arrayValue ?? []
        #expect(notes.count == 1 && notes.first?.objectValue?["subjective"] == "Neck pain 3 weeks\nworse at the laptop")
        let consents = view["consents"]?.arrayValue ?? []
        #expect(consents.count == 1 && consents.first?.objectValue?["decision"] == "withdrawn", "the withdrawal stands: \(consents)")
        let precautions = view["activePrecautions"]?.arrayValue ?? []
        #expect(precautions.first?.objectValue?["kind"] == "anticoagulant" && precautions.first?.objectValue?["eventId"] == .string(precaution.lastWord))
        let adverse = view["adverseEvents"]?.arrayValue?.first?.objectValue
        #expect(adverse?["kind"] == "bruising" && adverse?["technique"]?.objectValue?["eventId"] == .string(technique), "\(String(describing: adverse))")
        let measurements = view["measurements"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(measurements.map { $0["value"] ?? $0["result"] } == ["55", "negative"] && measurements.first?["unit"] == "deg")
        let needling = view["techniques"]?.arrayValue?.first?.objectValue
        #expect(needling?["needles"] == 2 && needling?["gauge"] == "0.25" && needling?["depthMm"] == 15 && needling?["twitch"] == true)
        #expect(needling?["acknowledgedPrecautions"] == .array([.string(precaution.lastWord)]))
        let listed = try run(store, ["patients", "--json"])
        #expect(try JSONParser.parse(listed.stdout).arrayValue?.first?.objectValue?["adverseEvents"] == 1, "\(listed.stdout)")
        // Resolved like a trigger point: no longer active.
        let resolved = try run(store, ["resolve", precaution.lastWord, "--note", "Stopped"])
        #expect(resolved.status == 0 && resolved.stdout.hasPrefix("Precaution resolved: "), "\(resolved.stderr)")
        #expect(try show(store, patient)["activePrecautions"] == .array([]))
        // `query` reads the new tables.
        let query = try run(store, ["query", "SELECT kind, active FROM precautions"])
        #expect(query.status == 0 && query.stdout.contains("anticoagulant"), "\(query.stdout)\(query.stderr)")
    }

    /// One bad input: arguments ($P: the patient, $T: a technique entry, $N: a pain score entry,
    /// $C: a cupping entry), what the line must name, and the exit code.
    struct BadInput: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var names: [String]
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "consent for an unknown technique", arguments: ["record", "consent", "$P", "--for", "reiki", "--form", "verbal"], names: ["reiki", "dry-needling"]),
        BadInput(name: "consent with no form", arguments: ["record", "consent", "$P", "--for", "cupping"], names: ["form:", "verbal"]),
        BadInput(name: "adverse event after a pain score", arguments: ["record", "adverse-event", "$P", "--kind", "bruising", "--severity", "mild", "--after", "$N"],
                 names: ["after:", "TechniqueApplied"]),
        BadInput(name: "adverse event of an unknown kind", arguments: ["record", "adverse-event", "$P", "--kind", "sneezing", "--severity", "mild", "--after", "$T"],
                 names: ["kind", "bruising"]),
        BadInput(name: "adverse event of no severity we know", arguments: ["record", "adverse-event", "$P", "--kind", "bruising", "--severity", "awful", "--after", "$T"],
                 names: ["severity", "mild, moderate, severe"]),
        BadInput(name: "precaution kind not in the vocabulary", arguments: ["record", "precaution", "$P", "--kind", "hangover"], names: ["kind", "anticoagulant"]),
        BadInput(name: "a note with no section", arguments: ["record", "note", "$P"], names: ["note:", "subjective, objective, assessment, plan"]),
        BadInput(name: "an acknowledgement with no active precaution",
                 arguments: ["record", "technique", "$P", "--technique", "exercise-prescription", "--region", "neck", "--acknowledge-precaution"],
                 names: ["acknowledgement:", "no active precaution"]),
        BadInput(name: "needling details on cupping", arguments: ["record", "technique", "$P", "--technique", "cupping", "--region", "hip", "--needles", "2"],
                 names: ["needles:", "dry-needling"]),
        BadInput(name: "a twitch that is not yes or no",
                 arguments: ["record", "technique", "$P", "--technique", "dry-needling", "--region", "neck", "--twitch", "maybe"], names: ["twitch", "yes or no"]),
        BadInput(name: "a gauge out of range", arguments: ["record", "technique", "$P", "--technique", "dry-needling", "--region", "neck", "--gauge", "0.5"],
                 names: ["gauge", "0.16 to 0.40"]),
        BadInput(name: "a technique needing consent without one", arguments: ["record", "technique", "$P", "--technique", "dry-needling", "--region", "neck"],
                 names: ["technique:", "record consent", "--for dry-needling"]),
        BadInput(name: "a measurement without a value or result", arguments: ["record", "measurement", "$P", "--test", "slr"], names: ["value", "--result"]),
        BadInput(name: "a value that is not a number", arguments: ["record", "measurement", "$P", "--test", "slr", "--value", "sixty"], names: ["value", "12.5"]),
        BadInput(name: "a special test given a value", arguments: ["record", "measurement", "$P", "--test", "slump", "--value", "3"], names: ["value", "special test"]),
        BadInput(name: "a measurement in a unit the test is not taken in", arguments: ["record", "measurement", "$P", "--test", "slr", "--value", "60", "--unit", "kg"],
                 names: ["unit", "deg"]),
        BadInput(name: "resolving a technique as a precaution", arguments: ["resolve", "$T"], names: ["event:", "PrecautionRecorded"]),
        BadInput(name: "a duplicate patient", arguments: ["patient", "register", "--name", "mia  thompson", "--dob", "1988-04-12"],
                 names: ["patient:", "already registered", "$P", "--new-patient"]),
    ]

    @Test("bad input: one line naming the field and what is accepted, non-zero exit, the log unchanged", arguments: badInputs)
    func badInput(_ bad: BadInput) throws {
        let (store, patient) = try clinic()
        let technique = try run(store, ["record", "technique", patient, "--technique", "trigger-point-pressure", "--region", "neck"]).lastWord
        let pain = try run(store, ["record", "pain", patient, "--score", "5", "--region", "neck"]).lastWord
        let before = try logBytes(store)
        func resolved(_ text: String) -> String {
            text.replacingOccurrences(of: "$P", with: patient).replacingOccurrences(of: "$T", with: technique).replacingOccurrences(of: "$N", with: pain)
        }
        let result = try run(store, bad.arguments.map(resolved))
        #expect(result.status != 0, "\(bad.name) was accepted: \(result.stdout)")
        #expect(result.stderr.hasPrefix("myolog: error: ") && result.stderr.split(separator: "\n").count == 1, "\(bad.name): \(result.stderr)")
        for name in bad.names.map(resolved) { #expect(result.stderr.contains(name), "\(bad.name) should name \(name): \(result.stderr)") }
        #expect(result.stdout.isEmpty)
        #expect(try logBytes(store) == before, "\(bad.name) changed the log")
    }

    @Test("a different person of the same name and birthday is registered with --new-patient")
    func newPatient() throws {
        let (store, patient) = try clinic()
        let second = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12", "--new-patient"])
        #expect(second.status == 0 && second.lastWord != patient, "\(second.stderr)")
        let third = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"])
        #expect(third.status != 0 && third.stderr.contains(patient) && third.stderr.contains(second.lastWord), "\(third.stderr)")
    }

    @Test("a technique an active precaution cautions is refused with the alert and how to go ahead")
    func precautionAlert() throws {
        let (store, patient) = try clinic()
        let precaution = try run(store, ["record", "precaution", patient, "--kind", "lymphoedema", "--note", "Left arm"]).lastWord
        #expect(try run(store, ["record", "consent", patient, "--for", "cupping", "--form", "written"]).status == 0)
        let before = try logBytes(store)
        let refused = try run(store, ["record", "technique", patient, "--technique", "cupping", "--region", "upper-arm"])
        #expect(refused.status != 0 && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("lymphoedema: contraindication") && refused.stderr.contains(precaution), "\(refused.stderr)")
        #expect(refused.stderr.contains("add --acknowledge-precaution"), "\(refused.stderr)")
        #expect(try logBytes(store) == before)
        let json = try run(store, ["--json", "record", "technique", patient, "--technique", "cupping", "--region", "upper-back", "--acknowledge-precaution"])
        #expect(json.status == 0 && json.stdout.hasPrefix("{\"eventId\":"), "stdout stays one JSON document: \(json.stdout)")
        #expect(json.stderr.contains("Precaution acknowledged: lymphoedema"), "\(json.stderr)")
    }

    @Test("the records of care are corrected like any entry: needling details, a measurement; a consent decision is not, nor needles on cupping")
    func corrections() throws {
        let (store, patient) = try clinic()
        #expect(try run(store, ["record", "consent", patient, "--for", "dry-needling", "--form", "verbal"]).status == 0)
        let needled = try run(store, ["record", "technique", patient, "--technique", "dry-needling", "--region", "neck", "--needles", "2"]).lastWord
        let measured = try run(store, ["record", "measurement", patient, "--test", "slr", "--value", "60"]).lastWord
        let consent = try run(store, ["record", "consent", patient, "--for", "cupping", "--form", "verbal"]).lastWord
        for arguments in [[needled, "--needles", "3", "--twitch", "yes"], [measured, "--value", "65.5"], [consent, "--risks", "Marks for a week"]] {
            let corrected = try run(store, ["correct"] + arguments + ["--reason", "Recorded wrongly"])
            #expect(corrected.status == 0, "\(arguments): \(corrected.stderr)")
        }
        let view = try show(store, patient)
        let technique = view["techniques"]?.arrayValue?.first?.objectValue
        #expect(technique?["needles"] == 3 && technique?["twitch"] == true && technique?["correctedBy"]?.arrayValue?.count == 1, "\(String(describing: technique))")
        #expect(view["measurements"]?.arrayValue?.first?.objectValue?["value"] == "65.5")
        let cupping = try run(store, ["record", "technique", patient, "--technique", "cupping", "--region", "hip"]).lastWord
        let before = try logBytes(store)
        for (arguments, named) in [([consent, "--technique", "dry-needling"], "technique: not a field of ConsentRecorded; accepted: form, risks, note"),
                                   ([consent, "--form", "sung"], "form"), ([measured, "--value", "1e3"], "value"), ([cupping, "--needles", "2"], "needles")] {
            let refused = try run(store, ["correct"] + arguments + ["--reason", "x"])
            #expect(refused.status != 0 && refused.stderr.contains(named) && refused.stderr.split(separator: "\n").count == 1, "\(arguments): \(refused.stderr)")
        }
        #expect(try logBytes(store) == before)
    }

    @Test("the vocabularies list consent, precaution kinds and measurement tests")
    func vocabulary() throws {
        let techniques = try MyologProcess.run(["vocabulary", "techniques"])
        #expect(techniques.stdout.contains("needs recorded consent: invasive"), "\(techniques.stdout)")
        let tests = try MyologProcess.run(["vocabulary", "measurement-tests"])
        #expect(tests.stdout.contains("cervical-rotation") && tests.stdout.contains("units: deg"), "\(tests.stdout)")
        let kinds = try MyologProcess.run(["vocabulary", "precaution-kinds"])
        #expect(kinds.status == 0 && kinds.stdout.contains("lymphoedema"))
    }
}
