import EventLog
import ClinicalFold
import Projections
import EventModel

/// The `patients` listing, for people or as JSON: one rendering for a store's and the hub's.
enum PatientsRendering {
    static func print(_ rows: [PatientListing], json: Bool) throws {
        if json {
            Swift.print(try CanonicalEncoder().string(rows))
            return
        }
        var table = TextTable(["PATIENT", "NAME", "BORN", "LAST VISIT", "PAIN", "ACTIVE TP", "LATENT TP"])
        for row in rows {
            table.add([String(row.patientId.rawValue.prefix(8)), row.name, row.dateOfBirth, row.lastVisit.map { String($0.description.prefix(10)) } ?? "-",
                       row.latestPainScore.map { "\($0)/10" } ?? "-", String(row.activeTriggerPoints), String(row.latentTriggerPoints)])
        }
        Swift.print(table.rendered, terminator: "")
        Swift.print("\(rows.count) patient\(rows.count == 1 ? "" : "s")")
    }
}
