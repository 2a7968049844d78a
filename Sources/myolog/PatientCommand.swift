import ArgumentParser

struct PatientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patient",
        abstract: "Register patients and change their details.",
        discussion: """
            Examples:
              myolog patient register --name "Mia Thompson" --dob 1988-04-12 --phone "0400 555 101"
              myolog patient update 3f2a9c1b --email mia@example.org --phone ""   # empty removes
            """,
        subcommands: [PatientRegisterCommand.self, PatientUpdateCommand.self])
}
