import ArgumentParser
import EventLog
import EventModel

struct UserRoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role",
        abstract: "Grant a role to a user, or revoke it (a practice manager).",
        discussion: """
            Examples:
              myolog user role sam practice-manager --as alex
              myolog user role sam practice-manager --revoke --as alex
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user.", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("The role.", valueName: "role"))
    var role: UserRoleArgument

    @Flag(help: "Revoke the role instead of granting it.")
    var revoke = false

    func run() throws {
        let author = try global.requireAuthor()
        let store = try global.openStore()
        let envelope = try store.changeRole(role.rawValue, of: name, grant: !revoke, by: author)
        global.printWritten(envelope, message: "\(revoke ? "Revoked" : "Granted") \(role.rawValue) \(revoke ? "from" : "to") \(name):")
    }
}

struct UserRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a user: from this point in causal order nothing is accepted in their name.",
        discussion: """
            What they wrote before stays, signed; events in their name written after a site has
            seen the removal are refused at every site that receives them.

            Examples:
              myolog user remove sam --reason "left the practice" --as alex
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("Why (recorded).", valueName: "text"))
    var reason: String

    func run() throws {
        let author = try global.requireAuthor()
        let store = try global.openStore()
        let envelope = try store.removeUser(name, reason: reason, by: author)
        global.printWritten(envelope, message: "Removed \(name):")
    }
}
