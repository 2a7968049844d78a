import ArgumentParser

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export records in formats other health software reads.",
        discussion: """
            Examples:
              myolog export fhir 3f2a9c1b > mia.fhir.json
              myolog export fhir --all --out /tmp/fhir-export
            """,
        subcommands: [ExportFHIRCommand.self])
}
