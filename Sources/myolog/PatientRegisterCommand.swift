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
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Full name.") var name: String
    @Option(help: ArgumentHelp("Date of birth.", valueName: "YYYY-MM-DD")) var dob: String
    @Option(help: "Phone number.") var phone: String?
    @Option(help: "E-mail address.") var email: String?
    @Option(help: "Postal address.") var address: String?

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { session in
            try session.register(.init(name: name, dateOfBirth: dob, phone: phone, email: email, address: address), author: author)
        }
        global.printWritten(envelope, message: "Registered \(name):", includePatient: true)
    }
}
