import EventLog
import ClinicalFold
import Projections
import EventModel

/// The `patients` listing, for people or as JSON: one rendering for a store's and the hub's.
///
/// "Last visit" is a day, so it is the site's calendar day (`clock`): a 09:10 Melbourne visit on
/// 27 November is the 27th, not UTC's 26th. JSON keeps the instant (`lastVisit`) and adds that
/// day (`lastVisitDate`) and the zone it is read in (`timeZone`).
enum PatientsRendering {
    static func print(_ rows: [PatientListing], json: Bool, clock: SiteClock, now: Timestamp = .now()) throws {
        if json {
            Swift.print(JSONValue.array(try rows.map { try row($0, clock: clock) }).canonicalString)
            return
        }
        Swift.print(clock.label())
        var table = TextTable(["PATIENT", "NAME", "BORN", "LAST VISIT", "PAIN", "ACTIVE TP", "LATENT TP", "ADVERSE", "TO CO-SIGN", "REASSESS"])
        for row in rows {
            table.add([String(row.patientId.rawValue.prefix(8)), row.name, row.dateOfBirth, row.lastVisit.map { clock.day($0).description } ?? "-",
                       row.latestPainScore.map { "\($0)/10" } ?? "-", String(row.activeTriggerPoints), String(row.latentTriggerPoints),
                       // Flagged, so an adverse event after treatment is seen from the list.
                       row.adverseEvents == 0 ? "-" : "! \(row.adverseEvents)",
                       // A student's entries awaiting a supervisor's co-signature.
                       row.awaitingCoSignature == 0 ? "-" : String(row.awaitingCoSignature),
                       // An outcome measure due again: flagged once the day has come.
                       row.reassessmentDue.map { $0 <= now ? "DUE \(clock.day($0))" : clock.day($0).description } ?? "-"])
        }
        Swift.print(table.rendered, terminator: "")
        Swift.print("\(rows.count) patient\(rows.count == 1 ? "" : "s")")
    }

    /// One row as JSON: the listing's members, the last visit's local day and the zone.
    static func row(_ listing: PatientListing, clock: SiteClock) throws -> JSONValue {
        guard case .object(var members) = try CanonicalEncoder().value(listing) else { preconditionFailure("a patient listing encodes as an object") }
        members["lastVisitDate"] = listing.lastVisit.map { .string(clock.day($0).description) } ?? .null
        members["timeZone"] = .string(clock.identifier)
        members["reassessmentDueDate"] = listing.reassessmentDue.map { .string(clock.day($0).description) } ?? .null
        return .object(members)
    }
}
