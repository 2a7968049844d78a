import ArgumentParser
import EventLog
import EventModel
import Foundation

struct UserAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a person with their roles and public key (a practice manager).",
        discussion: """
            The person first makes their key on their own machine (`myolog user key create --as
            NAME`) and gives its public half; the practice manager binds it here.

            Examples:
              myolog user add sam --display "Sam Lee" --role therapist --registration "MAA 12345" --key BASE64 --as alex
              myolog user add kim --display "Kim Ho" --role student --key BASE64 --as alex
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user name (\(UserName.accepted)).", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("How people see them named.", valueName: "name"))
    var display: String

    @Option(name: .customLong("role"), help: ArgumentHelp("A role (repeatable).", valueName: "role"))
    var roles: [UserRoleArgument]

    @Option(help: ArgumentHelp("A professional registration number.", valueName: "number"))
    var registration: String?

    @Option(help: ArgumentHelp("Their public key, base64 (from `user key create`).", valueName: "base64"))
    var key: String

    func validate() throws {
        guard UserName.isValid(name) else { throw PeopleError.invalidUserName(name) }
        guard !roles.isEmpty else { throw ValidationError("role: give at least one --role; accepted: \(UserRoleArgument.names.joined(separator: ", "))") }
        guard let raw = Data(base64Encoded: key), raw.count == 32 else {
            throw ValidationError("key: not an Ed25519 public key; accepted: the base64 of 32 bytes, as `myolog user key create` prints it")
        }
    }

    func run() throws {
        let author = try global.requireAuthor()
        let store = try global.openStore()
        let envelope = try store.addUser(name, displayName: display, roles: roles.map(\.rawValue), registration: registration,
                                         key: Data(base64Encoded: key)!, by: author)
        global.printWritten(envelope, message: "Added \(name) (\(roles.map(\.rawValue).joined(separator: ", "))):")
    }
}
