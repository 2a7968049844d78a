import ClinicalEvents
import EventLog
import ClinicalFold
import Projections
import EventModel

/// The pages of `myolog ui` other than the patient page (which is ``PatientReport/page(navigation:)``):
/// the patient list with its search form, a patient's timeline, the conflicts. Paths are the
/// viewer's routes (``Route``); every page is read-only — the one form searches with GET.
public enum ClinicPages {
    /// The viewer's paths, declared once for the pages that link to them and the server that serves them.
    public enum Route {
        public static let patients = "/"
        public static let conflicts = "/conflicts"
        public static func patient(_ id: PatientID) -> String { "/patients/\(id.rawValue)" }
        public static func timeline(_ id: PatientID) -> String { "/patients/\(id.rawValue)/timeline" }
    }

    /// The links every page carries (the patient's own when there is one) and the search form.
    public static func navigation(patient: PatientID? = nil, search: String? = nil) -> HTML {
        HTML.element("a", ["href": Route.patients]) { "Patients" }
        + HTML.element("a", ["href": Route.conflicts]) { "Conflicts" }
        + (patient.map { id in
            HTML.element("a", ["href": Route.patient(id)]) { "Record" } + HTML.element("a", ["href": Route.timeline(id)]) { "Timeline" }
        } ?? HTML())
        + HTML.element("form", ["id": "search", "method": "get", "action": Route.patients, "role": "search"]) {
            HTML.element("label", ["for": "q"]) { "Search patients " }
            HTML.element("input", ["id": "q", "name": "q", "type": "search", "value": search ?? "", "maxlength": "\(ClinicalInput.maximumNameLength)"])
            HTML.element("button", ["type": "submit"]) { "Search" }
        }
    }

    /// The patient list; last visits are days on `clock` (the site's zone, named on the page).
    public static func patientList(_ rows: [PatientListing], search: String?, site: String, clock: SiteClock) -> ClinicPage {
        ClinicPage(title: "Patients — \(site)", navigation: navigation(search: search)) {
            HTML.element("main") {
                HTML.element("h1") { search.map { "Patients matching “\($0)”" } ?? "Patients" }
                HTML.element("p", ["class": "muted"]) { "\(rows.count) patient\(rows.count == 1 ? "" : "s") at \(site). Every page you open here is recorded in the access log." }
                HTML.element("p", ["id": "time-zone", "class": "muted"]) { clock.label() }
                HTML.element("table", ["id": "patient-list"]) {
                    HTML.element("thead") { HTML.row(["Name", "Born", "Last visit", "Latest pain", "Active TP", "Latent TP", "Adverse events", "Patient"], header: true) }
                    HTML.element("tbody") {
                        for row in rows {
                            HTML.element("tr") {
                                HTML.element("td", ["class": "name"]) { HTML.element("a", ["href": Route.patient(row.patientId)]) { row.name } }
                                HTML.element("td") { row.dateOfBirth }
                                HTML.element("td") { row.lastVisit.map { "\(clock.day($0))" } ?? "–" }
                                HTML.element("td") { row.latestPainScore.map { "\($0)/10" } ?? "–" }
                                HTML.element("td") { "\(row.activeTriggerPoints)" }
                                HTML.element("td") { "\(row.latentTriggerPoints)" }
                                HTML.element("td", ["class": row.adverseEvents > 0 ? "flagged" : nil]) { "\(row.adverseEvents)" }
                                HTML.element("td", ["class": "id"]) { String(row.patientId.rawValue.prefix(8)) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A patient's timeline, its times on `clock` (the site's zone, named on the page).
    public static func timeline(_ lines: [AuditLine], patient: PatientID, name: String, clock: SiteClock) -> ClinicPage {
        ClinicPage(title: "Timeline — \(name)", navigation: navigation(patient: patient)) {
            HTML.element("main") {
                HTML.element("h1") { "Timeline: \(name)" }
                HTML.element("p", ["id": "time-zone", "class": "muted"]) { clock.label() }
                TimelineTable.html(lines, clock: clock)
            }
        }
    }

    public static func conflicts(_ listings: [ConflictListing]) -> ClinicPage {
        ClinicPage(title: "Conflicts", navigation: navigation()) {
            HTML.element("main") {
                HTML.element("h1") { "Conflicts" }
                HTML.element("p", ["class": "muted"]) {
                    "Fields two sites changed without seeing each other's change. Views show the last write; resolve with myolog resolve on the clinic machine."
                }
                HTML.element("table", ["id": "conflict-list"]) {
                    HTML.element("thead") { HTML.row(["Patient", "Field", "Shown", "Candidates"], header: true) }
                    HTML.element("tbody") {
                        for listing in listings {
                            HTML.element("tr") {
                                HTML.element("td") { HTML.element("a", ["href": Route.patient(listing.patientId)]) { listing.name } }
                                HTML.element("td") { listing.conflict.field }
                                HTML.element("td") { listing.conflict.shown ?? "(removed)" }
                                HTML.element("td") { listing.conflict.values.map { "“\($0.value ?? "(removed)")” by \($0.author)" }.joined(separator: " vs ") }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A page saying why nothing is shown (unknown patient, an erased record, an audit failure).
    public static func refusal(_ title: String, _ message: String) -> ClinicPage {
        ClinicPage(title: title, navigation: navigation()) {
            HTML.element("main") {
                HTML.element("h1") { title }
                HTML.element("p") { message }
            }
        }
    }
}
