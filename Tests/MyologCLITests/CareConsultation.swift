import Foundation
import Testing

/// A first consultation recorded through the CLI as a Melbourne myotherapist would, with every
/// record of care — a precaution (warfarin), consent to dry needling, a SOAP treatment note,
/// measurements, needling acknowledged past the precaution, an adverse event after it, the visit
/// closed, written consent to cupping — and typed texts that are markup, which every page and
/// export must carry as text.
struct CareConsultation {
    static let environment = MyologProcess.environment(["TZ": "Australia/Melbourne"])
    static let precautionNote = "Warfarin 5 mg <b>daily</b>; INR 2.5"
    static let risks = "bruising, soreness <script>alert(1)</script>, pneumothorax"
    static let subjective = "Neck pain 3 weeks,\nworse at the desk"
    static let objective = #"</dd></dl><h2 class="fake">Objective</h2>Reduced rotation"#
    static let assessment = "Myofascial neck pain (R upper trapezius)"
    static let plan = "Dry needling; review in 1 week"
    static let measurementNote = "Pain at end of range"
    static let techniqueNote = "R UT, LTR x2"
    static let adverseNote = #"<img src="http://example.invalid/x.png" id="ae-img">2 cm bruise R UT"#
    /// Every typed text, as typed.
    static var texts: [String] { [precautionNote, risks, subjective, objective, assessment, plan, measurementNote, techniqueNote, adverseNote] }

    let store: String
    let patient: String
    let technique: String
    let precaution: String

    /// Runs the consultation in a new store at `store`.
    static func record(in store: String) throws -> CareConsultation {
        func run(_ arguments: [String]) throws -> MyologProcess.Result {
            let result = try MyologProcess.run(["--store", store] + arguments, environment: environment)
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
        _ = try run(["init", "--site", "Carlton"])
        let patient = try run(["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        let recorded = try run(["record", "precaution", patient, "--kind", "anticoagulant", "--note", precautionNote])
        let precaution = try #require(recorded.stdout.firstMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/)).0
        _ = try run(["visit", "start", patient, "--reason", "Neck pain"])
        _ = try run(["record", "consent", patient, "--for", "dry-needling", "--form", "verbal", "--risks", risks])
        _ = try run(["record", "note", patient, "--subjective", subjective, "--objective", objective, "--assessment", assessment, "--plan", plan])
        _ = try run(["record", "measurement", patient, "--test", "cervical-rotation", "--side", "left", "--value", "70", "--unit", "deg", "--note", measurementNote])
        _ = try run(["record", "measurement", patient, "--test", "spurling", "--side", "right", "--result", "positive"])
        let needled = try run(["record", "technique", patient, "--technique", "dry-needling", "--region", "neck", "--minutes", "10", "--needles", "4",
                               "--gauge", "0.25", "--depth-mm", "15", "--twitch", "yes", "--acknowledge-precaution", "--note", techniqueNote])
        let technique = try #require(needled.stdout.firstMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/)).0
        _ = try run(["record", "adverse-event", patient, "--kind", "bruising", "--severity", "mild", "--after", String(technique), "--note", adverseNote])
        _ = try run(["visit", "end", patient, "--note", "Review in 1 week"])
        _ = try run(["record", "consent", patient, "--for", "cupping", "--form", "written"])
        return CareConsultation(store: store, patient: patient, technique: String(technique), precaution: String(precaution))
    }
}
