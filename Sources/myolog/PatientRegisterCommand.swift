import ArgumentParser
import ClinicalEvents

struct PatientRegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a new patient; prints the new patient id.",
        discussion: """
            The patient id is printed as the last word (with --json: {"eventId":…,"patientId":…}).
            Other commands take the id or its first 8 or more characters.

            Examples:
              myolog patient register --name "Liam O'Connor" --dob 1995-09-30
              myolog --json patient register --name "Ruth Nguyen" --dob 1954-02-03 --email ruth@example.org
              myolog patient register --name "Ruth Nguyen" --dob 1954-02-03 --new-patient   (a different person of the same name and birthday)

            A patient of the same name (case and spacing aside) and date of birth already
            registered here, or received from another site, is refused, naming their id: use
            their record, or add --new-patient if this is a different person.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Full name.") var name: String
    @Option(help: ArgumentHelp("Date of birth.", valueName: "YYYY-MM-DD")) var dob: String
    @Option(help: "Phone number.") var phone: String?
    @Option(help: "E-mail address.") var email: String?
    @Option(help: "Postal address.") var address: String?
    @Flag(name: .customLong("new-patient"), help: "A different person from a registered patient of the same name and date of birth.") var newPatient = false

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { session in
            try session.register(.init(name: name, dateOfBirth: dob, phone: phone, email: email, address: address), newPatient: newPatient, author: author)
        }
        global.printWritten(envelope, message: "Registered \(name):", includePatient: true)
    }
}
