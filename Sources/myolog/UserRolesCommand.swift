import ArgumentParser
import ClinicalLog
import EventModel

struct UserRolesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "Show the roles and what each may do (the permission table).",
        discussion: """
            A person may hold several roles; for each act they use the first of their roles, in
            the order \(Permissions.preference.map(\.rawValue).joined(separator: ", ")), that may do
            it, and that role is written into the event. Correcting or retracting an entry needs
            its author, a therapist for a student's entry, or a practice manager; a co-signature
            is never of one's own entry. With --json, the document kept in Schemas/permissions.json.

            Examples:
              myolog user roles
              myolog user roles --json > Schemas/permissions.json
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        if global.json {
            print(PermissionDocument.json().canonicalString)
            return
        }
        var table = TextTable(["may"] + Role.allCases.map(\.rawValue))
        for permission in Permission.allCases {
            table.add([permission.summary] + Role.allCases.map { Permissions.table[$0, default: []].contains(permission) ? "yes" : "-" })
        }
        print(table.rendered, terminator: "")
    }
}

