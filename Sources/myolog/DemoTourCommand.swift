import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation
import ClinicalFold
import Projections
import EventModel

struct DemoTourCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tour",
        abstract: "Create a store holding the sample patients and print its log.",
        discussion: """
            Without --store (and without $MYOLOG_STORE) the store goes in a new temporary
            directory. The sample patients ship with Myolog: a first consultation's history,
            visits with trigger points, techniques and pain scores, a correction and a retraction.

            Examples:
              myolog demo
              myolog demo tour --store /tmp/clinic-demo
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let directory: URL
        if global.store != nil || global.environment["MYOLOG_STORE"] != nil {
            directory = try global.storeDirectory()
        } else {
            directory = try DemoDirectory.makeTemporary(field: "store")
        }
        let store = try global.createStore(at: directory, site: "Fitzroy demo clinic", author: "demo@myolog")
        let summary = try DemoClinic.populate(ClinicalRecord(store: store))
        let total = try store.read { try $0.eventCount() }
        if global.json {
            print(JSONValue.object([
                "store": .string(directory.path), "nodeId": .string(store.identity.nodeID.rawValue), "events": .int(total),
                "patients": .array(summary.patients.map { .object(["patientId": .string($0.id.rawValue), "name": .string($0.name)]) }),
            ]).canonicalString)
            return
        }
        var out = StandardOutput()
        out.write("Demo store: \(directory.path)  (site \"\(store.identity.site)\", node \(store.identity.nodeID))\n")
        out.write("\(summary.patients.count) patients, \(total) events (including the node's enrolment):\n")
        for patient in summary.patients { out.write("  \(patient.id.rawValue.prefix(8))  \(patient.name)\n") }
        let clock = try global.siteClock(store)
        out.write("\nThe log:\n\(clock.label())\n\(EventLine.header)\n")
        try store.read { reader in try reader.forEachEvent { out.write(EventLine.format($0, clock: clock) + "\n") } }
        if let (patient, name) = summary.patients.first, let view = try store.read({ try PatientViews($0).show(patient) }) {
            out.write("\nOne patient's record (`myolog show \(patient.rawValue.prefix(8))`), \(name):\n\n")
            out.write(ShowRendering.text(view, clock: try global.siteClock(store)))
        }
        let myolog = DemoDirectory.invocation
        let first = summary.patients.first.map { String($0.id.rawValue.prefix(8)) } ?? "PATIENT"
        // The patient on warfarin: her active precaution alerts on deep tissue massage.
        let onWarfarin = summary.patients.first { $0.name == "Ruth Nguyen" }.map { String($0.id.rawValue.prefix(8)) } ?? "PATIENT"
        out.write("""

            Explore it (each line runs as printed):
              export MYOLOG_STORE=\(directory.path) MYOLOG_USER=you
              \(myolog) patients
              \(myolog) show \(first)
              \(myolog) timeline \(first)
              \(myolog) log --patient \(first)
              \(myolog) log --type PainScoreRecorded --json
              \(myolog) record pain \(first) --score 2 --region neck --context rest
              \(myolog) record measurement \(first) --test cervical-rotation --side right --value 75
              \(myolog) record outcome \(first) --instrument ndi --answers 1,0,0,0,1,0,0,0,1,0 --context discharge
              \(myolog) record note \(first) --subjective "Headaches gone" --plan "Review in 4 weeks"
              \(myolog) record technique \(first) --technique cupping --region neck   # refused: no consent to cupping recorded
              \(myolog) show \(onWarfarin)   # on warfarin: an active precaution
              \(myolog) record technique \(onWarfarin) --technique deep-tissue-massage --region lower-back   # refused with the alert
              \(myolog) query "SELECT kind, severity, after FROM adverse_events"
              sqlite3 \(directory.path)/myolog.sqlite 'DELETE FROM events'   # refused: the log is append-only

            """)
        out.flush()
    }
}
