import ArgumentParser
import ClinicalEvents
import ClinicalLog
import ClinicalReport
import EventLog
import Foundation
import ClinicalFold
import Projections
import EventModel

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a patient's progress report: one self-contained, printable HTML file with a pain chart and a body chart.",
        discussion: """
            The report opens with the patient's ACTIVE PRECAUTIONS (each with the techniques it
            cautions or contraindicates), then their details and history, a pain chart (every score
            over time, a visit's before and after scores joined, the clinically meaningful change
            marked), a body chart front and back (each trigger point on its muscle and side;
            active, latent and resolved drawn differently; referral lines) with a table of the
            same findings, the visits (reason, techniques with minutes, needling details and
            notes, adverse events flagged, findings, measurements, pain before → after, the plan
            at close), the treatment notes by visit (subjective, objective, assessment, plan),
            consent decisions, adverse events, measurements, and the timeline with corrections and
            retractions. Every time is the site's local time, its zone named in the header. Its
            footer says which events it was made from (each origin's sequence and hash), whether
            the chains verified, and who made it where and when.

            Inline CSS and SVG only: no script, no font, no image, nothing fetched — the page
            forbids every request. Open it in any browser or print it on A4. Made again from the
            same events (`--at-clock` with the clock in its footer) it is the same, byte for byte,
            but for the line saying who made it and when. Each report is recorded as a "report"
            access in the log (`myolog audit`).

            Examples:
              myolog report 3f2a9c1b --out mia.html
              myolog report 3f2a9c1b --out mia.html --force --as-of 2026-03-03
              myolog report 3f2a9c1b --out mia.html --at-clock '{"2v5ekk7zzmpxataj":42}'
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeTravelOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: ArgumentHelp("The HTML file to write: a new file in an existing directory (an existing one only with --force).", valueName: "file.html"))
    var out: String
    @Flag(help: "Replace --out if it is an existing regular file.") var force = false

    func run() throws {
        let user = try global.requireReader()
        let outURL = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        try AtomicFile.checkTarget(outURL, replacing: force)  // before anything is read or recorded
        let store = try global.openStore()
        let id = try store.read { try ClinicalQueries($0).resolvePatient(patient) }
        let clock = try global.siteClock(store)
        let travel = try time.travel(on: clock)
        let report = try global.recordedRead(.report, command: "report", patients: [id], in: store, by: user) {
            try global.require(.readClinicalRecords, in: store)
            return try PatientReport.make(id, travel, from: store, by: user, clock: clock)
        }
        let html = report.page().bytes
        try AtomicFile.write(to: outURL, replacing: force) { try $0.write(contentsOf: html) }
        if global.json {
            print(JSONValue.object(["file": .string(outURL.path), "patientId": .string(id.rawValue), "bytes": .int(html.count),
                                    "verified": .bool(report.basis.verification.succeeded), "timeZone": .string(clock.identifier)]).canonicalString)
        } else {
            let verified = report.basis.verification.succeeded ? "chains verified" : "VERIFICATION FAILED (see the report's footer)"
            print("Wrote the report of \(report.view.details.name ?? id.rawValue) to \(outURL.path) (\(report.view.eventCount) events, \(report.findings.count) trigger points, \(report.view.painScores.count) pain scores; \(verified))")
        }
    }
}

extension PatientReport {
    /// The report of `patient` read from `store` by `user` now, its chains verified first; refuses
    /// an erased patient or one not registered at that moment, as `show` does.
    static func make(_ patient: PatientID, _ travel: TimeTravel, from store: EventStore, by user: String, clock: SiteClock) throws -> PatientReport {
        let localChain = try store.localChainProblem().map { "\($0)" }
        let generation = Generation(user: user, at: .now(), site: store.identity.site, node: store.identity.nodeID)
        return try store.read { reader in
            try ClinicalQueries(reader).requireReadable(patient)
            guard let report = try PatientReport.read(patient, travel, in: reader, localChainProblem: localChain, generation: generation, siteClock: clock) else {
                throw try NotShown.refusal(patient, in: reader)
            }
            return report
        }
    }
}
