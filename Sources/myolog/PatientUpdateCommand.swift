import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct PatientUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a patient's details (only the fields given).",
        discussion: """
            An empty --phone, --email or --address removes it. Two sites changing the same field
            offline are reconciled by the projections (see `myolog conflicts`, a later release).

            Examples:
              myolog patient update 3f2a9c1b --phone "03 9555 0303"
              myolog patient update 3f2a9c1b --name "Mia Thompson-Lee" --email ""
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "New full name.") var name: String?
    @Option(help: ArgumentHelp("Corrected date of birth.", valueName: "YYYY-MM-DD")) var dob: String?
    @Option(help: "New phone number (empty removes).") var phone: String?
    @Option(help: "New e-mail address (empty removes).") var email: String?
    @Option(help: "New postal address (empty removes).") var address: String?
    @Flag(name: .customLong("new-patient"), help: "The new name and date of birth are another registered patient's, and this is a different person.")
    var newPatient = false

    func validate() throws {
        guard [name, dob, phone, email, address].contains(where: { $0 != nil }) else {
            throw ValidationError("patient update: give at least one of --name, --dob, --phone, --email, --address")
        }
    }

    func run() throws {
        let author = try global.requireAuthor()
        var changes: [String: String] = [:]
        changes["name"] = name
        changes["dob"] = dob
        changes["phone"] = phone
        changes["email"] = email
        changes["address"] = address
        let envelope = try global.clinicalRecord().write { try $0.updatePatient(patient, changes: changes, newPatient: newPatient, author: author) }
        global.printWritten(envelope, message: "Updated patient details:")
    }
}
