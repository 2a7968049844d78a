import ArgumentParser
import Crypto
import EventLog
import EventModel
import EventSync
import Foundation

struct UserListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the store's users: roles, registration, key fingerprints, standing.",
        discussion: """
            A key's fingerprint is the first 16 hex digits of the SHA-256 of its public key.
            Below the table: user events the directory did not obey (an author without the
            practice-manager role), kept in the log as signed history.

            Examples:
              myolog user list
              myolog user list --json
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let fold = try store.userDirectory().fold()
        let users = fold.users.values.sorted { $0.name < $1.name }
        if global.json {
            print(JSONValue.array(users.map(Self.json)).canonicalString)
            return
        }
        var table = TextTable(["USER", "NAME", "ROLES", "REGISTRATION", "KEYS", "STANDING"])
        for user in users {
            table.add([user.name, user.displayName, user.roles.sorted().joined(separator: ","), user.registration ?? "",
                       user.keys.map(Self.fingerprint).joined(separator: ","), user.isRemoved ? "removed: \(user.removalReason ?? "")" : "active"])
        }
        print(table.rendered, terminator: "")
        for change in fold.ineffective {
            print("Not obeyed: event \(change.event) by \(VisibleText.escaped(change.author)) — \(VisibleText.escaped(change.reason))")
        }
    }

    static func fingerprint(_ key: Data) -> String { String(Hex.encode(SHA256.hash(data: key)).prefix(16)) }

    static func json(_ user: UserStanding) -> JSONValue {
        var members: [String: JSONValue] = [
            "user": .string(user.name), "displayName": .string(user.displayName), "roles": .array(user.roles.sorted().map(JSONValue.string)),
            "keys": .array(user.keys.map { .string($0.base64EncodedString()) }), "removed": .bool(user.isRemoved), "addedBy": .string(user.addedBy),
        ]
        if let registration = user.registration { members["registration"] = .string(registration) }
        if let reason = user.removalReason { members["removalReason"] = .string(reason) }
        return .object(members)
    }
}
