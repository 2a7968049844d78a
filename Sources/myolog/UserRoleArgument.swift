import ArgumentParser
import ClinicalLog

/// A role as typed on the command line: parsed at the edge, so a misspelt role is refused in
/// one line naming the roles there are.
struct UserRoleArgument: ExpressibleByArgument {
    let rawValue: String

    /// The roles of the permission table, in the order `--help` lists them.
    static let names = Role.allCases.map(\.rawValue)

    init?(argument: String) {
        guard Self.names.contains(argument) else { return nil }
        rawValue = argument
    }

    static var allValueStrings: [String] { names }
}
